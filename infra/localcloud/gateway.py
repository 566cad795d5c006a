"""The HTTP front door: one WSGI app on 127.0.0.1:4566 in front of moto.

Most requests go straight to moto, which holds the state and serves the control plane. The
gateway takes over what moto cannot do without Docker or does differently from AWS: Lambda
Invoke, EventBridge PutEvents and TestEventPattern. It also links every request that carries an
X-Ray trace header (as boto3 inside a handler does) to the invocation that made it, and serves
the local cloud's own endpoints under /_localcloud/. The same application answers the calls
handlers send over their worker's call pipe (``serve_call``), without HTTP in between.
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.test import EnvironBuilder

from localcloud import trace
from localcloud.emulator import fastpath
from localcloud.engine.errors import FunctionNotFoundError, ThrottledError
from localcloud.routing.errors import PutEventsError, RoutingError


@dataclass(frozen=True)
class ServerInfo:
    region: str
    account: str
    endpoint_url: str
    started_at: float


StartResponse = Callable[..., Any]
AMZ_JSON = "application/x-amz-json-1.0"
INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]*/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/")
TRACE_PATH = re.compile(r"^/_localcloud/traces/(?P<id>[^/]+)$")
PUBLISHING = {
    ("sqs", "SendMessage"),
    ("sqs", "SendMessageBatch"),
    ("sns", "Publish"),
    ("sns", "PublishBatch"),
}
SERVICES = (
    "sts",
    "iam",
    "s3",
    "sqs",
    "sns",
    "events",
    "lambda",
    "dynamodb",
    "logs",
    "ses",
)


def _json_response(
    start_response: StartResponse,
    status: str,
    body: Any,
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> Iterable[bytes]:
    data = body if isinstance(body, bytes) else json.dumps(body, default=str).encode()
    all_headers = [("Content-Type", content_type), ("Content-Length", str(len(data)))]
    all_headers += list((headers or {}).items())
    start_response(status, all_headers)
    return [data]


def _aws_error(
    start_response: StartResponse, status: str, code: str, message: str
) -> Iterable[bytes]:
    return _json_response(
        start_response,
        status,
        {"__type": code, "message": message, "Type": "User"},
        {"x-amzn-ErrorType": code},
    )


def _queue_name(body: bytes) -> str:
    """The queue an SQS JSON request names, for its trace hop."""
    try:
        request = json.loads(body or b"{}")
        return str(request.get("QueueUrl", "?")).rstrip("/").rsplit("/", 1)[-1]
    except (ValueError, AttributeError):
        return "?"


class Gateway:
    """The WSGI application of the local cloud."""

    def __init__(self, invoker: Any, router: Any, traces: Any, info: ServerInfo) -> None:
        self.invoker = invoker
        self.router = router
        self.traces = traces
        self.info = info
        self.moto = DomainDispatcherApplication(create_backend_app)
        self._dynamodb_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_localcloud/"):
            return self._admin(environ, start_response, path)
        scope = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        service = scope["service"] if scope else ""
        region = scope["region"] if scope else self.info.region
        incoming = trace.TraceContext.parse(environ.get("HTTP_X_AMZN_TRACE_ID"))
        method = environ.get("REQUEST_METHOD", "GET")
        if service == "lambda" and method == "POST":
            match = INVOKE_PATH.match(path)
            if match:
                return self._invoke(environ, start_response, unquote(match["name"]), incoming)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target == "AWSEvents.PutEvents":
            return self._put_events(environ, start_response, region, incoming)
        if target == "AWSEvents.TestEventPattern":
            return self._test_event_pattern(environ, start_response)
        operation = self._operation(environ, target, method, path)
        if "localcloud.context" in environ:  # serve_call recorded it and tried the direct path
            context = environ["localcloud.context"]
        else:
            context = self._record(
                service, operation, incoming, lambda: self._resource(environ, service)
            )
            if self._has_direct_path(target):
                fast = self._direct(target, region, context, self._body(environ))
                if fast is not None:
                    return _json_response(start_response, "200 OK", fast, content_type=AMZ_JSON)
        with trace.activate(context):
            if service == "dynamodb":
                # moto's DynamoDB is not thread-safe (TransactWriteItems deep-copies tables
                # other threads are changing): its calls take turns.
                with self._dynamodb_lock:
                    return self.moto(environ, start_response)
            return self.moto(environ, start_response)

    def _record(
        self,
        service: str,
        operation: str,
        incoming: trace.TraceContext | None,
        resource: Callable[[], str],
    ) -> trace.TraceContext | None:
        """The trace hop of a request: a publish, or a call made from inside an invocation."""
        if (service, operation) in PUBLISHING:
            return self.traces.record(
                "publish", service, resource(), context=incoming, operation=operation
            )
        if incoming is not None and incoming.parent and service:
            return self.traces.record(
                "call", service, operation, context=incoming, operation=operation
            )
        return None

    @staticmethod
    def _has_direct_path(target: str) -> bool:
        return target == "DynamoDB_20120810.PutItem" or target in fastpath.SQS

    def _direct(
        self, target: str, region: str, context: trace.TraceContext | None, body: bytes
    ) -> bytes | None:
        """The answer of the call's direct path (emulator/fastpath.py), or None for moto's."""
        if target == "DynamoDB_20120810.PutItem":
            with self._dynamodb_lock:
                return fastpath.put_item(body, region)
        with trace.activate(context):
            return fastpath.SQS[target](body, region)

    def serve_call(self, call: dict[str, Any]) -> dict[str, Any]:
        """Answer an AWS call a handler sent over its worker's call pipe, exactly as over HTTP.

        ``call`` holds the request botocore made (method, url, headers, base64 body); the answer
        holds the status, headers and base64 body it would have read from the socket. A call
        with a direct path is answered without building a WSGI request at all.
        """
        body = base64.b64decode(call["body"])
        headers = {k.lower(): v for k, v in call["headers"]}
        target = headers.get("x-amz-target", "")
        context: Any = None
        if self._has_direct_path(target):
            scope = CREDENTIAL_SCOPE.search(headers.get("authorization", ""))
            service = scope["service"] if scope else ""
            region = scope["region"] if scope else self.info.region
            incoming = trace.TraceContext.parse(headers.get("x-amzn-trace-id"))
            operation = target.rsplit(".", 1)[-1]
            context = self._record(service, operation, incoming, lambda: _queue_name(body))
            fast = self._direct(target, region, context, body)
            if fast is not None:
                return {
                    "status": 200,
                    "headers": [["Content-Type", AMZ_JSON], ["Content-Length", str(len(fast))]],
                    "body": base64.b64encode(fast).decode(),
                }
        url = urlsplit(call["url"])
        passed = [
            (k, v) for k, v in call["headers"] if k.lower() not in ("transfer-encoding", "expect")
        ]
        environ = EnvironBuilder(
            method=call["method"],
            base_url=f"{url.scheme}://{url.netloc}",
            path=url.path or "/",
            query_string=url.query,
            headers=passed,
            data=body,
        ).get_environ()
        environ["REMOTE_ADDR"] = "127.0.0.1"
        if self._has_direct_path(target):
            environ["localcloud.context"] = context
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[Any], exc_info: Any = None) -> Any:
            answer["status"] = int(status.split(" ", 1)[0])
            answer["headers"] = [[k, v] for k, v in response_headers]
            return lambda data: None

        result = self(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        answer["body"] = base64.b64encode(body).decode()
        return answer

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _operation(self, environ: dict[str, Any], target: str, method: str, path: str) -> str:
        if target:
            return target.rsplit(".", 1)[-1]
        content_type = environ.get("CONTENT_TYPE", "")
        if method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs(self._body(environ).decode(errors="replace"))
            environ["localcloud.form"] = form
            return form.get("Action", [""])[0]
        # WSGI hands the path over as latin-1 text; the name shown in traces is the UTF-8 one.
        return f"{method} {path.encode('latin-1', 'replace').decode('utf-8', 'replace')}"

    @staticmethod
    def _resource(environ: dict[str, Any], service: str) -> str:
        form = environ.get("localcloud.form") or {}
        if service == "sns":
            return (form.get("TopicArn") or form.get("TargetArn") or ["?"])[0]
        try:
            return _queue_name(environ["wsgi.input"].getvalue())
        except AttributeError:
            return "?"

    # -- Lambda --------------------------------------------------------------------------------
    def _invoke(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        name: str,
        incoming: trace.TraceContext | None,
    ) -> Iterable[bytes]:
        payload = self._body(environ)
        kind = environ.get("HTTP_X_AMZ_INVOCATION_TYPE", "RequestResponse")
        tail = environ.get("HTTP_X_AMZ_LOG_TYPE") == "Tail"
        if payload.strip():
            try:
                json.loads(payload)
            except ValueError as exc:
                return _aws_error(
                    start_response,
                    "400 Bad Request",
                    "InvalidRequestContentException",
                    f"Could not parse request body into json: {exc}",
                )
        try:
            if kind == "DryRun":
                self.invoker.check(name)
                start_response("204 No Content", [("Content-Length", "0")])
                return [b""]
            if kind == "Event":
                self.invoker.invoke_async(name, payload, incoming)
                start_response("202 Accepted", [("Content-Length", "0")])
                return [b""]
            if kind != "RequestResponse":
                return _aws_error(
                    start_response,
                    "400 Bad Request",
                    "InvalidParameterValueException",
                    f"Unsupported InvocationType {kind!r}: use RequestResponse, Event or DryRun",
                )
            result = self.invoker.invoke(name, payload, incoming, wait=True, source="invoke")
        except FunctionNotFoundError:
            arn = (
                name
                if name.startswith("arn:")
                else (f"arn:aws:lambda:{self.info.region}:{self.info.account}:function:{name}")
            )
            return _aws_error(
                start_response,
                "404 Not Found",
                "ResourceNotFoundException",
                f"Function not found: {arn}",
            )
        except ThrottledError as exc:
            return _aws_error(
                start_response, "429 Too Many Requests", "TooManyRequestsException", str(exc)
            )
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if result.failed:
            headers["X-Amz-Function-Error"] = "Unhandled"
        if tail:
            headers["X-Amz-Log-Result"] = base64.b64encode(result.log_tail().encode()).decode()
        return _json_response(start_response, "200 OK", result.payload, headers)

    # -- EventBridge ---------------------------------------------------------------------------
    def _put_events(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        region: str,
        incoming: trace.TraceContext | None,
    ) -> Iterable[bytes]:
        try:
            request = json.loads(self._body(environ) or b"{}")
        except ValueError:
            return _aws_error(
                start_response, "400 Bad Request", "SerializationException", "Body is not JSON"
            )
        with trace.activate(incoming):
            try:
                entries = self.router.put_events(
                    region, self.info.account, request.get("Entries") or []
                )
            except PutEventsError as exc:
                return _aws_error(
                    start_response, "400 Bad Request", "ValidationException", str(exc)
                )
        failed = sum(1 for e in entries if "ErrorCode" in e)
        return _json_response(
            start_response, "200 OK", {"FailedEntryCount": failed, "Entries": entries}
        )

    def _test_event_pattern(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            request = json.loads(self._body(environ) or b"{}")
            result = self.router.test_event_pattern(
                request.get("EventPattern", ""), request.get("Event", "")
            )
        except RoutingError as exc:
            code = (
                "InvalidEventPatternException"
                if type(exc).__name__ == "InvalidEventPatternError"
                else "ValidationException"
            )
            message = str(exc)
            if code == "InvalidEventPatternException" and not message.startswith("Event pattern"):
                message = f"Event pattern is not valid. Reason: {message}"
            return _aws_error(start_response, "400 Bad Request", code, message)
        except ValueError as exc:
            return _aws_error(start_response, "400 Bad Request", "ValidationException", str(exc))
        return _json_response(start_response, "200 OK", {"Result": result})

    # -- /_localcloud --------------------------------------------------------------------------
    def _admin(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if path == "/_localcloud/health":
            return _json_response(
                start_response,
                "200 OK",
                {
                    "status": "ready",
                    "services": list(SERVICES),
                    "endpoint": self.info.endpoint_url,
                    "uptime_s": round(time.monotonic() - self.info.started_at, 3),
                },
            )
        if path == "/_localcloud/traces":
            raw = query.get("last", ["20"])[0]
            if not raw.isdigit():
                return _json_response(
                    start_response,
                    "400 Bad Request",
                    {"message": f"last must be a whole number (e.g. ?last=5), got {raw!r}"},
                )
            last = int(raw)
            traces = self.traces.traces(last=last)
            return _json_response(
                start_response,
                "200 OK",
                {
                    "traces": [[hop.to_dict() for hop in hops] for hops in traces],
                    "sequence": self.traces.sequence,
                },
            )
        match = TRACE_PATH.match(path)
        if match:
            hops = self.traces.get(match["id"])
            if hops is None:
                return _json_response(
                    start_response,
                    "404 Not Found",
                    {"message": f"no trace {match['id']}; list them at /_localcloud/traces"},
                )
            return _json_response(start_response, "200 OK", {"hops": [h.to_dict() for h in hops]})
        return _json_response(
            start_response,
            "404 Not Found",
            {"message": f"unknown path {path}; try /_localcloud/health or /_localcloud/traces"},
        )
