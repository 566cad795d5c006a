"""The events user pools send their Lambda triggers, read by Powertools' Cognito parser models
and data classes as a handler would, and what is read back from the functions' answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import cognito_user_pool_event as events
from aws_lambda_powertools.utilities.parser.models import cognito as models

from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.engine import cognito_shapes

ATTRIBUTES = {"sub": "0b8f-1", "email": "ann@example.org", "cognito:user_status": "UNCONFIRMED"}


def _trigger(trigger: str, source: str, **extra: Any) -> CognitoTrigger:
    return CognitoTrigger(
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        trigger=trigger,
        trigger_source=source,
        region="us-east-1",
        user_pool_id="us-east-1_abc",
        user_name="ann",
        client_id="client-1",
        user_attributes=ATTRIBUTES,
        **extra,
    )


def test_pre_sign_up() -> None:
    event = cognito_shapes.trigger_event(
        _trigger("PreSignUp", "PreSignUp_SignUp", validation_data={"captcha": "ok"})
    )
    parsed = models.CognitoPreSignupTriggerModel.model_validate(event)
    assert parsed.request.userAttributes == ATTRIBUTES
    assert parsed.request.validationData == {"captcha": "ok"}
    assert parsed.response.autoConfirmUser is False
    wrapped = events.PreSignUpTriggerEvent(event)
    assert wrapped.user_name == "ann"
    assert wrapped.caller_context.client_id == "client-1"
    wrapped.response.auto_confirm_user = True
    assert event["response"]["autoConfirmUser"] is True


def test_admin_create_user_has_no_client() -> None:
    trigger = CognitoTrigger(**{**_trigger("PreSignUp", "PreSignUp_AdminCreateUser").__dict__})
    event = cognito_shapes.trigger_event(CognitoTrigger(**{**trigger.__dict__, "client_id": None}))
    assert event["callerContext"]["clientId"] == cognito_shapes.NO_CLIENT
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"


def test_post_confirmation() -> None:
    event = cognito_shapes.trigger_event(
        _trigger("PostConfirmation", "PostConfirmation_ConfirmSignUp", client_metadata={"a": "b"})
    )
    parsed = models.CognitoPostConfirmationTriggerModel.model_validate(event)
    assert parsed.request.clientMetadata == {"a": "b"}
    assert event["response"] == {}
    assert events.PostConfirmationTriggerEvent(event).request.user_attributes == ATTRIBUTES


def test_pre_and_post_authentication() -> None:
    pre = cognito_shapes.trigger_event(
        _trigger("PreAuthentication", "PreAuthentication_Authentication")
    )
    assert models.CognitoPreAuthenticationTriggerModel.model_validate(pre).request.userAttributes
    assert events.PreAuthenticationTriggerEvent(pre).request.user_attributes == ATTRIBUTES
    post = cognito_shapes.trigger_event(
        _trigger("PostAuthentication", "PostAuthentication_Authentication")
    )
    parsed = models.CognitoPostAuthenticationTriggerModel.model_validate(post)
    assert parsed.request.newDeviceUsed is False
    assert events.PostAuthenticationTriggerEvent(post).request.new_device_used is False


def test_pre_token_generation() -> None:
    event = cognito_shapes.trigger_event(
        _trigger(
            "PreTokenGeneration",
            "TokenGeneration_Authentication",
            groups=("admins",),
            roles=("arn:aws:iam::123456789012:role/admin",),
            preferred_role="arn:aws:iam::123456789012:role/admin",
        )
    )
    parsed = models.CognitoPreTokenGenerationTriggerModelV1.model_validate(event)
    assert parsed.request.groupConfiguration.groupsToOverride == ["admins"]
    wrapped = events.PreTokenGenerationTriggerEvent(event)
    assert wrapped.request.group_configuration.preferred_role.endswith("role/admin")
    wrapped.response.claims_override_details.claims_to_add_or_override = {"tenant": "acme"}
    answer = json.dumps(event).encode()
    response = cognito_shapes.trigger_response("PreTokenGeneration", answer)
    assert response["claimsOverrideDetails"]["claimsToAddOrOverride"] == {"tenant": "acme"}


def test_custom_message() -> None:
    event = cognito_shapes.trigger_event(_trigger("CustomMessage", "CustomMessage_SignUp"))
    parsed = models.CognitoCustomMessageTriggerModel.model_validate(event)
    assert parsed.request.codeParameter == "{####}"
    assert parsed.request.usernameParameter is None
    wrapped = events.CustomMessageTriggerEvent(event)
    wrapped.response.email_message = f"Your code is {wrapped.request.code_parameter}"
    assert event["response"]["emailMessage"] == "Your code is {####}"
    admin = cognito_shapes.trigger_event(_trigger("CustomMessage", "CustomMessage_AdminCreateUser"))
    assert admin["request"]["usernameParameter"] == "{username}"


def test_an_answer_without_a_response_asks_for_nothing() -> None:
    assert cognito_shapes.trigger_response("PreSignUp", b'{"version": "1"}') == {
        "autoConfirmUser": False,
        "autoVerifyEmail": False,
        "autoVerifyPhone": False,
    }
    assert cognito_shapes.trigger_response("PostConfirmation", b"{}") == {}


@pytest.mark.parametrize("payload", [b"not json", b"[1]", b"null", b'{"response": "yes"}'])
def test_an_answer_that_is_not_an_event_is_refused(payload: bytes) -> None:
    with pytest.raises(cognito_shapes.TriggerAnswerError, match="Unrecognizable lambda output"):
        cognito_shapes.trigger_response("PreSignUp", payload)


def test_a_failed_function_fails_the_operation_with_its_message() -> None:
    message = cognito_shapes.failure_message("PreSignUp", {"errorMessage": "no sign-ups"})
    assert message == "PreSignUp failed with error no sign-ups."
    error = cognito_shapes.TriggerFailedError(message)
    assert (error.aws_code, error.http_status) == ("UserLambdaValidationException", 400)
