"""Integrations without a function: HTTP API subtypes, REST AWS and MOCK integrations."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from localcloud.apigw.mapping import MappedRequest, http_value, rest_value
from localcloud.apigw.service_integrations import (
    IntegrationConfigError,
    IntegrationResponse,
    RestIntegration,
    ServiceAnswer,
    ServiceCall,
    check_http_integration,
    http_service_call,
    rest_integration,
)

REQUEST = MappedRequest(
    method="POST",
    path="/orders/7",
    headers={"content-type": "application/json", "x-tenant": "t1"},
    query={"priority": "high"},
    path_params={"id": "7"},
    body=json.dumps({"item": "book", "qty": 2, "meta": {"a": 1}}),
    context={"requestId": "req-1", "identity": {"sourceIp": "127.0.0.1"}},
    stage_variables={"queue": "orders"},
)


class FakeService:
    def __init__(self, status: int = 200, body: bytes = b"{}") -> None:
        self.calls: list[ServiceCall] = []
        self.answer = ServiceAnswer(status, [("Content-Type", "text/xml")], body)

    def __call__(self, call: ServiceCall) -> ServiceAnswer:
        self.calls.append(call)
        return self.answer


def test_http_parameter_mapping_sources() -> None:
    assert http_value("$request.body.item", REQUEST) == "book"
    assert http_value("$request.body.meta", REQUEST) == '{"a":1}'
    assert http_value("$request.header.X-Tenant", REQUEST) == "t1"
    assert http_value("$request.querystring.priority", REQUEST) == "high"
    assert http_value("$request.path.id", REQUEST) == "7"
    assert http_value("$context.requestId", REQUEST) == "req-1"
    assert http_value("$stageVariables.queue", REQUEST) == "orders"
    assert http_value("order-${request.path.id}-${context.requestId}", REQUEST) == "order-7-req-1"
    assert http_value("static", REQUEST) == "static"


def test_rest_parameter_mapping_sources() -> None:
    assert rest_value("'application/x-www-form-urlencoded'", REQUEST) == (
        "application/x-www-form-urlencoded"
    )
    assert rest_value("method.request.header.x-tenant", REQUEST) == "t1"
    assert rest_value("method.request.path.id", REQUEST) == "7"
    assert rest_value("method.request.body.qty", REQUEST) == "2"
    assert rest_value("context.identity.sourceIp", REQUEST) == "127.0.0.1"


def test_sqs_send_message_subtype() -> None:
    call = http_service_call(
        "SQS-SendMessage",
        {
            "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/orders",
            "MessageBody": "$request.body",
            "DelaySeconds": "0",
            "MessageAttributes": '{"tenant": {"DataType": "String", "StringValue": "t1"}}',
        },
        REQUEST,
        "us-east-1",
    )
    assert call.service == "sqs" and call.headers["x-amz-target"] == "AmazonSQS.SendMessage"
    document = json.loads(call.body)
    assert document["MessageBody"] == REQUEST.body
    assert document["DelaySeconds"] == 0
    assert document["MessageAttributes"]["tenant"]["StringValue"] == "t1"


def test_eventbridge_subtype_wraps_one_entry() -> None:
    call = http_service_call(
        "EventBridge-PutEvents",
        {
            "Source": "shop",
            "DetailType": "OrderPlaced",
            "Detail": "$request.body",
            "EventBusName": "orders",
            "Region": "eu-west-1",
        },
        REQUEST,
        "us-east-1",
    )
    entry = json.loads(call.body)["Entries"][0]
    assert entry["DetailType"] == "OrderPlaced" and json.loads(entry["Detail"])["qty"] == 2
    assert call.region == "eu-west-1"


@pytest.mark.parametrize(
    ("subtype", "parameters", "message"),
    [
        ("Kinesis-PutRecord", {}, "not served"),
        ("SQS-SendMessage", {"QueueUrl": "q"}, "MessageBody"),
        ("SQS-SendMessage", {"QueueUrl": "q", "MessageBody": "b", "Bogus": "x"}, "Bogus"),
    ],
)
def test_http_integration_errors_name_what_is_wrong(
    subtype: str, parameters: dict, message: str
) -> None:
    with pytest.raises(IntegrationConfigError, match=message):
        check_http_integration(subtype, parameters)


def test_missing_mapped_value_is_an_error() -> None:
    with pytest.raises(IntegrationConfigError, match="no value for MessageBody"):
        http_service_call(
            "SQS-SendMessage",
            {"QueueUrl": "q", "MessageBody": "$request.body.absent"},
            REQUEST,
            "us-east-1",
        )


SQS_PATH = RestIntegration(
    type="AWS",
    uri="arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders",
    request_parameters={
        "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"
    },
    request_templates={
        "application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
    },
    responses=(
        IntegrationResponse(
            "200",
            response_templates={
                "application/json": '{"accepted": true, "id": "$context.requestId"}'
            },
            response_parameters={"method.response.header.X-Queue": "'orders'"},
        ),
        IntegrationResponse("400", selection_pattern="4\\d\\d"),
    ),
)


def test_rest_sqs_path_integration_with_template() -> None:
    service = FakeService()
    answer = rest_integration(SQS_PATH, REQUEST, service, "us-east-1")
    call = service.calls[0]
    assert (call.service, call.method, call.path) == ("sqs", "POST", "/123456789012/orders")
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(call.body.decode())
    assert form["Action"] == ["SendMessage"] and json.loads(form["MessageBody"][0])["qty"] == 2
    assert answer.status == 200
    assert json.loads(answer.body) == {"accepted": True, "id": "req-1"}
    assert ("X-Queue", "orders") in answer.headers


def test_rest_selection_pattern_picks_the_error_response() -> None:
    error = b"<ErrorResponse><Error><Code>QueueDoesNotExist</Code></Error></ErrorResponse>"
    answer = rest_integration(SQS_PATH, REQUEST, FakeService(400, error), "us-east-1")
    assert (answer.status, answer.body) == (400, error)  # the service's XML, as it sent it


def test_a_query_services_xml_as_json_when_the_integration_accepts_json() -> None:
    accepting = RestIntegration(
        type="AWS",
        uri=SQS_PATH.uri,
        request_parameters={
            **SQS_PATH.request_parameters,
            "integration.request.header.Accept": "'application/json'",
        },
        request_templates=SQS_PATH.request_templates,
        responses=(IntegrationResponse("400", selection_pattern="4\\d\\d"),),
    )
    error = b"<ErrorResponse><Error><Code>QueueDoesNotExist</Code></Error></ErrorResponse>"
    answer = rest_integration(accepting, REQUEST, FakeService(400, error), "us-east-1")
    assert json.loads(answer.body) == {"ErrorResponse": {"Error": {"Code": "QueueDoesNotExist"}}}


def test_rest_action_uris_build_query_and_json_calls() -> None:
    sns = RestIntegration(
        type="AWS",
        uri="arn:aws:apigateway:us-east-1:sns:action/Publish",
        request_parameters={
            "integration.request.querystring.TopicArn": "'arn:aws:sns:us-east-1:1:t'",
            "integration.request.querystring.Message": "method.request.body",
        },
        responses=(IntegrationResponse("200"),),
    )
    service = FakeService()
    rest_integration(sns, REQUEST, service, "us-east-1")
    # the passed-through body stays the body; the action's parameters go in the query
    form = parse_qs(service.calls[0].query)
    assert form["Action"] == ["Publish"] and form["TopicArn"] == ["arn:aws:sns:us-east-1:1:t"]
    events = RestIntegration(
        type="AWS",
        uri="arn:aws:apigateway:us-east-1:events:action/PutEvents",
        request_templates={"application/json": '{"Entries": []}'},
        responses=(IntegrationResponse("200"),),
    )
    service = FakeService()
    rest_integration(events, REQUEST, service, "us-east-1")
    assert service.calls[0].headers["x-amz-target"] == "AWSEvents.PutEvents"


def test_mock_integration_answers_cors_preflight() -> None:
    mock = RestIntegration(
        type="MOCK",
        request_templates={"application/json": '{"statusCode": 200}'},
        responses=(
            IntegrationResponse(
                "200",
                response_parameters={
                    "method.response.header.Access-Control-Allow-Origin": "'*'",
                    "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
                },
                response_templates={"application/json": ""},
            ),
        ),
    )
    answer = rest_integration(mock, REQUEST, FakeService(), "us-east-1")
    assert answer.status == 200
    assert ("Access-Control-Allow-Origin", "*") in answer.headers


def test_passthrough_behaviors() -> None:
    never = RestIntegration(
        type="MOCK",
        request_templates={"text/plain": "x"},
        passthrough_behavior="WHEN_NO_TEMPLATES",
        responses=(IntegrationResponse("200"),),
    )
    assert rest_integration(never, REQUEST, FakeService(), "us-east-1").status == 415


def test_no_matching_integration_response_is_500() -> None:
    bare = RestIntegration(type="MOCK", responses=(IntegrationResponse("404", "404"),))
    assert rest_integration(bare, REQUEST, FakeService(), "us-east-1").status == 500


def test_unsupported_integrations_are_refused_clearly() -> None:
    with pytest.raises(IntegrationConfigError, match="not served"):
        rest_integration(RestIntegration(type="HTTP"), REQUEST, FakeService(), "us-east-1")
    with pytest.raises(IntegrationConfigError, match="path URI"):
        rest_integration(
            RestIntegration(type="AWS", uri="arn:aws:apigateway:us-east-1:s3:action/GetObject"),
            REQUEST,
            FakeService(),
            "us-east-1",
        )
