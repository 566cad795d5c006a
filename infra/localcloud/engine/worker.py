"""The Lambda runtime inside a worker process.

The executor starts one of these per concurrent execution environment of a function. It reads
requests on stdin, each a JSON head line, an invocation's followed by its payload's bytes as
they are (``payload_bytes`` says how many), and answers each on the reply pipe (the file
descriptor named by LOCALCLOUD_REPLY_FD). stdout and stderr belong to the function: the executor
points them at a log file and reads what each invocation wrote. The handler module is imported
on the first request (the init phase), as the Lambda Python runtime does, or ahead of it when
the executor sends ``{"init_only": true}`` (a warm start, as provisioned concurrency does: the
answer is ``{"init": seconds, "error": null or the init error}``).

When LOCALCLOUD_CALL_FDS names a second pair of pipes, the AWS calls the handler makes with
botocore to the local cloud's own URL (LOCALCLOUD_ENDPOINT) travel over them instead of HTTP:
the executor hands each to the gateway in-process, so a call costs no HTTP parsing on either
side (about half its cost). The requests and responses are the ones HTTP would carry (headers,
X-Ray header and all), framed as callframe.py says (bodies as raw bytes), and botocore parses
the response as usual. One thing differs: those calls are not signed. botocore's plain SigV4
signer writes its Authorization header as ever (credential scope, SignedHeaders, X-Amz-Date)
but with a placeholder for the signature, which nothing in the local cloud checks; S3's
signer and presigned URLs sign as usual (DirectCalls._skip_signing). Calls to any other URL go
over HTTP, signed. botocore is hooked once it is imported,
checked before and after every invocation, so a handler that imports boto3 inside the handler
makes its first calls over HTTP. A handler's threads take turns on the pipes; the executor
answers them on a thread of its own, so the timeout holds while a call blocks.

When LOCALCLOUD_DEBUG_PORT names a port (the function is in debug mode), the worker starts
debugpy on 127.0.0.1:port and waits for an IDE to attach before it reads its first request.
debugpy runs its debug adapter in this process (``in_process_debug_adapter``), not as the
separate adapter process that ``python -m debugpy --listen`` starts: that one daemonizes and,
while a client stays connected, outlives the worker it served and keeps the port (measured), so
the function's next worker could not listen there. In-process, the port goes with the process.
A debug worker also exits once the local cloud that started it is gone, rather than wait for an
IDE forever.
"""

from __future__ import annotations

import base64
import decimal
import gc
import importlib
import importlib.util
import io
import json
import logging
import math
import os
import re
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from types import ModuleType
from typing import Any, BinaryIO

# Stacks for the handler's Python threads: see _limit_memory.
THREAD_STACK_BYTES = 1024 * 1024


class _Body(io.BytesIO):
    """A response body as botocore reads one from urllib3 (read, stream, close)."""

    def stream(self, amt: int = 65536, decode_content: bool | None = None) -> Any:
        while chunk := self.read(amt):
            yield chunk


