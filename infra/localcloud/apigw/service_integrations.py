"""Integrations without a function: an AWS service called by API Gateway itself, and MOCK.

HTTP APIs' first-class integrations (``AWS_PROXY`` with an ``IntegrationSubtype`` such as
``SQS-SendMessage``, ``EventBridge-PutEvents``, ``StepFunctions-StartExecution``) map request
parameters onto the operation's parameters and answer with the service's own answer.

REST APIs' ``AWS`` integrations name a service action or path in their URI
(``arn:aws:apigateway:{region}:sqs:path/{account}/{queue}``, ``...:events:action/PutEvents``),
build the service request with request parameters and a mapping template (vtl.py), and turn the
service's answer into the method response with the integration response its status selects
(``selectionPattern``), its response parameters and its response template. ``MOCK``
integrations (SAM's CORS ``OPTIONS`` methods) answer from the request template's
``statusCode`` alone.

Nothing here sends anything: a ``ServiceCall`` is handed to the ``ServiceCalls`` port, which the
local cloud answers through its own gateway dispatch, so the call is traced like a handler's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

from localcloud.apigw import mapping, vtl
from localcloud.apigw.mapping import MappedRequest


class IntegrationConfigError(ValueError):
    """An integration the local cloud cannot carry out as configured (names what and why)."""


@dataclass(frozen=True, slots=True)
class ServiceCall:
    """One AWS API request, as API Gateway would send it to the service."""

    service: str  # the signing name (sqs, events, states, sns, dynamodb, lambda...)
    region: str
    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    operation: str = ""  # for traces and messages


@dataclass(frozen=True, slots=True)
class ServiceAnswer:
    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class ServiceCalls(Protocol):
    """Send a service call through the local cloud and return its answer."""

    def __call__(self, call: ServiceCall) -> ServiceAnswer: ...


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What the client receives."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


# --- HTTP API first-class integrations --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Subtype:
    service: str
    target: str
    json_version: str
    required: tuple[str, ...]
    fields: Mapping[str, str]  # parameter: "str" | "int" | "json" | "list"
    entries: bool = False  # EventBridge: the parameters are one entry of Entries
    camel: bool = False  # Step Functions' API names its members in camelCase (stateMachineArn)


SUBTYPES: Mapping[str, _Subtype] = {
    "SQS-SendMessage": _Subtype(
        "sqs",
        "AmazonSQS.SendMessage",
        "1.0",
        ("QueueUrl", "MessageBody"),
        {
            "QueueUrl": "str",
            "MessageBody": "str",
            "DelaySeconds": "int",
            "MessageAttributes": "json",
            "MessageDeduplicationId": "str",
            "MessageGroupId": "str",
            "MessageSystemAttributes": "json",
        },
    ),
    "SQS-ReceiveMessage": _Subtype(
        "sqs",
        "AmazonSQS.ReceiveMessage",
        "1.0",
        ("QueueUrl",),
        {
            "QueueUrl": "str",
            "AttributeNames": "list",
            "MaxNumberOfMessages": "int",
            "MessageAttributeNames": "list",
            "ReceiveRequestAttemptId": "str",
            "VisibilityTimeout": "int",
            "WaitTimeSeconds": "int",
        },
    ),
    "SQS-DeleteMessage": _Subtype(
        "sqs",
        "AmazonSQS.DeleteMessage",
        "1.0",
        ("QueueUrl", "ReceiptHandle"),
        {"QueueUrl": "str", "ReceiptHandle": "str"},
    ),
    "SQS-PurgeQueue": _Subtype(
        "sqs", "AmazonSQS.PurgeQueue", "1.0", ("QueueUrl",), {"QueueUrl": "str"}
    ),
    "EventBridge-PutEvents": _Subtype(
        "events",
        "AWSEvents.PutEvents",
        "1.1",
        ("Detail", "DetailType", "Source"),
        {
            "Detail": "str",
            "DetailType": "str",
            "Source": "str",
            "Time": "str",
            "EventBusName": "str",
            "Resources": "list",
            "TraceHeader": "str",
        },
        entries=True,
    ),
    "StepFunctions-StartExecution": _Subtype(
        "states",
        "AWSStepFunctions.StartExecution",
        "1.0",
        ("StateMachineArn",),
        {"StateMachineArn": "str", "Name": "str", "Input": "str"},
        camel=True,
    ),
    "StepFunctions-StartSyncExecution": _Subtype(
        "states",
        "AWSStepFunctions.StartSyncExecution",
        "1.0",
        ("StateMachineArn",),
        {"StateMachineArn": "str", "Name": "str", "Input": "str", "TraceHeader": "str"},
        camel=True,
    ),
    "StepFunctions-StopExecution": _Subtype(
        "states",
        "AWSStepFunctions.StopExecution",
        "1.0",
        ("ExecutionArn",),
        {"ExecutionArn": "str", "Cause": "str", "Error": "str"},
        camel=True,
    ),
}


def check_http_integration(subtype: str, parameters: Mapping[str, str]) -> None:
    """IntegrationConfigError unless the subtype is served and its parameters fit it."""
    spec = SUBTYPES.get(subtype)
    if spec is None:
        raise IntegrationConfigError(
            f"integration subtype {subtype} is not served by the local cloud; served: "
            f"{', '.join(sorted(SUBTYPES))}"
        )
    missing = [name for name in spec.required if name not in parameters]
    if missing:
        raise IntegrationConfigError(
            f"integration subtype {subtype} needs RequestParameters {', '.join(missing)}"
        )
    unknown = [n for n in parameters if n not in spec.fields and n != "Region"]
    if unknown:
        raise IntegrationConfigError(
            f"integration subtype {subtype} has no parameter {', '.join(unknown)}; it takes "
            f"{', '.join(sorted(spec.fields))} and Region"
        )


def http_service_call(
    subtype: str, parameters: Mapping[str, str], request: MappedRequest, region: str
) -> ServiceCall:
    """The service request a first-class integration makes for ``request``."""
    check_http_integration(subtype, parameters)
    spec = SUBTYPES[subtype]
    values: dict[str, Any] = {}
    for name, expression in parameters.items():
        value = mapping.http_value(expression, request)
        if name == "Region":
            region = value or region
        elif value is not None and value != "":
            values[name] = _typed(value, spec.fields[name], subtype, name)
    missing = [name for name in spec.required if name not in values]
    if missing:
        raise IntegrationConfigError(
            f"integration subtype {subtype}: the request gave no value for {', '.join(missing)}"
        )
    if spec.camel:
        values = {name[:1].lower() + name[1:]: value for name, value in values.items()}
    document: dict[str, Any] = {"Entries": [values]} if spec.entries else values
    return ServiceCall(
        service=spec.service,
        region=region,
        method="POST",
        path="/",
        headers={
            "content-type": f"application/x-amz-json-{spec.json_version}",
            "x-amz-target": spec.target,
        },
        body=json.dumps(document).encode(),
        operation=spec.target.rsplit(".", 1)[-1],
    )


def http_service_answer(answer: ServiceAnswer) -> HttpAnswer:
    """What the client of a first-class integration receives: the service's answer, as JSON."""
    return HttpAnswer(answer.status, [("Content-Type", "application/json")], answer.body)


