"""Warm worker processes per function: the Lambda execution environments of the local cloud.

Each function gets a pool of worker processes (engine/worker.py), created on first use and reused.
A worker is replaced when the function's configuration or code changes, when it exceeds the
function's timeout (it is killed: `Task timed out after N.NN seconds`), when it crashes or runs
out of memory (worker.py holds it to the function's MemorySize), and it is ended after
``idle_timeout`` seconds unused (``LOCALCLOUD_WORKER_IDLE_S``), as AWS reclaims idle
environments. Concurrency per function is capped by its reserved concurrency, or by a local
default (``max_concurrency``); either counts the function's invocations of all its versions
together, as Lambda's reserved concurrency does, while each version keeps its own pool. A
worker's stdout and stderr go into a pipe read while the invocation runs, of which each
invocation keeps only its newest bytes (output.py): what handlers print costs the local
cloud neither disk nor unbounded memory.

``warm(spec)`` starts an environment ahead of the first request and runs its init phase (the
handler's imports), as provisioned concurrency does; it then waits in the pool like any other.

A function in debug mode (``debug(name, port)``) runs in one environment at a time, started
under debugpy: the worker listens on 127.0.0.1:port, waits for an IDE to attach before its
first invocation, and its invocations have no timeout, so a paused breakpoint is not killed.

Once calls are connected (``connect_calls``, to the gateway's pipe door), each worker also gets
a pair of call pipes: the AWS calls its handler makes to the local cloud arrive on them and are
answered by a thread of the worker's own, so the invocation's timeout runs as usual while a call
blocks (a long poll, a synchronous invoke). worker.py says how the worker side works.
``direct_calls=False`` (``LOCALCLOUD_DIRECT_CALLS=0``) sends them over HTTP instead.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib.util
import json
import math
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from localcloud.engine import callframe
from localcloud.engine.errors import DebugPortError, EngineError, ThrottledError
from localcloud.engine.output import OutputBuffer, output_pipe

# Edits under a function's code folder are looked for at most this often (seconds).
CODE_CHECK_INTERVAL = 0.5
LOG_TAIL_BYTES = 4096
WORKER_SCRIPT = str(Path(__file__).with_name("worker.py"))
INIT_LIMIT = 10.0  # seconds Lambda gives a function's init phase, apart from its timeout
# Errors the platform reports rather than the function's code: Lambda writes them to the log.
PLATFORM_ERRORS = ("Sandbox.Timedout", "Runtime.ExitError", "Runtime.OutOfMemory")
# How Lambda names the signal that ended a runtime ("Runtime exited with error: signal: killed").
SIGNAL_NAMES = {
    signal.SIGKILL: "killed",
    signal.SIGABRT: "aborted",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
}
# A call from a handler to its answer (callframe.py: what the call pipes carry).
CallHandler = Callable[[callframe.Call], callframe.Answered]


@dataclass(frozen=True)
class FunctionSpec:
    """What an execution environment needs to know about a function version."""

    name: str
    arn: str
    handler: str
    runtime: str
    timeout: float
    memory_size: int
    environment: dict[str, str]
    code_paths: tuple[str, ...]
    reserved_concurrency: int | None
    region: str
    account_id: str
    # The function's LoggingConfig: "Text" or "JSON", and with JSON the application and system
    # log levels (TRACE, DEBUG, INFO, WARN, ERROR, FATAL), defaulting to INFO as on AWS.
    log_format: str = "Text"
    application_log_level: str | None = None
    system_log_level: str | None = None
    # Set by the executor while the function is in debug mode: part of the fingerprint, so
    # entering or leaving debug mode replaces the function's environments.
    debug_port: int | None = None
    # Installed packages, after the code paths on sys.path: the builds of the layers' and the
    # function's requirements, then the runtime's own boto3. Immutable (a build's folder is
    # named by its inputs), so the executor does not watch them for edits as it does code.
    library_paths: tuple[str, ...] = ()
    # "$LATEST" or a published version's number: a version has its own code, configuration
    # and environments (``pool``), so changes to $LATEST never reach it.
    version: str = "$LATEST"

    @property
    def pool(self) -> str:
        """The key of this version's environments: the name for $LATEST, else name:version."""
        return self.name if self.version == "$LATEST" else f"{self.name}:{self.version}"

    @property
    def qualified_arn(self) -> str:
        """The ARN naming this version ($LATEST's is the unqualified ARN)."""
        return self.arn if self.version == "$LATEST" else f"{self.arn}:{self.version}"

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the configuration: workers built from another one are replaced."""
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


@dataclass
class InvocationResult:
    """The outcome of running one invocation in a worker."""

    request_id: str
    payload: bytes
    error: dict[str, Any] | None
    logs: str
    duration_ms: float
    log_stream: str = ""
    # The invocation's log as Lambda writes it (START ... REPORT), set by the LogWriter.
    full_log: str = ""
    # The function version that ran it (Invoke's X-Amz-Executed-Version), set by the invoker.
    executed_version: str = "$LATEST"

    @property
    def failed(self) -> bool:
        return self.error is not None

    def log_tail(self) -> str:
        text = self.full_log or self.logs
        # The last LOG_TAIL_BYTES characters hold at least as many bytes: encode only those.
        return text[-LOG_TAIL_BYTES:].encode()[-LOG_TAIL_BYTES:].decode(errors="replace")


def invocation_frame(
    payload: bytes, request_id: str, trace_header: str, function_arn: str, deadline: float
) -> bytes:
    """An invocation request as worker.py reads it: a JSON head line, then the payload as it
    is (inside the JSON line it was escaped on the way out and decoded twice in the worker:
    ~60 us of the server's CPU for ten SQS records). UnicodeDecodeError for a payload that is
    not UTF-8, which JSON text is."""
    payload.decode()
    head = {
        "request_id": request_id,
        "trace_header": trace_header,
        "invoked_function_arn": function_arn,
        "deadline": deadline,
        "payload_bytes": len(payload),
    }
    return json.dumps(head).encode() + b"\n" + payload


def lambda_environment(
    spec: FunctionSpec, endpoint_url: str, stream: str, *, provisioned: bool = False
) -> dict[str, str]:
    """The environment Lambda's Python runtime gives a function, then the function's own.

    ``provisioned``: the environment is made ahead of traffic (a warm start).
    """
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.name,
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
        # Lambda's own signal to code that may prepare more at init (clients, say) when the
        # environment is made ahead of traffic.
        "AWS_LAMBDA_INITIALIZATION_TYPE": "provisioned-concurrency" if provisioned else "on-demand",
        "LAMBDA_TASK_ROOT": spec.code_paths[0] if spec.code_paths else "",
        "_HANDLER": spec.handler,
        "LOCALCLOUD_CODE_PATHS": os.pathsep.join(spec.code_paths),
        "LOCALCLOUD_LIBRARY_PATHS": os.pathsep.join(spec.library_paths),
        **_logging_environment(spec),
        **spec.environment,
    }


def _logging_environment(spec: FunctionSpec) -> dict[str, str]:
    """The variables by which Lambda tells its runtime the function's LoggingConfig: the format
    always, the application log level with the JSON format only (the runtime's root level)."""
    if spec.log_format.upper() != "JSON":
        return {"AWS_LAMBDA_LOG_FORMAT": "Text"}
    return {
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": (spec.application_log_level or "INFO").upper(),
    }


class Worker:
    """One execution environment: a Python process running the function's handler."""

    def __init__(
        self,
        spec: FunctionSpec,
        endpoint_url: str,
        python: str,
        call_handler: CallHandler | None = None,
        provisioned: bool = False,
    ) -> None:
        self.spec = spec
        self.call_handler = call_handler
        self.fingerprint = spec.fingerprint
        self.stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
        self.fresh = True
        self.idle_since = time.monotonic()
        output_read, output_write = output_pipe()
        read_fd, write_fd = os.pipe()
        env = lambda_environment(spec, endpoint_url, self.stream, provisioned=provisioned)
        env["LOCALCLOUD_REPLY_FD"] = str(write_fd)
        passed = [write_fd]
        calls: tuple[int, int] | None = None
        if call_handler is not None:
            request_read, request_write = os.pipe()
            answer_read, answer_write = os.pipe()
            env["LOCALCLOUD_CALL_FDS"] = f"{answer_read},{request_write}"
            # The local cloud's own URL: the function's environment may point AWS_ENDPOINT_URL
            # elsewhere, and calls there must leave over HTTP.
            env["LOCALCLOUD_ENDPOINT"] = endpoint_url
            passed += [answer_read, request_write]
            calls = (request_read, answer_write)
        # Isolated (-I: no PYTHONPATH, no user site, no script folder) and without site (-S: not
        # the local cloud's site-packages): worker.py sets sys.path to what AWS's runtime has,
        # so a handler importing a package its function does not ship fails as on AWS.
        command = [python, "-I", "-S", WORKER_SCRIPT]
        if spec.debug_port is not None:
            # worker.py starts debugpy itself (see there why not `-m debugpy`); frozen stdlib
            # modules would make pydevd warn in the function's log on every start.
            env["LOCALCLOUD_DEBUG_PORT"] = str(spec.debug_port)
            env["LOCALCLOUD_DEBUGPY_PATH"] = _debugpy_path()
            command = [python, "-I", "-S", "-X", "frozen_modules=off", WORKER_SCRIPT]
        try:
            self.process = subprocess.Popen(
                # By path, not `-m localcloud.engine.worker`: no package of the local cloud is
                # imported into the function's process before its handler.
                command,
                stdin=subprocess.PIPE,
                stdout=output_write,
                stderr=output_write,
                env=env,
                pass_fds=tuple(passed),
                cwd=spec.code_paths[0] if spec.code_paths else None,
            )
        except BaseException:
            for fd in [*passed, output_write, output_read, read_fd, *(calls or ())]:
                os.close(fd)
            raise
        for fd in [*passed, output_write]:  # the worker's ends
            os.close(fd)
        self.output = OutputBuffer(output_read)
        if calls is not None:
            threading.Thread(
                target=self._answer_calls,
                args=calls,
                name=f"calls-{spec.name}",
                daemon=True,
            ).start()
        self.replies = os.fdopen(read_fd, "rb")
        self._buffer = b""
        # The last invocation ended with the worker's answer, so it was alive then (which saves
        # asking the system, a wait call of ~11 us in the server, when it goes back to its pool).
        self.answered = False
        # The output pipe was seen empty when the last answer came (see _read_line).
        self._output_quiet = False

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, payload: bytes, request_id: str, trace_header: str) -> InvocationResult:
        started = time.monotonic()
        self.answered = False
        # The handler's context still counts down from the configured timeout.
        deadline = time.time() + self.spec.timeout
        # Under a debugger nothing is killed: the wait for the IDE and a paused breakpoint
        # take as long as they take (SAM CLI suspends its timeout the same way).
        timeout = self.spec.timeout if self.spec.debug_port is None else math.inf
        frame = invocation_frame(
            payload, request_id, trace_header, self.spec.qualified_arn, deadline
        )
        error: dict[str, Any] | None = None
        body = b""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(frame)
            self.process.stdin.flush()
            # A new environment first runs its init phase, which Lambda limits apart from the
            # timeout: the worker says when init is over and the timeout starts from there.
            deadline_at = started + timeout + (INIT_LIMIT if self.fresh else 0.0)
            line = self._read_line(deadline_at)
            if line is not None and line.startswith(b'{"init"'):
                deadline_at = time.monotonic() + timeout
                line = self._read_line(deadline_at)
        except BrokenPipeError:
            line = None
            deadline_at = started + timeout
        # No answer before the deadline is a timeout. An early end of the reply pipe means the
        # process is exiting (it may not be reaped yet, so alive() alone cannot tell).
        timed_out = line is None and time.monotonic() >= deadline_at
        if line is None and not timed_out:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=_seconds_until(deadline_at))
        if line is None and self.alive():
            self.kill()
            error = {
                "errorType": "Sandbox.Timedout",
                "errorMessage": (
                    f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {request_id} "
                    f"Task timed out after {self.spec.timeout:.2f} seconds"
                ),
            }
        elif line is None:
            code = self.process.wait()
            # Killed outright, a runtime ran out of memory: the worker kills itself when its
            # memory limit is reached (worker.py), as the kernel's OOM killer would.
            oom = code == -signal.SIGKILL
            error = {
                "errorType": "Runtime.OutOfMemory" if oom else "Runtime.ExitError",
                "errorMessage": (
                    f"RequestId: {request_id} Error: Runtime exited with error: "
                    f"{_exit_status(code)}"
                ),
            }
        else:
            answer = json.loads(line)
            if answer["ok"] and "raw" in answer:  # bytes the handler returned, as they are
                body = base64.b64decode(answer["raw"])
            elif answer["ok"]:
                body = answer["payload"].encode()
            else:
                error = answer["error"]
                error["requestId"] = request_id
        duration = (time.monotonic() - started) * 1000
        # Everything the worker wrote before its answer is in the pipe by now.
        if line is None or not self._output_quiet:
            self.output.drain()
        self.answered = line is not None
        logs = self.output.take()
        self.fresh = False
        if error is not None and error["errorType"] in PLATFORM_ERRORS:
            # The platform's own lines, as Lambda logs them: a runtime that ended also
            # names its error type on a line of its own.
            logs += f"{error['errorMessage']}\n"
            if error["errorType"] != "Sandbox.Timedout":
                logs += f"{error['errorType']}\n"
        if error is not None:
            body = json.dumps({k: v for k, v in error.items() if k != "requestId"}).encode()
        return InvocationResult(request_id, body, error, logs, duration, self.stream)

    def initialize(self) -> float:
        """Run the init phase now (a warm start); its seconds. EngineError if it failed or
        outlasted Lambda's init limit (the worker is then killed)."""
        assert self.process.stdin is not None
        started = time.monotonic()
        try:
            self.process.stdin.write(b'{"init_only": true}\n')
            self.process.stdin.flush()
            line = self._read_line(started + INIT_LIMIT)
        except BrokenPipeError:
            line = None
        if line is None:
            self.kill()
            raise EngineError(
                f"{self.spec.name}: the init phase did not end within {INIT_LIMIT:.0f} s"
            )
        answer = json.loads(line)
        self.fresh = False
        if answer.get("error"):
            # As on Lambda, a failed init is not kept: the next request starts afresh.
            self.kill()
            error = answer["error"]
            raise EngineError(f"{self.spec.name}: {error['errorType']}: {error['errorMessage']}")
        return float(answer["init"])

    def _read_line(self, deadline: float) -> bytes | None:
        """The worker's next answer, reading its output meanwhile so it never blocks on it."""
        fd = self.replies.fileno()
        # Whether the last look at the pipes found the output pipe empty: the worker writes
        # its output before its answer, so a look that sees the answer and no output leaves
        # nothing for run() to drain (a read that finds nothing costs ~15 us in the server).
        self._output_quiet = False
        while b"\n" not in self._buffer:
            remaining = _seconds_until(deadline)
            if remaining is not None and remaining <= 0:
                return None
            watched = [fd] if self.output.closed else [fd, self.output.fd]
            ready, _, _ = select.select(watched, [], [], remaining)
            self._output_quiet = self.output.fd not in ready
            if not self._output_quiet:
                self.output.drain()
            if fd not in ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _answer_calls(self, requests: int, answers: int) -> None:
        """Answer the handler's AWS calls, one frame each way, until the worker goes away.

        The thread owns both pipe ends and closes them when the worker closes its side (it
        exited or was killed, or broke off in the middle of a frame), so no descriptor is
        closed under a blocked read.
        """
        assert self.call_handler is not None
        stream = os.fdopen(requests, "rb")
        try:
            while (call := callframe.read_call(stream)) is not None:
                callframe.write(answers, self._answer(call))
        except (OSError, callframe.FrameError):
            pass  # the worker is gone mid-call or mid-answer
        finally:
            stream.close()
            with contextlib.suppress(OSError):
                os.close(answers)

    def _answer(self, call: callframe.Call) -> list[bytes]:
        """The framed answer to ``call``."""
        assert self.call_handler is not None
        try:
            return callframe.answer_frame(self.call_handler(call))
        except Exception as exc:  # the gateway failed: the handler sees a server error
            message = json.dumps({"message": f"local cloud error: {exc}"}).encode()
            answer = callframe.Answer(500, [("Content-Type", "application/json")], message)
            return callframe.answer_frame(answer)

    def kill(self) -> None:
        """Kill the process; its files stay open until close() so its logs can be read."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.close()

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        with contextlib.suppress(OSError):
            self.replies.close()
        if self.output.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.output.fd)
            self.output.fd = -1


@dataclass
class _Pool:
    spec: FunctionSpec
    idle: list[Worker] = field(default_factory=list)
    busy: int = 0
    code_stamp: float = 0.0
    code_checked: float = 0.0


class Executor:
    """Runs invocations in warm workers, per function, with Lambda's concurrency rules."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        max_concurrency: int,
        direct_calls: bool = True,
        idle_timeout: float = 300.0,
        python: str = sys.executable,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.python = python
        # How many environments a function without reserved concurrency may run at once here.
        self.max_concurrency = max_concurrency
        self.direct_calls = direct_calls
        # Seconds an environment may sit unused before its process is ended (AWS reclaims
        # idle environments too); the function's next invoke then starts a new one.
        self.idle_timeout = idle_timeout
        self.call_handler: CallHandler | None = None
        self._pools: dict[str, _Pool] = {}
        # Invocations running per function, all its versions' pools together: what throttles.
        self._running: dict[str, int] = {}
        # Functions in debug mode, to the port their worker's debugger listens on, and the
        # workers started so, busy or idle, to end them when debug mode ends.
        self._debug_ports: dict[str, int] = {}
        self._debug_workers: set[Worker] = set()
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        # Invocations waiting for an environment, per function (any of its versions): a freed
        # slot wakes one of the function's waiters, not every waiting thread of every function.
        self._waiting: dict[str, threading.Condition] = {}
        self._closed = False
        self._stopping = threading.Event()
        threading.Thread(target=self._reclaim_idle, name="idle-workers", daemon=True).start()

    def connect_calls(self, handler: CallHandler) -> None:
        """Answer handlers' AWS calls with ``handler`` (the gateway's pipe door), not HTTP.

        Set after construction because the gateway is built on the invoker, which runs on this
        executor: the one cycle in the object graph, closed here explicitly.
        """
        self.call_handler = handler

    def invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        request_id: str,
        trace_header: str = "",
        wait: bool = True,
    ) -> InvocationResult:
        """Run one invocation. Without a free environment: wait, or raise ThrottledError.

        Functions with reserved concurrency throttle beyond it, as on AWS; others wait for a
        free environment of the local cap (``wait=False`` throttles instead).
        """
        port = self._debug_ports.get(spec.name)
        if port != spec.debug_port:
            spec = replace(spec, debug_port=port)
        worker = self._acquire(spec, wait)
        try:
            return worker.run(payload, request_id, trace_header)
        finally:
            self._release(spec, worker)

    def _acquire(self, spec: FunctionSpec, wait: bool, provisioned: bool = False) -> Worker:
        limit = spec.reserved_concurrency
        cap = limit if limit is not None else self.max_concurrency
        if spec.debug_port is not None:
            cap = 1  # one environment, so the breakpoint pauses the one the IDE attached to
        with self._cond:
            pool = self._pools.get(spec.pool)
            # The catalog hands out the same spec while the configuration is unchanged: the
            # identity test spares comparing every field on each invocation.
            if pool is None or (pool.spec is not spec and pool.spec != spec):
                if pool is not None:
                    self._retire(pool.idle)
                pool = self._pools[spec.pool] = _Pool(spec, busy=pool.busy if pool else 0)
            self._check_code(pool)
            while self._running.get(spec.name, 0) >= cap:
                if limit is not None or not wait:
                    raise ThrottledError(spec.name, cap)
                self._waiters(spec.name).wait()
                pool = self._pools.setdefault(spec.pool, pool)
            self._running[spec.name] = self._running.get(spec.name, 0) + 1
            pool.busy += 1
            while pool.idle and not provisioned:
                worker = pool.idle.pop()
                if worker.alive() and worker.fingerprint == spec.fingerprint:
                    return worker
                worker.kill()
                worker.close()
        try:
            calls = self.call_handler if self.direct_calls else None
            worker = Worker(spec, self.endpoint_url, self.python, calls, provisioned)
            if spec.debug_port is not None:
                self._track_debug_worker(worker)
            return worker
        except BaseException:
            with self._cond:
                pool.busy -= 1
                self._finished(spec.name)
            raise

    def _waiters(self, name: str) -> threading.Condition:
        """The function's waiting line (on the executor's lock, which the caller holds)."""
        line = self._waiting.get(name)
        if line is None:
            line = self._waiting[name] = threading.Condition(self._lock)
        return line

    def warm(self, spec: FunctionSpec) -> float | None:
        """Give the function one environment with its init phase done, ahead of traffic.

        Returns the init's seconds, or None when an idle environment of this configuration is
        already there. The environment counts against the function's concurrency while it
        initializes; EngineError when the init failed (an import error, say).
        """
        with self._cond:
            if spec.name in self._debug_ports:
                # Its one environment starts under the debugger, for the IDE, at the next invoke.
                return None
            pool = self._pools.get(spec.pool)
            idle = pool.idle if pool is not None and pool.spec == spec else []
            if any(w.alive() and w.fingerprint == spec.fingerprint for w in idle):
                return None
        worker = self._acquire(spec, wait=False, provisioned=True)
        try:
            return worker.initialize()
        finally:
            self._release(spec, worker)

    def _finished(self, name: str) -> None:
        """One invocation of function ``name`` ended: a waiter may take the freed slot (the
        caller holds the lock)."""
        left = self._running.get(name, 0) - 1
        if left > 0:
            self._running[name] = left
        else:
            self._running.pop(name, None)
        self._waiters(name).notify()

    def _release(self, spec: FunctionSpec, worker: Worker) -> None:
        with self._cond:
            self._finished(spec.name)
            pool = self._pools.get(spec.pool)
            if pool is not None:
                pool.busy -= 1
                keep = (worker.answered or worker.alive()) and not self._closed
                if keep and worker.fingerprint == pool.spec.fingerprint:
                    worker.idle_since = time.monotonic()
                    pool.idle.append(worker)
                    return
        if worker.alive():
            worker.stop()
        else:
            worker.close()

    def _reclaim_idle(self) -> None:
        """End the environments left unused for ``idle_timeout`` seconds, until close()."""
        # Looked at often enough that an environment outlives its idle time by at most a
        # quarter of it (or a second), whatever the setting is now.
        while not self._stopping.wait(min(1.0, max(0.05, self.idle_timeout / 4))):
            expired: list[Worker] = []
            now = time.monotonic()
            with self._cond:
                for pool in self._pools.values():
                    # A debugged worker stays: the IDE attached to it would be cut off.
                    stale = [
                        w
                        for w in pool.idle
                        if now - w.idle_since >= self.idle_timeout and w.spec.debug_port is None
                    ]
                    if stale:
                        pool.idle = [w for w in pool.idle if w not in stale]
                        expired += stale
            # Each stops on a thread of its own: a worker slow to exit (up to 2 s before it is
            # killed) must not hold back the others, nor the next look at the pools.
            self._retire(expired)

    def _check_code(self, pool: _Pool) -> None:
        now = time.monotonic()
        if now - pool.code_checked < CODE_CHECK_INTERVAL:
            return
        pool.code_checked = now
        stamp = max((_newest_mtime(Path(p)) for p in pool.spec.code_paths), default=0.0)
        if pool.code_stamp and stamp != pool.code_stamp:
            self._retire(pool.idle)
            pool.idle = []
        pool.code_stamp = stamp

    def _retire(self, workers: list[Worker]) -> None:
        for worker in workers:
            threading.Thread(target=worker.stop, daemon=True).start()

    def forget(self, name: str) -> None:
        """Retire a function's environments (it was deleted or redeployed)."""
        with self._cond:
            keys = [key for key in self._pools if key == name or key.startswith(f"{name}:")]
            pools = [self._pools.pop(key) for key in keys]
        for pool in pools:
            for worker in pool.idle:
                worker.stop()

    def idle(self, name: str) -> int:
        """How many environments of the function wait for work."""
        with self._cond:
            pool = self._pools.get(name)
            return len(pool.idle) if pool else 0

    def debug(self, name: str, port: int) -> int | None:
        """Put a function in debug mode on ``port``; the port it was on before, or None.

        Its warm environments are retired, so the next invocation starts a worker under
        debugpy. DebugPortError when another function's debugger has the port.
        """
        with self._cond:
            for other, taken in self._debug_ports.items():
                if taken == port and other != name:
                    raise DebugPortError(port, other)
            previous = self._debug_ports.get(name)
            self._debug_ports[name] = port
            pool = self._pools.get(name)
            idle: list[Worker] = []
            # The same mode again keeps the worker an IDE may be attached to.
            if pool is not None and previous != port:
                idle, pool.idle = pool.idle, []
        if previous != port:
            self._end_debug_workers(name)
            self._retire(idle)
        return previous

    def undebug(self, name: str) -> int | None:
        """Leave debug mode; the port it was on, or None if it was not in debug mode.

        Its debugged worker is ended even mid-invocation (waiting for an IDE that never came,
        or paused): that invocation fails with Runtime.ExitError.
        """
        with self._cond:
            previous = self._debug_ports.pop(name, None)
        if previous is not None:
            self._end_debug_workers(name)
        return previous

    def debugging(self) -> dict[str, int]:
        """The functions in debug mode, to the port each one's debugger listens on."""
        with self._cond:
            return dict(self._debug_ports)

    def _track_debug_worker(self, worker: Worker) -> None:
        with self._cond:
            self._debug_workers = {w for w in self._debug_workers if w.alive()}
            if self._debug_ports.get(worker.spec.name) == worker.spec.debug_port:
                self._debug_workers.add(worker)
                return
        # Debug mode ended or moved while this worker started: it would wait for nobody.
        _end_debugged(worker)

    def _end_debug_workers(self, name: str) -> None:
        """Kill the function's debugged workers; their invocations, if any, end as failed."""
        with self._cond:
            ending = {w for w in self._debug_workers if w.spec.name == name}
            self._debug_workers -= ending
        for worker in ending:
            _end_debugged(worker)

    def reset(self) -> None:
        """Retire every function's environments (every function was deleted at once).

        Idle workers stop in the background; busy ones stop when their invocation returns, as
        their function no longer has a pool to go back to.
        """
        with self._cond:
            pools = list(self._pools.values())
            self._pools.clear()
            self._cond.notify_all()  # a waiter for a slot takes a fresh pool
        self._retire([worker for pool in pools for worker in pool.idle])

    def running(self, name: str) -> int:
        with self._cond:
            pool = self._pools.get(name)
            return pool.busy if pool else 0

    def close(self) -> None:
        self._stopping.set()
        with self._cond:
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
            debugged, self._debug_workers = self._debug_workers, set()
        # A worker paused at a breakpoint, or waiting for an IDE, would never read its input.
        for worker in debugged:
            _end_debugged(worker)
        workers = [worker for pool in pools for worker in pool.idle]
        for worker in workers:  # end of input: every worker exits at once, in parallel
            if worker.process.stdin is not None:
                with contextlib.suppress(OSError):
                    worker.process.stdin.close()
        for worker in workers:
            worker.stop()