def _load_callframe() -> ModuleType:
    """engine/callframe.py, the pipes' frames: imported as the local cloud's module where this
    file is one (tests), else loaded by its path under a name no handler's import can find."""
    if __package__:
        return importlib.import_module(f"{__package__}.callframe")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callframe.py")
    spec = importlib.util.spec_from_file_location("_localcloud_callframe", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # where its classes say they live (__module__)
    spec.loader.exec_module(module)
    return module


callframe = _load_callframe()
# What stands in an unsigned call's Authorization header for the signature (see DirectCalls).
UNSIGNED_SIGNATURE = "0" * 64


class DirectCalls:
    """Sends botocore's requests for the local cloud over the call pipes, unsigned."""

    def __init__(self, endpoint: str, read_fd: int, write_fd: int) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.fds = (read_fd, write_fd)
        self._answers = os.fdopen(read_fd, "rb")
        self._calls = write_fd
        self._lock = threading.Lock()
        self.hooked = False

    def owns(self, url: str) -> bool:
        return url == self.endpoint or url.startswith(self.endpoint + "/")

    def send(self, request: Any) -> Any:
        """The answer (``callframe.Answer``) to botocore's prepared request.

        OSError when the local cloud is gone (ConnectionError at the end of the pipe), FrameError
        (a ValueError) when it went away in the middle of an answer.
        """
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        headers = [
            (k, v if type(v) is str else v.decode() if isinstance(v, bytes) else str(v))
            for k, v in request.headers.items()
        ]
        frame = callframe.call_frame(request.method, request.url, headers, body or b"")
        with self._lock:
            callframe.write(self._calls, frame)
            answer = callframe.read_answer(self._answers)
        if answer is None:
            raise ConnectionError("the local cloud closed the call pipe")
        return answer

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
            headers: Any = HTTPHeaderDict(answer.headers)
            response = AWSResponse(request.url, answer.status, headers, _Body(answer.body))
            if not request.stream_output:
                response.content  # noqa: B018 (read now, as botocore does for non-streams)
            return response

        session.send = send
        self._skip_signing()
        self.hooked = True

    def _skip_signing(self) -> None:
        """Make botocore's plain SigV4 signer leave the signature out of calls for the pipe.

        Nothing in the local cloud checks a signature: it reads the service, region and access
        key from the credential scope. So a call that goes over the pipe gets the Authorization
        header SigV4 would write (credential scope, SignedHeaders, X-Amz-Date and the security
        token as usual) with UNSIGNED_SIGNATURE for the signature, whose computation (canonical
        request, payload hash, four HMACs) was a third of a call's CPU here. Only for the exact
        SigV4Auth class and only for a URL this sends over the pipe: S3's signer, presigned URLs
        (query signing), SigV4a and tokens sign as always. A botocore without the methods
        relied on signs as always too.
        """
        from botocore import auth
        from botocore.exceptions import NoCredentialsError

        signer: Any = auth.SigV4Auth
        relied_on = ("_modify_request_before_signing", "scope")
        now = getattr(auth, "get_current_datetime", None)
        timestamp = getattr(auth, "SIGV4_TIMESTAMP", None)
        unsigned = getattr(auth, "SIGNED_HEADERS_BLACKLIST", None)
        if now is None or timestamp is None or unsigned is None:
            return
        if not all(hasattr(signer, name) for name in relied_on):
            return
        original = signer.add_auth
        calls = self

        def add_auth(self: Any, request: Any) -> None:
            if type(self) is not signer or not calls.owns(request.url):
                original(self, request)
                return
            if self.credentials is None:
                raise NoCredentialsError()
            request.context["timestamp"] = now().strftime(timestamp)
            self._modify_request_before_signing(request)  # X-Amz-Date, the token...
            # The names SigV4 signs, as its headers_to_sign has them (without building the
            # headers object it makes for the signature).
            names = {name.lower() for name in request.headers}
            names.difference_update(unsigned)
            names.add("host")
            request.headers["Authorization"] = (
                f"AWS4-HMAC-SHA256 Credential={self.scope(request)}, "
                f"SignedHeaders={';'.join(sorted(names))}, Signature={UNSIGNED_SIGNATURE}"
            )

        signer.add_auth = add_auth


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


class FaultError(Exception):
    """A failure the runtime names itself (``Runtime.*``), reported as awslambdaric does."""

    def __init__(self, error_type: str, message: str, stack: list[str] | None = None) -> None:
        super().__init__(message)
        self.error = {
            "errorMessage": message,
            "errorType": error_type,
            "requestId": "",
            "stackTrace": stack or [],
        }


def _error(exc: BaseException) -> dict[str, Any]:
    """An exception from the function's code: its class, its message and its stack from the
    function's first frame on (the runtime's own leading frames left out, as AWS does)."""
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename == __file__:
        del frames[0]
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": "",
        "stackTrace": traceback.format_list(frames),
    }


