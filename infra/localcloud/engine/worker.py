"""The Lambda runtime inside a worker process.

The executor starts one of these per concurrent execution environment of a function. It reads
invocation requests as JSON lines on stdin and answers each on the reply pipe (the file
descriptor named by LOCALCLOUD_REPLY_FD). stdout and stderr belong to the function: the executor
points them at a log file and reads what each invocation wrote. The handler module is imported
on the first request (the init phase), as the Lambda Python runtime does, or ahead of it when
the executor sends ``{"init_only": true}`` (a warm start, as provisioned concurrency does: the
answer is ``{"init": seconds, "error": null or the init error}``).

When LOCALCLOUD_CALL_FDS names a second pair of pipes, the AWS calls the handler makes with
botocore to the local cloud's own URL (LOCALCLOUD_ENDPOINT) travel over them instead of HTTP:
the executor hands each to the gateway in-process, so a call costs no HTTP parsing on either
side (about half its cost). The requests and responses are the ones HTTP would carry (headers,
signed, X-Ray header and all), and botocore parses the response as usual. Calls to any other URL
go over HTTP. botocore is hooked once it is imported, checked before and after every
invocation, so a handler that imports boto3 inside the handler makes its first calls over HTTP.
A handler's threads take turns on the pipes; the executor answers them on a thread of its own,
so the timeout holds while a call blocks.
"""

from __future__ import annotations

import base64
import gc
import importlib
import io
import json
import os
import sys
import threading
import time
import traceback
from typing import Any


class _Body(io.BytesIO):
    """A response body as botocore reads one from urllib3 (read, stream, close)."""

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Any:
        while chunk := self.read(amt):
            yield chunk


class DirectCalls:
    """Sends botocore's requests for the local cloud over the call pipes."""

    def __init__(self, endpoint: str, read_fd: int, write_fd: int) -> None:
        self.endpoint = endpoint.rstrip("/")
        self._responses = os.fdopen(read_fd, "rb")
        self._requests = os.fdopen(write_fd, "wb")
        self._lock = threading.Lock()
        self.hooked = False

    def owns(self, url: str) -> bool:
        return url == self.endpoint or url.startswith(self.endpoint + "/")

    def send(self, request: Any) -> dict[str, Any]:
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        message = {
            "method": request.method,
            "url": request.url,
            "headers": [
                [k, v.decode() if isinstance(v, bytes) else str(v)]
                for k, v in request.headers.items()
            ],
            "body": base64.b64encode(body or b"").decode(),
        }
        with self._lock:
            self._requests.write(json.dumps(message).encode() + b"\n")
            self._requests.flush()
            line = self._responses.readline()
        if not line:
            raise ConnectionError("the local cloud closed the call pipe")
        return dict(json.loads(line))

    def hook(self) -> None:
        """Route botocore's sends for the local cloud here, once botocore is loaded."""
        module = sys.modules.get("botocore.httpsession")
        if self.hooked or module is None:
            return
        from botocore.awsrequest import AWSResponse
        from botocore.exceptions import EndpointConnectionError
        from urllib3._collections import HTTPHeaderDict

        session = module.URLLib3Session
        original = session.send
        calls = self

        def send(self: Any, request: Any) -> Any:
            if not calls.owns(request.url):
                return original(self, request)
            try:
                answer = calls.send(request)
            except (OSError, ValueError) as exc:
                raise EndpointConnectionError(endpoint_url=request.url, error=exc) from exc
            # The headers are what botocore's own send passes: urllib3's case-insensitive dict.
            headers: Any = HTTPHeaderDict(answer["headers"])
            body = _Body(base64.b64decode(answer["body"]))
            response = AWSResponse(request.url, answer["status"], headers, body)
            if not request.stream_output:
                response.content  # noqa: B018 (read now, as botocore does for non-streams)
            return response

        session.send = send
        self.hooked = True


def _direct_calls() -> DirectCalls | None:
    fds = os.environ.pop("LOCALCLOUD_CALL_FDS", "")
    endpoint = os.environ.pop("LOCALCLOUD_ENDPOINT", "")
    if not fds or not endpoint:
        return None
    read_fd, write_fd = (int(fd) for fd in fds.split(","))
    return DirectCalls(endpoint, read_fd, write_fd)


