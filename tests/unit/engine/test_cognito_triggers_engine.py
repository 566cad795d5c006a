"""CognitoTriggers: a trigger is a `trigger` hop, its function runs synchronously under it, and
what the function did becomes the response or the error Cognito answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud import trace
from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.engine import cognito_shapes
from localcloud.engine.cognito import CognitoTriggers
from localcloud.engine.errors import FunctionNotFoundError
from localcloud.engine.executor import InvocationResult
from localcloud.trace import HopKind, TraceStore

TRIGGER = CognitoTrigger(
    function_arn="arn:aws:lambda:us-east-1:123456789012:function:gate",
    trigger="PreSignUp",
    trigger_source="PreSignUp_SignUp",
    region="us-east-1",
    user_pool_id="us-east-1_abc",
    user_name="ann",
    client_id="client-1",
    user_attributes={"email": "ann@example.org"},
)


class FakeInvoker:
    """Answers with ``answer`` (a result, or an exception to raise) and keeps what it ran."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict[str, Any], trace.TraceContext | None, str]] = []

    def invoke(
        self,
        function: str,
        payload: bytes,
        context: trace.TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> InvocationResult:
        self.calls.append((function, json.loads(payload), context, source))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer  # type: ignore[no-any-return]


def _result(payload: Any = None, error: dict[str, Any] | None = None) -> InvocationResult:
    return InvocationResult("r-1", json.dumps(payload).encode(), error, "", 1.0)


def _run(answer: Any) -> tuple[FakeInvoker, TraceStore, Any]:
    invoker = FakeInvoker(answer)
    traces = TraceStore()
    triggers = CognitoTriggers(invoker, traces)  # type: ignore[arg-type]
    try:
        outcome: Any = triggers.run(TRIGGER, None)
    except Exception as exc:  # the test reads it
        outcome = exc
    return invoker, traces, outcome


def test_the_response_comes_back_and_the_run_is_a_trigger_hop() -> None:
    event = cognito_shapes.trigger_event(TRIGGER)
    event["response"]["autoConfirmUser"] = True
    invoker, traces, response = _run(_result(event))
    assert response["autoConfirmUser"] is True
    ((function, sent, context, source),) = invoker.calls
    assert (function, source) == (TRIGGER.function_arn, "cognito-idp")
    assert sent["triggerSource"] == "PreSignUp_SignUp"
    (hops,) = traces.traces(last=1)
    (hop,) = [h for h in hops if h.kind == HopKind.TRIGGER]
    assert context is not None and context.parent == hop.id
    assert hop.detail["trigger"] == "PreSignUp_SignUp"


def test_a_function_error_is_user_lambda_validation() -> None:
    _, _, error = _run(_result(error={"errorMessage": "closed", "errorType": "ValueError"}))
    assert isinstance(error, cognito_shapes.TriggerFailedError)
    assert str(error) == "PreSignUp failed with error closed."


def test_a_missing_function_is_unexpected_lambda() -> None:
    _, traces, error = _run(FunctionNotFoundError("gate"))
    assert isinstance(error, cognito_shapes.TriggerUnavailableError)
    assert error.aws_code == "UnexpectedLambdaException"
    (hops,) = traces.traces(last=1)
    assert [h.kind for h in hops] == [HopKind.TRIGGER, HopKind.DROP]


@pytest.mark.parametrize("payload", ["yes", [1]])
def test_an_answer_that_is_not_an_event_is_invalid(payload: Any) -> None:
    _, _, error = _run(_result(payload))
    assert isinstance(error, cognito_shapes.TriggerAnswerError)
    assert error.aws_code == "InvalidLambdaResponseException"
