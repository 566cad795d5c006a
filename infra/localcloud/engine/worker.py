"""The Lambda runtime inside a worker process.

The executor starts one of these per concurrent execution environment of a function. It reads
invocation requests as JSON lines on stdin and answers each on the reply pipe (the file
descriptor named by LOCALCLOUD_REPLY_FD). stdout and stderr belong to the function: the executor
points them at a log file and reads what each invocation wrote. The handler module is imported
on the first request (the init phase), as the Lambda Python runtime does.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from typing import Any


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


def main() -> None:
    reply = os.fdopen(int(os.environ.pop("LOCALCLOUD_REPLY_FD")), "w", buffering=1)
    # Run as a script, this file's folder leads sys.path; the handler must not see it (its
    # `import errors` would find the engine's errors.py).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    for path in reversed(os.environ.get("LOCALCLOUD_CODE_PATHS", "").split(os.pathsep)):
        if path:
            sys.path.insert(0, path)
    handler: Any = None
    init_error: dict[str, Any] | None = None
    for line in sys.stdin:
        request = json.loads(line)
        os.environ["_X_AMZN_TRACE_ID"] = request.get("trace_header", "")
        answer: dict[str, Any]
        if handler is None and init_error is None:
            init_started = time.time()
            try:
                # The init phase does not count against the invocation's timeout, as on AWS.
                handler = _load_handler(os.environ["_HANDLER"])
                request["deadline"] += time.time() - init_started
                reply.write(json.dumps({"init": time.time() - init_started}) + "\n")
            except ImportError as exc:
                init_error = _error(exc, "Runtime.ImportModuleError")
                init_error["errorMessage"] = f"Unable to import module: {exc}"
            except Exception as exc:
                init_error = _error(exc, "Runtime.HandlerNotFound")
        if init_error is not None:
            answer = {"ok": False, "error": init_error}
        else:
            try:
                event = json.loads(request["payload"]) if request["payload"] else {}
                result = handler(event, LambdaContext(request))
                answer = {"ok": True, "payload": json.dumps(result)}
            except Exception as exc:
                print(
                    f"[ERROR] {type(exc).__name__}: {exc}\nTraceback (most recent call last):\n"
                    + "".join(traceback.format_tb(exc.__traceback__)),
                    file=sys.stderr,
                )
                answer = {"ok": False, "error": _error(exc)}
        sys.stdout.flush()
        sys.stderr.flush()
        reply.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