class LambdaContext:
    """The context object handed to a handler, with the attributes Lambda's Python runtime sets."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.aws_request_id: str = request["request_id"]
        self.function_name: str = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version: str = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn: str = request["invoked_function_arn"]
        self.memory_limit_in_mb: int = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.log_group_name: str = os.environ["AWS_LAMBDA_LOG_GROUP_NAME"]
        self.log_stream_name: str = os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
        self.identity = None
        self.client_context = request.get("client_context")
        self._deadline: float = request["deadline"]

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    frames = traceback.extract_tb(exc.__traceback__)
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_list(frames),
    }


def _load_handler(spec: str) -> Any:
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        raise ValueError(f"Bad handler '{spec}': expected <module>.<function>")
    module = importlib.import_module(module_name.replace("/", "."))
    try:
        return getattr(module, function_name)
    except AttributeError as exc:
        raise AttributeError(
            f"Handler '{function_name}' missing on module '{module_name}'"
        ) from exc


class Runtime:
    """The function's handler, loaded once per environment (the init phase)."""

    def __init__(self, calls: DirectCalls | None) -> None:
        self.calls = calls
        self.handler: Any = None
        self.init_error: dict[str, Any] | None = None

    @property
    def initialized(self) -> bool:
        return self.handler is not None or self.init_error is not None

    def initialize(self, ahead: bool = False) -> float:
        """Import the handler's module; the seconds it took (an import error is kept).

        The imports leave hundreds of thousands of long-lived objects (Powertools, pydantic,
        botocore's models) that every full garbage collection would walk again, typically in
        the middle of the first requests: they are moved out of the collector's sight
        (``gc.freeze``), after a collection when the environment is made ahead of traffic.
        """
        started = time.time()
        try:
            self.handler = _load_handler(os.environ["_HANDLER"])
            if self.calls is not None:
                self.calls.hook()  # the handler module imported boto3 at its top, typically
            if ahead:
                gc.collect()
            gc.freeze()
        except ImportError as exc:
            self.init_error = _error(exc, "Runtime.ImportModuleError")
            self.init_error["errorMessage"] = f"Unable to import module: {exc}"
        except Exception as exc:
            self.init_error = _error(exc, "Runtime.HandlerNotFound")
        return time.time() - started

    def invoke(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.init_error is not None:
            return {"ok": False, "error": self.init_error}
        try:
            event = json.loads(request["payload"]) if request["payload"] else {}
            result = self.handler(event, LambdaContext(request))
            return {"ok": True, "payload": json.dumps(result)}
        except Exception as exc:
            print(
                f"[ERROR] {type(exc).__name__}: {exc}\nTraceback (most recent call last):\n"
                + "".join(traceback.format_tb(exc.__traceback__)),
                file=sys.stderr,
            )
            return {"ok": False, "error": _error(exc)}


def main() -> None:
    reply = os.fdopen(int(os.environ.pop("LOCALCLOUD_REPLY_FD")), "w", buffering=1)
    # Run as a script, this file's folder leads sys.path; the handler must not see it (its
    # `import errors` would find the engine's errors.py).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    for path in reversed(os.environ.get("LOCALCLOUD_CODE_PATHS", "").split(os.pathsep)):
        if path:
            sys.path.insert(0, path)
    calls = _direct_calls()
    runtime = Runtime(calls)
    for line in sys.stdin:
        request = json.loads(line)
        if calls is not None:
            calls.hook()
        if request.get("init_only"):
            # A warm start (provisioned concurrency): the init phase now, no invocation.
            took = runtime.initialize(ahead=True) if not runtime.initialized else 0.0
            reply.write(json.dumps({"init": took, "error": runtime.init_error}) + "\n")
            continue
        os.environ["_X_AMZN_TRACE_ID"] = request.get("trace_header", "")
        if not runtime.initialized:
            # The init phase does not count against the invocation's timeout, as on AWS.
            took = runtime.initialize()
            request["deadline"] += took
            if runtime.init_error is None:
                reply.write(json.dumps({"init": took}) + "\n")
        answer = runtime.invoke(request)
        if calls is not None:
            calls.hook()
        sys.stdout.flush()
        sys.stderr.flush()
        reply.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
