"""The events Cognito user pools send their Lambda triggers, and what is read back from them.

Pure functions over ``CognitoTrigger`` views (emulator/cognito_views.py), shaped as the Cognito
developer guide's "Lambda triggers" chapter documents each event: ``version``,
``triggerSource``, ``region``, ``userPoolId``, ``userName``, ``callerContext``, ``request`` and
the ``response`` the function fills in. tests/unit/engine/test_cognito_shapes.py checks them
against Powertools' Cognito models.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.errors import LocalCloudError

# What callerContext says about the SDK: the local cloud does not know the caller's.
SDK_VERSION = "aws-sdk-unknown-unknown"
# callerContext.clientId where no app client is involved (AdminCreateUser).
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
# CustomMessage's placeholders for the code, the link and (AdminCreateUser) the user name.
CODE_PARAMETER = "{####}"
LINK_PARAMETER = "{##Click Here##}"
USERNAME_PARAMETER = "{username}"


class TriggerFailedError(LocalCloudError):
    """A trigger's function raised: Cognito fails the operation with the function's message."""

    aws_code = "UserLambdaValidationException"
    http_status = 400


class TriggerAnswerError(LocalCloudError):
    """A trigger's function answered something that is not its event with a response."""

    aws_code = "InvalidLambdaResponseException"
    http_status = 400


class TriggerUnavailableError(LocalCloudError):
    """A trigger's function does not exist or could not run (throttled)."""

    aws_code = "UnexpectedLambdaException"
    http_status = 400


def _blank_response(trigger: str) -> dict[str, Any]:
    if trigger == "PreSignUp":
        return {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    if trigger == "PreTokenGeneration":
        return {"claimsOverrideDetails": None}
    if trigger == "CustomMessage":
        return {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    return {}


def _request(trigger: CognitoTrigger) -> dict[str, Any]:
    request: dict[str, Any] = {"userAttributes": dict(trigger.user_attributes)}
    name = trigger.trigger
    if name in ("PreSignUp", "PreAuthentication"):
        request["validationData"] = (
            dict(trigger.validation_data) if trigger.validation_data is not None else None
        )
    if name == "PostAuthentication":
        request["newDeviceUsed"] = trigger.new_device_used
    if name == "PreTokenGeneration":
        request["groupConfiguration"] = {
            "groupsToOverride": list(trigger.groups),
            "iamRolesToOverride": list(trigger.roles),
            "preferredRole": trigger.preferred_role,
        }
    if name == "CustomMessage":
        # the placeholders Cognito fills in after the function wrote the message around them
        request["codeParameter"] = CODE_PARAMETER
        request["linkParameter"] = LINK_PARAMETER
        admin = trigger.trigger_source == "CustomMessage_AdminCreateUser"
        request["usernameParameter"] = USERNAME_PARAMETER if admin else None
    if name != "PreAuthentication":
        request["clientMetadata"] = dict(trigger.client_metadata or {})
    return request


def trigger_event(trigger: CognitoTrigger) -> dict[str, Any]:
    """The event a user pool sends its ``trigger.trigger`` function."""
    return {
        "version": "1",
        "triggerSource": trigger.trigger_source,
        "region": trigger.region,
        "userPoolId": trigger.user_pool_id,
        "userName": trigger.user_name,
        "callerContext": {
            "awsSdkVersion": SDK_VERSION,
            "clientId": trigger.client_id or NO_CLIENT,
        },
        "request": _request(trigger),
        "response": _blank_response(trigger.trigger),
    }


def failure_message(trigger: str, error: Mapping[str, Any] | None) -> str:
    """What Cognito answers when the ``trigger`` function raised ``error``."""
    message = str((error or {}).get("errorMessage") or "")
    return f"{trigger} failed with error {message}."


def trigger_response(trigger: str, payload: bytes) -> dict[str, Any]:
    """The ``response`` of the event a trigger's function returned.

    Raises TriggerAnswerError when the answer is not a JSON object; a missing or null
    ``response`` counts as the blank one (nothing asked for)."""
    try:
        answer = json.loads(payload or b"null")
    except ValueError as exc:
        raise TriggerAnswerError("Unrecognizable lambda output") from exc
    if not isinstance(answer, dict):
        raise TriggerAnswerError("Unrecognizable lambda output")
    response = answer.get("response")
    if response is None:
        return _blank_response(trigger)
    if not isinstance(response, dict):
        raise TriggerAnswerError("Unrecognizable lambda output")
    return response