# -- the runtime's logging ------------------------------------------------------------------------
# Set up as AWS's Python runtime (awslambdaric, bootstrap.py) sets it up, and as "Log and monitor
# Python Lambda functions" describes (https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html):
# one handler on the root logger, writing to the function's log with the request id; the root
# level left at Python's WARNING unless the function sets an application log level (which AWS
# allows with the JSON format only, and then defaults to INFO).
_LOG_LEVELS = {
    "TRACE": 5,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
}
# The names JSON records give each level (Lambda's levels, not Python's: WARN, FATAL).
_JSON_LEVEL_NAMES = {5: "TRACE", 10: "DEBUG", 20: "INFO", 30: "WARN", 40: "ERROR", 50: "FATAL"}
# The request being handled; the filter stamps it on every record (empty during init).
_request_id = ""
# LogRecord's own attributes: any other attribute (``extra=``) becomes a key of a JSON record.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _json_logs() -> bool:
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


def _timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as both formats write it."""
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
        + f".{int(created % 1 * 1000):03d}Z"
    )


class _RequestIdFilter(logging.Filter):
    """Stamps the current request id on each record, as awslambdaric's LambdaLoggerFilter."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


class _TextFormatter(logging.Formatter):
    """``[LEVEL]\\ttimestamp\\trequest id\\tmessage``, the Text format."""

    def __init__(self) -> None:
        super().__init__("[%(levelname)s]\t%(asctime)s\t%(aws_request_id)s\t%(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _timestamp(record.created)


class _JsonFormatter(logging.Formatter):
    """One JSON object per record, with the keys AWS's runtime writes (None values left out)."""

    def format(self, record: logging.LogRecord) -> str:
        error = record.exc_info
        document: dict[str, Any] = {
            "timestamp": _timestamp(record.created),
            "level": _JSON_LEVEL_NAMES.get(min(50, max(0, record.levelno)) // 10 * 10, "TRACE"),
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(error[2]) if error and error[2] else None,
            "errorType": error[0].__name__ if error and error[0] else None,
            "errorMessage": str(error[1]) if error else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}",
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key != "aws_request_id" and key not in document:
                document[key] = value
        return json.dumps(
            {k: v for k, v in document.items() if v is not None}, default=str, ensure_ascii=False
        )


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the function's stdout as it is at each record (the log the executor reads)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def _setup_logging() -> None:
    """Install the runtime's root log handler before the handler module is imported."""
    handler = _StdoutHandler()
    handler.setFormatter(_JsonFormatter() if _json_logs() else _TextFormatter())
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = _LOG_LEVELS.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper())
    if level is not None:
        root.setLevel(level)


def _log_error(error: dict[str, Any]) -> None:
    """Write an error to the function's log as the Python runtime does, in the log format."""
    if _json_logs():
        record = {
            "timestamp": _timestamp(time.time()),
            "log_level": "ERROR",
            **error,
            "requestId": error.get("requestId") or _request_id,
        }
        print(json.dumps(record, default=str, ensure_ascii=False), file=sys.stderr)
        return
    print(
        f"[ERROR] {error['errorType']}: {error['errorMessage']}\n"
        "Traceback (most recent call last):\n" + "".join(error["stackTrace"]),
        file=sys.stderr,
    )


def _load_handler(spec: str) -> Any:
    """The handler function, or the FaultError awslambdaric's bootstrap raises for each way of
    not finding it; any other exception at import is the function's own (reported by class)."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as exc:
        raise FaultError("Runtime.MalformedHandlerName", f"Bad handler '{spec}': {exc}") from exc
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise FaultError(
            "Runtime.BuiltInModuleConflict",
            f"Cannot use built-in module {module_name} as a handler module",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise FaultError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from exc
    except SyntaxError as exc:
        where = f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}'
        raise FaultError(
            "Runtime.UserCodeSyntaxError",
            f"Syntax error in module '{module_name}': {exc}",
            [where],
        ) from exc
    try:
        return getattr(module, function_name)
    except AttributeError as exc:
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        raise FaultError("Runtime.HandlerNotFound", message) from exc


# A decimal travels through the standard encoder as a string between these marks, which are
# then removed with the quotes: its digits reach the payload exactly as str(Decimal) has them.
_DECIMAL_MARK = f"decimal-{os.urandom(8).hex()}-"
_DECIMALS = re.compile(f'"{_DECIMAL_MARK}([^"]*){_DECIMAL_MARK}"')


class _Encoder(json.JSONEncoder):
    """The JSON encoder of AWS's Python runtime (awslambdaric, lambda_runtime_marshaller.py:
    simplejson with use_decimal=False and a default() of its own): a Decimal is written as its
    own digits, as a raw JSON number (a NaN decimal as NaN); any other type json cannot write
    fails. Only the python3.12 runtime writes non-ASCII characters unescaped there."""

    def __init__(self) -> None:
        execution_env = os.environ.get("AWS_EXECUTION_ENV")
        super().__init__(ensure_ascii=execution_env != "AWS_Lambda_python3.12")

    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            return math.nan if o.is_nan() else f"{_DECIMAL_MARK}{o}{_DECIMAL_MARK}"
        return super().default(o)


def _marshal(result: Any, encoder: json.JSONEncoder) -> dict[str, Any]:
    """The answer for a handler's return value, as awslambdaric's marshal_response makes it:
    bytes go out as they are (content type application/unknown there), anything else as JSON,
    and what JSON cannot hold is Runtime.MarshalError."""
    if isinstance(result, bytes):
        return {"ok": True, "raw": base64.b64encode(result).decode()}
    try:
        text = encoder.encode(result)
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise FaultError("Runtime.MarshalError", f"Unable to marshal response: {exc}") from exc
    if _DECIMAL_MARK in text:
        text = _DECIMALS.sub(r"\1", text)
    return {"ok": True, "payload": text}


def _data_bytes() -> int | None:
    """This process's private writable memory (VmData), what RLIMIT_DATA counts."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _limit_memory() -> None:
    """Hold the function to its MemorySize before its code is imported, as Lambda does.

    RLIMIT_DATA caps the private writable memory of the process (the heap and anonymous
    mappings: what Python allocates), so an allocation past it raises MemoryError, which the
    runtime turns into Lambda's end for a function out of memory (see _out_of_memory). The
    interpreter's own memory, measured here (about 7 MB on CPython 3.12), comes on top, so the
    function gets its whole MemorySize. Thread stacks count too although mostly untouched
    (glibc reserves 8 MB each, so fifteen threads would exhaust 128 MB): the handler's Python
    threads get 1 MB stacks, ample for CPython 3.12, whose C recursion is bounded. Left
    unenforced where /proc or RLIMIT_DATA are missing (not Linux).
    """
    megabytes = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") or 0)
    own = _data_bytes()
    if not megabytes or own is None:
        return
    try:
        import resource

        limit = own + megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        threading.stack_size(THREAD_STACK_BYTES)
    except (ImportError, ValueError, OSError):
        return