def _typed(value: str, kind: str, subtype: str, name: str) -> Any:
    try:
        if kind == "int":
            return int(value)
        if kind == "json":
            return json.loads(value)
        if kind == "list":
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise IntegrationConfigError(
            f"integration subtype {subtype}: {name} must be {kind}, got {value[:100]!r}"
        ) from exc
    return value


# --- REST AWS and MOCK integrations -----------------------------------------------------------

# Services API Gateway calls with the query protocol (action URIs), and their API versions.
QUERY_SERVICES: Mapping[str, str] = {
    "sqs": "2012-11-05",
    "sns": "2010-03-31",
    "sts": "2011-06-15",
    "iam": "2010-05-08",
    "ses": "2010-12-01",
    "cloudformation": "2010-05-15",
    "monitoring": "2010-08-01",
}
# Services called with the JSON protocol: their target prefix and JSON version.
JSON_SERVICES: Mapping[str, tuple[str, str]] = {
    "dynamodb": ("DynamoDB_20120810", "1.0"),
    "events": ("AWSEvents", "1.1"),
    "states": ("AWSStepFunctions", "1.0"),
    "kinesis": ("Kinesis_20131202", "1.1"),
    "firehose": ("Firehose_20150804", "1.1"),
    "logs": ("Logs_20140328", "1.1"),
    "ssm": ("AmazonSSM", "1.1"),
    "secretsmanager": ("secretsmanager", "1.1"),
}

_URI = re.compile(
    r"^arn:aws[\w-]*:apigateway:(?P<region>[^:]*):(?P<service>[^:]+):(?P<kind>path|action)/(?P<rest>.*)$"
)


@dataclass(frozen=True, slots=True)
class IntegrationResponse:
    status_code: str
    selection_pattern: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RestIntegration:
    """A REST method's non-proxy integration (``AWS`` or ``MOCK``)."""

    type: str
    uri: str = ""
    http_method: str = "POST"
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    request_templates: Mapping[str, str] = field(default_factory=dict)
    passthrough_behavior: str = "WHEN_NO_MATCH"
    responses: tuple[IntegrationResponse, ...] = ()


