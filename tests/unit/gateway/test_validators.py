"""Request validators: what AWS refuses is answered before moto runs; the rest goes on to moto.

Exercised through ``Gateway.dispatch`` with a moto stand-in that records whether it was reached.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

import pytest

from localcloud.gateway import Gateway, ServerInfo
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response
from localcloud.gateway.routes import ROUTES, Direct, DirectQuery, Validated
from localcloud.trace import TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)
GOOD_PATTERN = json.dumps({"body": {"kind": ["keep"]}})


def signed(service: str, **headers: str) -> dict[str, str]:
    scope = f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request"
    return {"authorization": scope, **headers}


def lambda_request(method: str, path: str, body: Any) -> AwsRequest:
    return AwsRequest.parse(
        method=method,
        path=path,
        query="",
        headers=signed("lambda"),
        body=json.dumps(body).encode(),
        default_region="us-east-1",
    )


def events_request(operation: str, body: Any) -> AwsRequest:
    return AwsRequest.parse(
        method="POST",
        path="/",
        query="",
        headers=signed("events", **{"x-amz-target": f"AWSEvents.{operation}"}),
        body=json.dumps(body).encode(),
        default_region="us-east-1",
    )


def sns_request(form: dict[str, str]) -> AwsRequest:
    return AwsRequest.parse(
        method="POST",
        path="/",
        query="",
        headers=signed("sns", **{"content-type": "application/x-www-form-urlencoded"}),
        body=urlencode(form).encode(),
        default_region="us-east-1",
    )


class FakeInvocations:
    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("not an invoke")

    def invoke_async(self, *args: Any, **kwargs: Any) -> str:
        raise AssertionError("not an invoke")

    def check(self, function: str) -> None:
        raise AssertionError("not an invoke")


class FakeEvents:
    def put_events(self, *args: Any) -> list[dict[str, Any]]:
        raise AssertionError("not PutEvents")

    def test_event_pattern(self, pattern: str, event: str) -> bool:
        raise AssertionError("not TestEventPattern")


@pytest.fixture
def gateway() -> Gateway:
    return Gateway(FakeInvocations(), FakeEvents(), TraceStore(), INFO)


def dispatch(gateway: Gateway, request: AwsRequest) -> Response | str:
    return gateway.dispatch(request, lambda: "moto")


def json_error(response: Response | str) -> tuple[int, str, str]:
    assert isinstance(response, Response), "expected a refusal, moto was reached"
    body = json.loads(response.body)
    return response.status, body["__type"], body["message"]


def test_the_validated_operations_are_rows() -> None:
    validated = {key for key, route in ROUTES.items() if isinstance(route, Validated)}
    checked = {
        key
        for key, route in ROUTES.items()
        if isinstance(route, Direct | DirectQuery) and route.check
    }
    assert validated == {
        ("lambda", "CreateFunction"),
        ("lambda", "UpdateFunctionCode"),
        ("lambda", "UpdateFunctionConfiguration"),
        ("lambda", "CreateEventSourceMapping"),
        ("lambda", "UpdateEventSourceMapping"),
        ("events", "PutRule"),
        ("events", "PutTargets"),
        ("events", "CreateEventBus"),
        ("sqs", "CreateQueue"),
        ("sqs", "SetQueueAttributes"),
        ("sqs", "ChangeMessageVisibility"),
        ("sns", "Subscribe"),
        ("sns", "SetSubscriptionAttributes"),
        ("scheduler", "CreateSchedule"),
        ("lambda", "CreateAlias"),
        ("lambda", "UpdateAlias"),
        ("scheduler", "UpdateSchedule"),
    }
    # Direct paths validate before they apply: SNS's quotas hold on the direct Publish too.
    assert checked == {
        ("sqs", "SendMessage"),
        ("sqs", "SendMessageBatch"),
        ("sqs", "ReceiveMessage"),
        ("sns", "Publish"),
        ("sns", "PublishBatch"),
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/2015-03-31/event-source-mappings/"),
        ("PUT", "/2015-03-31/event-source-mappings/0b6fd9bd-2a0c-4d32-9e4c-5c3b1f6c8a11"),
    ],
    ids=["create", "update"],
)
def test_a_mapping_with_an_invalid_filter_is_refused_as_lambda_does(
    gateway: Gateway, method: str, path: str
) -> None:
    filters = [{"Pattern": GOOD_PATTERN}, {"Pattern": "{not json"}]
    bad = {"FilterCriteria": {"Filters": filters}, "FunctionName": "f"}
    status, code, message = json_error(dispatch(gateway, lambda_request(method, path, bad)))
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith("Invalid filter pattern definition. ")


def test_a_mapping_with_valid_filters_goes_to_moto(gateway: Gateway) -> None:
    good = {"FilterCriteria": {"Filters": [{"Pattern": GOOD_PATTERN}]}, "FunctionName": "f"}
    request = lambda_request("POST", "/2015-03-31/event-source-mappings/", good)
    assert dispatch(gateway, request) == "moto"


def test_a_target_with_an_invalid_input_path_is_refused(gateway: Gateway) -> None:
    targets = [{"Id": "1", "Arn": "arn:aws:sqs:us-east-1:0:q", "InputPath": "not a path"}]
    request = events_request("PutTargets", {"Rule": "r", "Targets": targets})
    status, code, _ = json_error(dispatch(gateway, request))
    assert (status, code) == (400, "ValidationException")


def test_archive_rules_and_valid_targets_go_to_moto(gateway: Gateway) -> None:
    target = {"Id": "1", "Arn": "arn:aws:sqs:us-east-1:0:q", "InputPath": "$.detail"}
    assert dispatch(gateway, events_request("PutTargets", {"Rule": "r", "Targets": [target]})) == (
        "moto"
    )
    odd = {"Id": "1", "Arn": "arn:aws:events:us-east-1:0:event-bus/b", "InputPath": "x"}
    archive = {"Rule": "Events-Archive-history", "Targets": [odd]}
    assert dispatch(gateway, events_request("PutTargets", archive)) == "moto"


def test_an_invalid_filter_policy_at_subscribe_is_refused_in_snss_xml(gateway: Gateway) -> None:
    form = {
        "Action": "Subscribe",
        "TopicArn": "arn:aws:sns:us-east-1:0:t",
        "Protocol": "sqs",
        "Endpoint": "arn:aws:sqs:us-east-1:0:q",
        "Attributes.entry.1.key": "FilterPolicy",
        "Attributes.entry.1.value": json.dumps({"n": [{"numeric": ["<"]}]}),
        "Attributes.entry.2.key": "RawMessageDelivery",
        "Attributes.entry.2.value": "true",
    }
    response = dispatch(gateway, sns_request(form))
    assert isinstance(response, Response)
    error = ET.fromstring(response.body).find("Error")
    assert error is not None
    assert response.status == 400
    assert error.findtext("Code") == "InvalidParameter"
    assert (error.findtext("Message") or "").startswith("Invalid parameter: ")


def test_subscribe_without_a_policy_and_a_valid_new_policy_go_to_moto(gateway: Gateway) -> None:
    queue = "arn:aws:sqs:us-east-1:0:q"
    plain = {"Action": "Subscribe", "TopicArn": "t", "Protocol": "sqs", "Endpoint": queue}
    assert dispatch(gateway, sns_request(plain)) == "moto"
    change = {
        "Action": "SetSubscriptionAttributes",
        "SubscriptionArn": "s",
        "AttributeName": "FilterPolicy",
        "AttributeValue": json.dumps({"kind": ["a"]}),
    }
    assert dispatch(gateway, sns_request(change)) == "moto"


def test_a_new_filter_policy_that_is_not_json_is_refused(gateway: Gateway) -> None:
    change = {
        "Action": "SetSubscriptionAttributes",
        "SubscriptionArn": "s",
        "AttributeName": "FilterPolicy",
        "AttributeValue": "{oops",
    }
    response = dispatch(gateway, sns_request(change))
    assert isinstance(response, Response) and response.status == 400
    assert b"<Code>InvalidParameter</Code>" in response.body
