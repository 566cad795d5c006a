"""The route table: every operation answered instead of moto is one row, and a miss is moto's.

The rows are exercised through ``Gateway.dispatch`` with small fakes for the engine and the
router: no server, no network.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest

from localcloud.emulator import fastpath
from localcloud.engine.errors import FunctionNotFoundError, ThrottledError
from localcloud.gateway import Gateway, ServerInfo, codedeploy
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import AMZ_JSON, Response
from localcloud.gateway.routes import ROUTES, Direct, Intercepted, find_route
from localcloud.routing.errors import InvalidEventPatternError
from localcloud.trace import HopKind, TraceContext, TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)
TARGET_PREFIX = {"sqs": "AmazonSQS", "dynamodb": "DynamoDB_20120810", "events": "AWSEvents"}


def request(
    service: str,
    operation: str = "",
    body: bytes = b"{}",
    headers: dict[str, str] | None = None,
    path: str = "/",
) -> AwsRequest:
    """A signed request; JSON protocol when ``operation`` is given, else REST by ``path``."""
    all_headers = {
        "authorization": f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request",
        **(headers or {}),
    }
    if operation:
        all_headers["x-amz-target"] = f"{TARGET_PREFIX[service]}.{operation}"
    return AwsRequest.parse(
        method="POST",
        path=path,
        query="",
        headers=all_headers,
        body=body,
        default_region="us-east-1",
    )


def invoke_request(function: str, kind: str = "RequestResponse", body: bytes = b"{}") -> AwsRequest:
    return request(
        "lambda",
        body=body,
        headers={"x-amz-invocation-type": kind, "x-amz-log-type": "Tail"},
        path=f"/2015-03-31/functions/{function}/invocations",
    )


@dataclass
class Result:
    payload: bytes
    failed: bool = False
    executed_version: str = "$LATEST"

    def log_tail(self) -> str:
        return "START\nEND\n"


class FakeInvocations:
    """Knows one function, ``greeter``; ``busy`` is throttled. Records functions by name (the
    gateway hands over the ARN in the request's region)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []

    def _known(self, function: str) -> None:
        assert function.startswith("arn:aws:lambda:us-east-1:"), function
        function = function.rsplit(":", 1)[-1]
        if function == "busy":
            raise ThrottledError(function, 1)
        if function != "greeter":
            raise FunctionNotFoundError(function)

    def invoke(
        self,
        function: str,
        payload: bytes,
        context: TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> Result:
        self._known(function)
        self.calls.append(("invoke", function.rsplit(":", 1)[-1], payload))
        return Result(b'{"hello": "ada"}', failed=payload == b'{"fail": true}')

    def invoke_async(
        self, function: str, payload: bytes, context: TraceContext | None = None
    ) -> str:
        self._known(function)
        self.calls.append(("async", function.rsplit(":", 1)[-1], payload))
        return "request-1"

    def check(self, function: str) -> None:
        self._known(function)


class FakeEvents:
    def put_events(
        self, region: str, account: str, entries: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return [
            {"ErrorCode": "X", "ErrorMessage": "bad"} if entry.get("bad") else {"EventId": "1"}
            for entry in entries
        ]

    def test_event_pattern(self, pattern: str, event: str) -> bool:
        if pattern == "bad":
            raise InvalidEventPatternError("not valid JSON")
        return pattern == event


@pytest.fixture
def invocations() -> FakeInvocations:
    return FakeInvocations()


@pytest.fixture
def traces() -> TraceStore:
    return TraceStore()


@pytest.fixture
def gateway(invocations: FakeInvocations, traces: TraceStore) -> Gateway:
    return Gateway(invocations, FakeEvents(), traces, INFO)


def answer(gateway: Gateway, req: AwsRequest) -> Response:
    result = gateway.dispatch(req, lambda: "moto")
    assert isinstance(result, Response), "expected the gateway to answer, not moto"
    return result


def error_of(response: Response) -> tuple[int, str, str]:
    body = json.loads(response.body)
    assert dict(response.headers)["x-amzn-ErrorType"] == body["__type"]
    return response.status, body["__type"], body["message"]


# -- the table ---------------------------------------------------------------------------------
def test_every_intercepted_operation_is_a_row() -> None:
    intercepted = {key for key, route in ROUTES.items() if isinstance(route, Intercepted)}
    direct = {key: route.path for key, route in ROUTES.items() if isinstance(route, Direct)}
    assert intercepted == {
        ("lambda", "Invoke"),
        ("events", "PutEvents"),
        ("events", "TestEventPattern"),
        ("sqs", "StartMessageMoveTask"),
        ("sqs", "ListMessageMoveTasks"),
        ("sqs", "CancelMessageMoveTask"),
        ("states", "StartSyncExecution"),
        ("codedeploy", "PutLifecycleEventHookExecutionStatus"),
    }
    assert direct == {
        ("dynamodb", "PutItem"): fastpath.put_item,
        ("sqs", "SendMessage"): fastpath.send_message,
        ("sqs", "SendMessageBatch"): fastpath.send_message_batch,
        ("sqs", "ReceiveMessage"): fastpath.receive_message,
        ("sqs", "DeleteMessage"): fastpath.delete_message,
        ("sqs", "DeleteMessageBatch"): fastpath.delete_message_batch,
        ("codedeploy", "GetDeployment"): codedeploy.get_deployment,
    }


def test_each_row_is_found_by_its_request() -> None:
    assert find_route(invoke_request("greeter")) is ROUTES[("lambda", "Invoke")]
    assert find_route(request("sqs", "SendMessage")) is ROUTES[("sqs", "SendMessage")]


@pytest.mark.parametrize(
    "missed",
    [
        request("sqs", "GetQueueAttributes"),
        request("lambda", path="/2015-03-31/functions/greeter/policy"),
        request("lambda", path="/2015-03-31/functions/greeter/configuration"),
    ],
    ids=["json-protocol", "rest-add-permission", "rest-other-method"],
)
def test_a_miss_returns_none(missed: AwsRequest) -> None:
    assert find_route(missed) is None


def test_a_miss_is_answered_by_moto(gateway: Gateway) -> None:
    assert gateway.dispatch(request("sqs", "GetQueueAttributes"), lambda: "moto") == "moto"


# -- Lambda Invoke -----------------------------------------------------------------------------
def test_invoke_runs_the_function(gateway: Gateway, invocations: FakeInvocations) -> None:
    response = answer(gateway, invoke_request("greeter", body=b'{"fail": true}'))
    headers = dict(response.headers)
    assert (response.status, response.body) == (200, b'{"hello": "ada"}')
    assert headers["X-Amz-Executed-Version"] == "$LATEST"
    assert headers["X-Amz-Function-Error"] == "Unhandled"
    assert base64.b64decode(headers["X-Amz-Log-Result"]) == b"START\nEND\n"
    assert invocations.calls == [("invoke", "greeter", b'{"fail": true}')]


def test_event_and_dry_run_invocations_answer_without_a_body(
    gateway: Gateway, invocations: FakeInvocations
) -> None:
    assert answer(gateway, invoke_request("greeter", "Event")).status == 202
    assert answer(gateway, invoke_request("greeter", "DryRun")).status == 204
    assert invocations.calls == [("async", "greeter", b"{}")]


@pytest.mark.parametrize(
    ("req", "expected"),
    [
        (
            invoke_request("nope"),
            (
                404,
                "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
            ),
        ),
        (
            invoke_request("busy", "Event"),
            (
                429,
                "TooManyRequestsException",
                "Rate Exceeded. Function busy is at its concurrency limit (1).",
            ),
        ),
        (
            invoke_request("greeter", body=b"{oops"),
            (
                400,
                "InvalidRequestContentException",
                "Could not parse request body into json: "
                "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            ),
        ),
        (
            invoke_request("greeter", "Later"),
            (
                400,
                "InvalidParameterValueException",
                "Unsupported InvocationType 'Later': use RequestResponse, Event or DryRun",
            ),
        ),
    ],
    ids=["missing", "throttled", "not-json", "bad-type"],
)
def test_invoke_errors_are_lambdas(
    gateway: Gateway, req: AwsRequest, expected: tuple[int, str, str]
) -> None:
    assert error_of(answer(gateway, req)) == expected


# -- EventBridge -------------------------------------------------------------------------------
def test_put_events_counts_failed_entries(gateway: Gateway) -> None:
    body = json.dumps({"Entries": [{"bad": True}, {}]}).encode()
    response = answer(gateway, request("events", "PutEvents", body))
    assert json.loads(response.body)["FailedEntryCount"] == 1


def test_put_events_body_must_be_json(gateway: Gateway) -> None:
    status, code, message = error_of(answer(gateway, request("events", "PutEvents", b"nope")))
    assert (status, code) == (400, "SerializationException")
    assert message.startswith("Could not parse request body into json: ")


def test_test_event_pattern_answers_and_words_errors_as_eventbridge(gateway: Gateway) -> None:
    same = json.dumps({"EventPattern": "x", "Event": "x"}).encode()
    assert json.loads(answer(gateway, request("events", "TestEventPattern", same)).body) == {
        "Result": True
    }
    bad = json.dumps({"EventPattern": "bad", "Event": "{}"}).encode()
    assert error_of(answer(gateway, request("events", "TestEventPattern", bad))) == (
        400,
        "InvalidEventPatternException",
        "Event pattern is not valid. Reason: not valid JSON",
    )


# -- direct paths ------------------------------------------------------------------------------
def test_direct_path_answers_as_amz_json_and_is_traced(
    gateway: Gateway, traces: TraceStore
) -> None:
    gateway.routes[("sqs", "SendMessage")] = Direct(lambda body, region: b'{"MessageId": "m"}')
    body = json.dumps({"QueueUrl": "http://127.0.0.1:4566/000000000000/orders"}).encode()
    response = answer(gateway, request("sqs", "SendMessage", body))
    assert (response.status, response.body) == (200, b'{"MessageId": "m"}')
    assert dict(response.headers)["Content-Type"] == AMZ_JSON
    [[hop]] = traces.traces()
    assert (hop.kind, hop.service, hop.resource) == (HopKind.PUBLISH, "sqs", "orders")


def test_direct_path_that_declines_leaves_the_call_to_moto(
    gateway: Gateway, traces: TraceStore
) -> None:
    gateway.routes[("sqs", "ReceiveMessage")] = Direct(lambda body, region: None)
    inside = {"x-amzn-trace-id": "Root=1-abc;Parent=0123456789abcdef;Sampled=1"}
    result = gateway.dispatch(request("sqs", "ReceiveMessage", headers=inside), lambda: "moto")
    assert result == "moto"
    [[hop]] = traces.traces()
    assert (hop.kind, hop.resource, hop.parent) == (
        HopKind.CALL,
        "ReceiveMessage",
        "0123456789abcdef",
    )
