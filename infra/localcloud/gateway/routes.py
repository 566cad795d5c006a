"""Every AWS operation the gateway answers instead of moto: one table, one row per operation.

A row is either

* ``Intercepted``: the gateway's own implementation replaces moto's (Lambda Invoke runs the
  handler for real, EventBridge PutEvents and TestEventPattern use the local router). It records
  its own trace hops; a ``LocalCloudError`` it raises becomes the AWS error the class declares.
* ``Direct``: moto's own operation applied straight to moto's backend (emulator/fastpath.py),
  skipping moto's HTTP dispatch. It is traced and serialised exactly like the moto call it
  replaces, and answers ``None`` to leave the request to moto after all. A ``check`` (a
  validator, as ``Validated`` has) runs first when what moto accepts AWS refuses.
  ``DirectQuery`` is the same for a query-protocol operation (SNS): the parsed form in, moto's
  XML out; ``DirectRest`` for a REST operation answered by its headers (S3 PutObject).
* ``Validated``: moto answers, once a validator (validators.py) has found nothing AWS would
  refuse; what it refuses is answered with the AWS error its ``LocalCloudError`` declares.

A request with no row goes to moto. Adding an operation is one row and one function.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from localcloud import ids, quotas, trace
from localcloud.emulator import fastpath, s3_fastpath
from localcloud.emulator import stepfunctions as sfn
from localcloud.engine.errors import FunctionNotFoundError
from localcloud.gateway import (
    codedeploy,
    constraints,
    model,
    move_tasks,
    scheduler_validators,
    validators,
)
from localcloud.gateway.errors import (
    InvalidParameterValueError,
    InvalidRequestContentError,
    RequestEntityTooLargeError,
    RequestError,
    SerializationError,
)
from localcloud.gateway.ports import Events, Invocations, MessageMoves, ServerInfo
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import (
    AMZ_JSON,
    Response,
    empty_response,
    json_response,
)

RouteKey = tuple[str, str]  # (service, operation)


@dataclass(frozen=True, slots=True)
class Collaborators:
    """What intercepted operations work with."""

    invocations: Invocations
    events: Events
    info: ServerInfo
    moves: MessageMoves | None = None


@dataclass(frozen=True, slots=True)
class Intercepted:
    """An operation the gateway implements itself."""

    handle: Callable[[Collaborators, AwsRequest], Response]


Check = Callable[[AwsRequest], None]


@dataclass(frozen=True, slots=True)
class Direct:
    """A direct path: ``path(body, region)`` is the response body, or None for moto's path."""

    path: Callable[[bytes, str], bytes | None]
    check: Check | None = None

    def answer(self, request: AwsRequest) -> Response | None:
        body = self.path(request.body, request.region)
        if body is None:
            return None
        return Response(200, (("Content-Type", AMZ_JSON), ("Content-Length", str(len(body)))), body)


@dataclass(frozen=True, slots=True)
class DirectQuery:
    """A query-protocol direct path: ``path(form, region, request_id)`` is the XML response
    body, or None for moto's path."""

    path: Callable[[Mapping[str, list[str]], str, str], bytes | None]
    check: Check | None = None

    def answer(self, request: AwsRequest) -> Response | None:
        if request.form is None:
            return None
        request_id = ids.request_id()
        body = self.path(request.form, request.region, request_id)
        if body is None:
            return None
        headers = (
            ("Content-Type", "text/xml"),
            ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", request_id),
        )
        return Response(200, headers, body)


@dataclass(frozen=True, slots=True)
class DirectRest:
    """A REST direct path answering with headers and no body (S3 PutObject):
    ``path(path, headers, body, region)`` is the status and headers, or None for moto's path.
    A request with a query (a subresource, a presigned URL) is always moto's."""

    path: Callable[
        [str, Mapping[str, str], bytes, str], tuple[int, tuple[tuple[str, str], ...]] | None
    ]
    check: Check | None = None

    def answer(self, request: AwsRequest) -> Response | None:
        if request.query:
            return None
        answered = self.path(request.path, request.headers, request.body, request.region)
        return None if answered is None else Response(*answered)


@dataclass(frozen=True, slots=True)
class Validated:
    """An operation moto answers after ``check(request)`` raised nothing."""

    check: Check


Route = Intercepted | Direct | DirectQuery | Validated | DirectRest


# -- Lambda ------------------------------------------------------------------------------------
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