def _out_of_memory() -> None:
    """End this runtime as Lambda ends one that passed its memory: killed at once.

    The executor reports a runtime killed this way as Runtime.OutOfMemory, "Runtime exited with
    error: signal: killed" (https://repost.aws/knowledge-center/lambda-runtime-error). Nothing
    is written first: writing needs memory the function may still hold.
    """
    os.kill(os.getpid(), signal.SIGKILL)


def _keep_from_children(fds: list[int]) -> None:
    """Make the runtime's pipes this process's alone.

    The executor learns that this process died from the end of its reply pipe; a child the
    handler started holding a copy would hide that until the child ends or the invocation
    times out. Programs the handler executes lose them (close-on-exec); a forked child gets
    /dev/null in their place, so the descriptor numbers stay valid there.
    """
    for fd in fds:
        os.set_inheritable(fd, False)

    def detach() -> None:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in fds:
            os.dup2(null, fd, inheritable=False)
        os.close(null)

    os.register_at_fork(after_in_child=detach)


def _init(spec: str) -> tuple[Any, dict[str, Any] | None]:
    """The init phase: the handler, or the error every invocation of this environment reports
    (as on AWS, where the environment is then discarded and the next invoke inits again)."""
    try:
        return _load_handler(spec), None
    except FaultError as exc:
        error = exc.error
    except MemoryError:
        raise
    except Exception as exc:
        error = _error(exc)
    _log_error(error)
    return None, error