def check_rest_integration(integration: RestIntegration) -> None:
    """IntegrationConfigError unless the local cloud can carry the integration out."""
    if integration.type == "MOCK":
        return
    if integration.type != "AWS":
        raise IntegrationConfigError(f"integration type {integration.type} is not served here")
    match = _URI.match(integration.uri)
    if match is None:
        raise IntegrationConfigError(
            f"AWS integration URI {integration.uri!r} is not "
            "arn:aws:apigateway:{region}:{service}:path/... or :action/..."
        )
    service = match["service"].rsplit(".", 1)[-1]
    if match["kind"] == "action" and service not in QUERY_SERVICES and service not in JSON_SERVICES:
        raise IntegrationConfigError(
            f"AWS integration action URIs for {service} are not served; use a path URI, or "
            f"one of {', '.join(sorted({*QUERY_SERVICES, *JSON_SERVICES}))}"
        )


UNSUPPORTED_MEDIA_TYPE = HttpAnswer(
    415, [("Content-Type", "application/json")], b'{"message": "Unsupported Media Type"}'
)
INTERNAL_ERROR = HttpAnswer(
    500, [("Content-Type", "application/json")], b'{"message": "Internal server error"}'
)


def rest_integration(
    integration: RestIntegration,
    request: MappedRequest,
    calls: ServiceCalls,
    region: str,
) -> HttpAnswer:
    """Carry out a REST non-proxy integration for ``request`` and answer as AWS does.

    IntegrationConfigError and vtl.TemplateError say what is wrong with the integration; the
    caller answers those with AWS's 500 and logs the reason.
    """
    check_rest_integration(integration)
    body = _request_body(integration, request)
    if body is None:
        return UNSUPPORTED_MEDIA_TYPE
    if integration.type == "MOCK":
        answer = ServiceAnswer(_mock_status(body), [], b"")
        selector = str(answer.status)
    else:
        call = _rest_call(integration, request, body, region)
        answer = _as_json(call, calls(call))
        selector = _selector(call, answer)
    chosen = select_response(integration.responses, selector)
    if chosen is None:
        return INTERNAL_ERROR
    return _method_response(chosen, answer, request)


def _request_body(integration: RestIntegration, request: MappedRequest) -> str | None:
    """The integration request's body; None when the passthrough behavior refuses (415)."""
    content_type = request.headers.get("content-type")
    has_templates, template = vtl.select_template(integration.request_templates, content_type)
    if template is None:
        behavior = integration.passthrough_behavior or "WHEN_NO_MATCH"
        if behavior == "NEVER" or (behavior == "WHEN_NO_TEMPLATES" and has_templates):
            return None
        return request.body
    rendered = vtl.render(template, request.vtl_input(), request.context, request.stage_variables)
    return rendered.text


def _mock_status(body: str) -> int:
    try:
        document = json.loads(body) if body.strip() else {}
        return int(document.get("statusCode", 200)) if isinstance(document, dict) else 200
    except (ValueError, TypeError):
        return 200


def _rest_call(
    integration: RestIntegration, request: MappedRequest, body: str, region: str
) -> ServiceCall:
    match = _URI.match(integration.uri)
    assert match is not None  # checked by check_rest_integration
    service = match["service"].rsplit(".", 1)[-1]
    call_region = match["region"] or region
    headers: dict[str, str] = {}
    query: dict[str, str] = {}
    path_params: dict[str, str] = {}
    for target, source in integration.request_parameters.items():
        value = mapping.rest_value(source, request)
        if value is None:
            continue
        if target.startswith("integration.request.header."):
            headers[target[len("integration.request.header.") :].lower()] = value
        elif target.startswith("integration.request.querystring."):
            query[target[len("integration.request.querystring.") :]] = value
        elif target.startswith("integration.request.path."):
            path_params[target[len("integration.request.path.") :]] = value
    headers.setdefault("content-type", "application/json")
    data = body.encode()
    if match["kind"] == "path":
        path = "/" + match["rest"].lstrip("/")
        for name, value in path_params.items():
            path = path.replace("{" + name + "}", quote(value, safe=""))
        operation = f"{integration.http_method} {path}"
        return ServiceCall(
            service,
            call_region,
            integration.http_method,
            path,
            urlencode(query),
            headers,
            data,
            operation,
        )
    action = match["rest"].split("&", 1)[0]
    if service in JSON_SERVICES:
        prefix, version = JSON_SERVICES[service]
        headers["x-amz-target"] = f"{prefix}.{action}"
        headers["content-type"] = f"application/x-amz-json-{version}"
        return ServiceCall(
            service, call_region, "POST", "/", urlencode(query), headers, data, action
        )
    params = {"Action": action, "Version": QUERY_SERVICES[service], **query}
    if not data.strip():
        # the query protocol's parameters travel as a form
        headers["content-type"] = "application/x-www-form-urlencoded"
        return ServiceCall(
            service, call_region, "POST", "/", "", headers, urlencode(params).encode(), action
        )
    return ServiceCall(
        service,
        call_region,
        integration.http_method,
        "/",
        urlencode(params),
        headers,
        data,
        action,
    )