def invoke(collaborators: Collaborators, request: AwsRequest) -> Response:
    """Lambda Invoke: run the function's handler (or queue the event, or only check it)."""
    # A plain name means the function in the region the request was signed for.
    name = collaborators.info.function_arn(request.path_params["function"], request.region)
    name = _qualified(name, request)
    kind = request.headers.get("x-amz-invocation-type", "RequestResponse")
    _check_payload_size(kind, len(request.body))
    if request.body.strip():
        try:
            json.loads(request.body)
        except ValueError as exc:
            raise InvalidRequestContentError(
                f"Could not parse request body into json: {exc}"
            ) from exc
    if kind not in INVOCATION_TYPES:
        raise InvalidParameterValueError(
            f"Unsupported InvocationType {kind!r}: use RequestResponse, Event or DryRun"
        )
    try:
        return _invoke(collaborators.invocations, request, name, kind)
    except FunctionNotFoundError as exc:
        raise FunctionNotFoundError(name) from exc


def _qualified(arn: str, request: AwsRequest) -> str:
    """The function ARN with the request's Qualifier (a version or alias), if it has one."""
    qualifier = (parse_qs(request.query).get("Qualifier") or [""])[0]
    if not qualifier:
        return arn
    in_arn = arn.split(":")[7] if arn.count(":") > 6 else None
    if in_arn is not None and in_arn != qualifier:
        raise InvalidParameterValueError(
            f"The derived qualifier from the function name ({in_arn}) does not match the "
            f"specified qualifier ({qualifier})."
        )
    return arn if in_arn is not None else f"{arn}:{qualifier}"


def _check_payload_size(kind: str, size: int) -> None:
    """Refuse a payload over Lambda's limit for its invocation type, as Lambda words it."""
    if kind == "Event" and size > quotas.INVOKE_ASYNC_REQUEST_BYTES:
        raise RequestEntityTooLargeError(
            f"{size} byte payload is too large for the Event invocation type "
            f"(limit {quotas.INVOKE_ASYNC_REQUEST_BYTES} bytes)"
        )
    if size > quotas.INVOKE_SYNC_REQUEST_BYTES:
        raise RequestEntityTooLargeError(
            f"Request must be smaller than {quotas.INVOKE_SYNC_REQUEST_BYTES} bytes for the "
            "InvokeFunction operation"
        )