def _invoke(handler: Any, request: dict[str, Any], encoder: json.JSONEncoder) -> dict[str, Any]:
    """One invocation's answer: the marshalled return value or the error, logged."""
    global _request_id
    _request_id = request["request_id"]
    try:
        event = json.loads(request["payload"]) if request["payload"] else {}
        return _marshal(handler(event, LambdaContext(request)), encoder)
    except FaultError as exc:
        error = exc.error
    except MemoryError:
        raise
    except Exception as exc:
        error = _error(exc)
    _log_error(error)
    return {"ok": False, "error": error}


# How long a debug worker waits for its port: the worker it replaces may still be exiting.
DEBUG_PORT_WAIT_S = 5.0
# How long debugpy may take to listen once the port was seen free.
DEBUG_LISTEN_S = 10.0


def _exit_with_parent(parent: int) -> None:
    """End this process once the local cloud that started it is gone (this is reparented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _port_free(port: int) -> bool:
    # Bound as pydevd binds it (SO_REUSEADDR), so a port in TIME_WAIT counts as free.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _debugger_error(message: str) -> dict[str, Any]:
    return FaultError("Runtime.DebuggerError", message).error


def _wait_for_debugger(port: int) -> dict[str, Any] | None:
    """Listen for a debugger on 127.0.0.1:``port`` and wait until one attaches.

    Returns the error every request is answered with when debugpy is missing or the port is
    taken, None once an IDE is attached.
    """
    threading.Thread(
        target=_exit_with_parent, args=(os.getppid(),), name="exit-with-parent", daemon=True
    ).start()
    try:
        import debugpy
    except ImportError as exc:
        return _debugger_error(
            f"debug mode needs debugpy in the Python that runs functions ({sys.executable}): "
            f"pip install debugpy ({exc})"
        )
    taken = (
        f"cannot listen for a debugger on 127.0.0.1:{port}: the port is in use; stop what "
        "uses it or pick another port"
    )
    deadline = time.monotonic() + DEBUG_PORT_WAIT_S
    while not _port_free(port):
        if time.monotonic() > deadline:
            return _debugger_error(taken)
        time.sleep(0.1)
    # In-process, debugpy binds on a thread of its own and, when that fails, waits forever
    # for the socket instead of raising: it listens on a thread here, given a deadline.
    listening = threading.Thread(
        target=debugpy.listen,
        args=(("127.0.0.1", port),),
        kwargs={"in_process_debug_adapter": True},
        name="debugpy-listen",
        daemon=True,
    )
    listening.start()
    listening.join(DEBUG_LISTEN_S)
    if listening.is_alive():
        return _debugger_error(taken)
    print(f"localcloud: waiting for a debugger on 127.0.0.1:{port}", file=sys.stderr)
    debugpy.wait_for_client()
    return None


def _paths(variable: str) -> list[str]:
    return [path for path in os.environ.get(variable, "").split(os.pathsep) if path]


class Runtime:
    """The function's handler, loaded once per environment (the init phase)."""

    def __init__(self, calls: DirectCalls | None) -> None:
        self.calls = calls
        self.encoder = _Encoder()
        self.handler: Any = None
        self.init_error: dict[str, Any] | None = None

    @property
    def initialized(self) -> bool:
        return self.handler is not None or self.init_error is not None

    def initialize(self, ahead: bool = False) -> float:
        """Import the handler's module; the seconds it took (an init error is kept, and every
        invocation of this environment reports it). MemoryError past the memory limit.

        The imports leave hundreds of thousands of long-lived objects (Powertools, pydantic,
        botocore's models) that every full garbage collection would walk again, typically in
        the middle of the first requests: they are moved out of the collector's sight
        (``gc.freeze``), after a collection when the environment is made ahead of traffic.
        """
        started = time.time()
        self.handler, self.init_error = _init(os.environ["_HANDLER"])
        if self.handler is not None:
            if self.calls is not None:
                self.calls.hook()  # the handler module imported boto3 at its top, typically
            if ahead:
                gc.collect()
            gc.freeze()
        return time.time() - started

    def invoke(self, request: dict[str, Any]) -> dict[str, Any]:
        """One invocation's answer (MemoryError past the memory limit)."""
        if self.init_error is not None:
            return {"ok": False, "error": self.init_error}
        return _invoke(self.handler, request, self.encoder)