def _as_json(call: ServiceCall, answer: ServiceAnswer) -> ServiceAnswer:
    """A query-protocol service's XML answer as JSON when the integration request asked for it
    (``integration.request.header.Accept`` ``'application/json'``), as those services answer
    such a request: ``{"SendMessageResponse": {"SendMessageResult": {...}, ...}}``. Without it
    the XML passes as the service sent it."""
    accept = next((v for k, v in call.headers.items() if k.lower() == "accept"), "")
    if (
        call.service not in QUERY_SERVICES
        or "application/json" not in accept
        or not answer.body.lstrip().startswith(b"<")
    ):
        return answer
    try:
        root = ElementTree.fromstring(answer.body)
    except ElementTree.ParseError:
        return answer
    document = {_local(root.tag): _element(root)}
    headers = [
        (k, v) for k, v in answer.headers if k.lower() not in ("content-type", "content-length")
    ]
    headers.append(("Content-Type", "application/json"))
    return ServiceAnswer(answer.status, headers, json.dumps(document).encode())


def _element(node: ElementTree.Element) -> Any:
    children = list(node)
    if not children:
        return node.text
    value: dict[str, Any] = {}
    for child in children:
        name = _local(child.tag)
        item = _element(child)
        if name in value:  # repeated elements become a list
            held = value[name]
            value[name] = [*held, item] if isinstance(held, list) else [held, item]
        else:
            value[name] = item
    return value


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _selector(call: ServiceCall, answer: ServiceAnswer) -> str:
    """What selection patterns match: a Lambda error's message, otherwise the status code."""
    if call.service == "lambda" and answer.header("x-amz-function-error"):
        try:
            return str(json.loads(answer.body).get("errorMessage", ""))
        except (ValueError, AttributeError):
            return answer.body.decode(errors="replace")
    return str(answer.status)


def select_response(
    responses: Sequence[IntegrationResponse], selector: str
) -> IntegrationResponse | None:
    """The integration response whose selection pattern matches, else the default one."""
    default = None
    for response in responses:
        pattern = response.selection_pattern
        if not pattern:
            default = default or response
        elif re.fullmatch(pattern, selector, re.DOTALL):
            return response
    return default


def _method_response(
    chosen: IntegrationResponse, answer: ServiceAnswer, request: MappedRequest
) -> HttpAnswer:
    body_text = answer.body.decode(errors="replace")
    headers: list[tuple[str, str]] = []
    for target, source in chosen.response_parameters.items():
        if not target.startswith("method.response.header."):
            continue
        value = _response_value(source, answer, body_text)
        if value is not None:
            headers.append((target[len("method.response.header.") :], value))
    status = int(chosen.status_code)
    templates = chosen.response_templates
    content_type = "application/json"
    body = answer.body
    if templates:
        accept = request.headers.get("accept", "application/json")
        key = next((k for k in templates if k.lower() in accept.lower()), None)
        key = key or (
            "application/json" if "application/json" in templates else next(iter(templates))
        )
        content_type = key
        template = templates[key]
        if template:
            rendered = vtl.render(
                template,
                vtl.Input(body_text, request.path_params, request.query, request.headers),
                request.context,
                request.stage_variables,
            )
            body = rendered.text.encode()
            status = rendered.status or status
            headers.extend(rendered.headers.items())
    elif answer.header("content-type"):
        content_type = answer.header("content-type") or content_type
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.insert(0, ("Content-Type", content_type))
    return HttpAnswer(status, headers, body)


def _response_value(source: str, answer: ServiceAnswer, body_text: str) -> str | None:
    static = vtl.static_value(source)
    if static is not None:
        return static
    source = source.strip()
    if source.startswith("integration.response.header."):
        return answer.header(source[len("integration.response.header.") :])
    if source == "integration.response.body":
        return body_text
    if source.startswith("integration.response.body."):
        path = "$." + source[len("integration.response.body.") :]
        value = json.loads(vtl.Input(body_text).json(path))
        return value if isinstance(value, str) or value is None else json.dumps(value)
    return None