def _exit_status(code: int) -> str:
    """How Lambda describes a runtime's end: an exit status, or the signal that ended it."""
    if code >= 0:
        return f"exit status {code}"
    try:
        name = SIGNAL_NAMES.get(signal.Signals(-code), signal.Signals(-code).name)
    except ValueError:
        name = str(-code)
    return f"signal: {name}"


def _end_debugged(worker: Worker) -> None:
    """End a debugged worker by SIGTERM: its invocation then fails as Runtime.ExitError
    ("signal: terminated"), where SIGKILL would read as running out of memory."""
    with contextlib.suppress(ProcessLookupError):
        worker.process.terminate()
    try:
        worker.process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        worker.kill()


def _seconds_until(deadline: float) -> float | None:
    """Seconds from now to a monotonic ``deadline`` (at least 0); None for no deadline."""
    if math.isinf(deadline):
        return None
    return max(0.0, deadline - time.monotonic())


def _newest_mtime(root: Path) -> float:
    newest = 0.0
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__" and not entry.name.startswith("."):
                    stack.append(Path(entry.path))
            elif entry.name.endswith(".py"):
                newest = max(newest, entry.stat().st_mtime)
    return newest


@functools.cache
def _debugpy_path() -> str:
    """A folder holding only debugpy (a link to it), for a worker in debug mode.

    Not debugpy's own site-packages: that would put the whole local cloud on the handler's path.
    "" when debugpy is not installed (the worker then says how to install it).
    """
    spec = importlib.util.find_spec("debugpy")
    if spec is None or not spec.submodule_search_locations:
        return ""
    folder = Path(tempfile.mkdtemp(prefix="localcloud-debugpy-"))
    (folder / "debugpy").symlink_to(next(iter(spec.submodule_search_locations)))
    return str(folder)