def _requests(stream: BinaryIO) -> Iterator[dict[str, Any]]:
    """The executor's requests until the end of input: a JSON head line each, an invocation's
    followed by its payload's ``payload_bytes`` bytes as they are (put in as ``payload``)."""
    while line := stream.readline():
        request = json.loads(line)
        size = request.pop("payload_bytes", None)
        if size is not None:
            payload = stream.read(size) if size else b""
            if len(payload) < size:
                return  # the executor went away in the middle of a request
            request["payload"] = payload.decode()
        yield request


def main() -> None:
    reply_fd = int(os.environ.pop("LOCALCLOUD_REPLY_FD"))
    reply = os.fdopen(reply_fd, "w", buffering=1)
    # Run as a script, this file's folder leads sys.path; the handler must not see it (its
    # `import errors` would find the engine's errors.py).
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    # AWS's order: the code, the layers, the installed requirements, the runtime's boto3, then
    # the standard library (started with -I -S, nothing of the local cloud's environment is on
    # the path). debugpy comes last, and only in debug mode.
    sys.path[:0] = _paths("LOCALCLOUD_CODE_PATHS") + _paths("LOCALCLOUD_LIBRARY_PATHS")
    sys.path += _paths("LOCALCLOUD_DEBUGPY_PATH")
    _setup_logging()
    calls = _direct_calls()
    _keep_from_children([reply_fd, *(calls.fds if calls is not None else ())])
    debug_port = os.environ.pop("LOCALCLOUD_DEBUG_PORT", "")
    # A debugger that cannot listen fails the first invocation, and the worker exits so the
    # next one tries afresh (the port may be free by then). It starts before the memory limit
    # is measured, so debugpy's own memory and threads are not taken from the function's.
    debugger_error = _wait_for_debugger(int(debug_port)) if debug_port else None
    _limit_memory()
    runtime = Runtime(calls)
    for request in _requests(sys.stdin.buffer):
        if calls is not None:
            calls.hook()
        if debugger_error is not None:
            reply.write(json.dumps({"ok": False, "error": debugger_error}) + "\n")
            return
        answer: dict[str, Any] | None = None
        try:
            if request.get("init_only"):
                # A warm start (provisioned concurrency): the init phase now, no invocation.
                took = runtime.initialize(ahead=True) if not runtime.initialized else 0.0
                answer = {"init": took, "error": runtime.init_error}
            else:
                os.environ["_X_AMZN_TRACE_ID"] = request.get("trace_header", "")
                if not runtime.initialized:
                    # The init phase does not count against the invocation's timeout, as on AWS.
                    took = runtime.initialize()
                    request["deadline"] += took
                    if runtime.init_error is None:
                        reply.write(json.dumps({"init": took}) + "\n")
                answer = runtime.invoke(request)
        except MemoryError:
            pass  # the function reached its memory limit, the handler's own MemoryError too
        if answer is None:
            # Out of the except clause, the frames that held the memory are gone.
            _out_of_memory()
            return
        if calls is not None:
            calls.hook()
        sys.stdout.flush()
        sys.stderr.flush()
        reply.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