def _response_too_large() -> bytes:
    """The error payload of an invocation whose response is over Lambda's limit."""
    return json.dumps(
        {
            "errorMessage": "Response payload size exceeded maximum allowed payload size "
            f"({quotas.INVOKE_RESPONSE_BYTES} bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }
    ).encode()


def _invoke(invocations: Invocations, request: AwsRequest, name: str, kind: str) -> Response:
    if kind == "DryRun":
        invocations.check(name)
        return empty_response(204)
    if kind == "Event":
        invocations.invoke_async(name, request.body, request.trace_context)
        return empty_response(202)
    result = invocations.invoke(
        name, request.body, request.trace_context, wait=True, source="invoke"
    )
    headers = {"X-Amz-Executed-Version": result.executed_version}
    payload = result.payload
    if len(payload) > quotas.INVOKE_RESPONSE_BYTES:
        payload = _response_too_large()
        headers["X-Amz-Function-Error"] = "Unhandled"
    if result.failed:
        headers["X-Amz-Function-Error"] = "Unhandled"
    if request.headers.get("x-amz-log-type") == "Tail":
        headers["X-Amz-Log-Result"] = base64.b64encode(result.log_tail().encode()).decode()
    return json_response(payload, headers=headers)


# -- EventBridge -------------------------------------------------------------------------------
def put_events(collaborators: Collaborators, request: AwsRequest) -> Response:
    """PutEvents: route every entry through the local router, reporting each one's fate."""
    document = _conforming(request)
    with trace.activate(request.trace_context):
        entries = collaborators.events.put_events(
            request.region, collaborators.info.account, document.get("Entries") or []
        )
    failed = sum(1 for entry in entries if "ErrorCode" in entry)
    return json_response({"FailedEntryCount": failed, "Entries": entries})


def match_event_pattern(collaborators: Collaborators, request: AwsRequest) -> Response:
    """TestEventPattern: whether the pattern matches the event, by the local pattern engine."""
    document = _conforming(request)
    try:
        result = collaborators.events.test_event_pattern(
            document.get("EventPattern", ""), document.get("Event", "")
        )
    except ValueError as exc:  # a value in the pattern or event
        raise RequestError(str(exc)) from exc
    return json_response({"Result": result})


def _conforming(request: AwsRequest) -> dict[str, Any]:
    """A JSON-protocol request's body, once its operation's model takes it (constraints.py)."""
    try:
        document = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise SerializationError(constraints.unexpected(document, "structure"))
    operation = model.operation(request.service, request.operation)
    constraints.check(operation.input_shape if operation else None, document)
    return document


# -- Step Functions ----------------------------------------------------------------------------
def start_sync_execution(collaborators: Collaborators, request: AwsRequest) -> Response:
    """StartSyncExecution: run an EXPRESS state machine to its end and answer its outcome."""
    document = _conforming(request)
    with trace.activate(request.trace_context):
        outcome = sfn.start_sync_execution(
            document.get("stateMachineArn", ""), document.get("input"), document.get("name")
        )
    return json_response(outcome, content_type=AMZ_JSON)


# -- the table ---------------------------------------------------------------------------------
ROUTES: Mapping[RouteKey, Route] = {
    ("lambda", "Invoke"): Intercepted(invoke),
    ("events", "PutEvents"): Intercepted(put_events),
    ("events", "TestEventPattern"): Intercepted(match_event_pattern),
    ("dynamodb", "PutItem"): Direct(fastpath.put_item),
    ("sqs", "SendMessage"): Direct(fastpath.send_message, validators.send_message),
    ("sqs", "SendMessageBatch"): Direct(fastpath.send_message_batch, validators.send_message_batch),
    ("sqs", "ReceiveMessage"): Direct(fastpath.receive_message, validators.receive_message),
    ("sqs", "DeleteMessage"): Direct(fastpath.delete_message),
    ("sqs", "DeleteMessageBatch"): Direct(fastpath.delete_message_batch),
    ("sqs", "CreateQueue"): Validated(validators.create_queue),
    ("sqs", "SetQueueAttributes"): Validated(validators.set_queue_attributes),
    ("sqs", "ChangeMessageVisibility"): Validated(validators.change_message_visibility),
    ("lambda", "CreateFunction"): Validated(validators.create_function),
    ("lambda", "UpdateFunctionCode"): Validated(validators.update_function_code),
    ("lambda", "UpdateFunctionConfiguration"): Validated(validators.update_function_configuration),
    ("lambda", "CreateEventSourceMapping"): Validated(validators.event_source_mapping),
    ("lambda", "UpdateEventSourceMapping"): Validated(validators.event_source_mapping),
    ("events", "PutRule"): Validated(validators.put_rule),
    ("events", "PutTargets"): Validated(validators.put_targets),
    ("events", "CreateEventBus"): Validated(validators.create_event_bus),
    ("sns", "Subscribe"): Validated(validators.subscribe),
    ("sns", "SetSubscriptionAttributes"): Validated(validators.set_subscription_attributes),
    # The quotas are checked before the direct path, so it refuses what moto's path refuses.
    ("sns", "Publish"): DirectQuery(fastpath.publish, validators.publish),
    ("sns", "PublishBatch"): DirectQuery(fastpath.publish_batch, validators.publish_batch),
    ("sqs", "StartMessageMoveTask"): Intercepted(move_tasks.start),
    ("sqs", "ListMessageMoveTasks"): Intercepted(move_tasks.list_tasks),
    ("sqs", "CancelMessageMoveTask"): Intercepted(move_tasks.cancel),
    ("scheduler", "CreateSchedule"): Validated(scheduler_validators.create_schedule),
    ("scheduler", "UpdateSchedule"): Validated(scheduler_validators.update_schedule),
    ("states", "StartSyncExecution"): Intercepted(start_sync_execution),
    ("s3", "PutObject"): DirectRest(s3_fastpath.put_object),
    ("lambda", "CreateAlias"): Validated(validators.create_alias),
    ("lambda", "UpdateAlias"): Validated(validators.update_alias),
    ("codedeploy", "PutLifecycleEventHookExecutionStatus"): Intercepted(codedeploy.put_hook_status),
    ("codedeploy", "GetDeployment"): Direct(codedeploy.get_deployment),
}


def find_route(request: AwsRequest, routes: Mapping[RouteKey, Route] = ROUTES) -> Route | None:
    """The request's row, or None: moto answers it."""
    return routes.get(request.route_key)
