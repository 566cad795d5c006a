"""Warm worker processes per function: the Lambda execution environments of the local cloud.

Each function gets a pool of worker processes (engine/worker.py), created on first use and reused.
A worker is replaced when the function's configuration or code changes, when it exceeds the
function's timeout (it is killed: `Task timed out after N.NN seconds`) and when it crashes.
Concurrency per function is capped by its reserved concurrency, or by a local default.
``warm(spec)`` starts an environment ahead of the first request and runs its init phase (the
handler's imports), as provisioned concurrency does; it then waits in the pool like any other.

Once calls are connected (``connect_calls``, to the gateway's pipe door), each worker also gets
a pair of call pipes: the AWS calls its handler makes to the local cloud arrive on them and are
answered by a thread of the worker's own, so the invocation's timeout runs as usual while a call
blocks (a long poll, a synchronous invoke). worker.py says how the worker side works.
``direct_calls=False`` (``LOCALCLOUD_DIRECT_CALLS=0``) sends them over HTTP instead.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from localcloud.engine.errors import EngineError, ThrottledError

# Edits under a function's code folder are looked for at most this often (seconds).
CODE_CHECK_INTERVAL = 0.5
LOG_TAIL_BYTES = 4096
WORKER_SCRIPT = str(Path(__file__).with_name("worker.py"))
INIT_LIMIT = 10.0  # seconds Lambda gives a function's init phase, apart from its timeout
# A call from a handler, {"method", "url", "headers": [[k, v]], "body": base64}, to its answer
# {"status", "headers", "body"} in the same form.
CallHandler = Callable[[dict[str, Any]], dict[str, Any]]


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

    @property
    def failed(self) -> bool:
        return self.error is not None

    def log_tail(self) -> str:
        text = self.full_log or self.logs
        return text.encode()[-LOG_TAIL_BYTES:].decode(errors="replace")


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
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        self.fresh = True
        read_fd, write_fd = os.pipe()
        env = {
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
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": self.stream,
            # Lambda's own signal to code that may prepare more at init (clients, say) when
            # the environment is made ahead of traffic.
            "AWS_LAMBDA_INITIALIZATION_TYPE": (
                "provisioned-concurrency" if provisioned else "on-demand"
            ),
            "LAMBDA_TASK_ROOT": spec.code_paths[0] if spec.code_paths else "",
            "_HANDLER": spec.handler,
            "LOCALCLOUD_REPLY_FD": str(write_fd),
            "LOCALCLOUD_CODE_PATHS": os.pathsep.join(spec.code_paths),
            **spec.environment,
        }
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
        self.process = subprocess.Popen(
            # By path, not `-m localcloud.engine.worker`: importing the package would pull in
            # moto (~375 ms) before every cold start.
            [python, WORKER_SCRIPT],
            stdin=subprocess.PIPE,
            stdout=self.log,
            stderr=self.log,
            env=env,
            pass_fds=tuple(passed),
            cwd=spec.code_paths[0] if spec.code_paths else None,
        )
        for fd in passed:  # the worker's ends
            os.close(fd)
        if calls is not None:
            threading.Thread(
                target=self._answer_calls,
                args=calls,
                name=f"calls-{spec.name}",
                daemon=True,
            ).start()
        self.replies = os.fdopen(read_fd, "rb")
        self._buffer = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, payload: bytes, request_id: str, trace_header: str) -> InvocationResult:
        started = time.monotonic()
        deadline = time.time() + self.spec.timeout
        log_start = self.log.seek(0, os.SEEK_END)
        request = {
            "request_id": request_id,
            "payload": payload.decode() if payload else "",
            "trace_header": trace_header,
            "invoked_function_arn": self.spec.arn,
            "deadline": deadline,
        }
        error: dict[str, Any] | None = None
        body = b""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            # A new environment first runs its init phase, which Lambda limits apart from the
            # timeout: the worker says when init is over and the timeout starts from there.
            deadline_at = started + self.spec.timeout + (INIT_LIMIT if self.fresh else 0.0)
            line = self._read_line(deadline_at)
            if line is not None and line.startswith(b'{"init"'):
                deadline_at = time.monotonic() + self.spec.timeout
                line = self._read_line(deadline_at)
        except BrokenPipeError:
            line = None
            deadline_at = started + self.spec.timeout
        # No answer before the deadline is a timeout. An early end of the reply pipe means the
        # process is exiting (it may not be reaped yet, so alive() alone cannot tell).
        timed_out = line is None and time.monotonic() >= deadline_at
        if line is None and not timed_out:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=max(0.0, deadline_at - time.monotonic()))
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
            error = {
                "errorType": "Runtime.ExitError",
                "errorMessage": (
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
                ),
            }
        else:
            answer = json.loads(line)
            if answer["ok"]:
                body = answer["payload"].encode()
            else:
                error = answer["error"]
                error["requestId"] = request_id
        duration = (time.monotonic() - started) * 1000
        self.log.seek(log_start)
        logs = self.log.read().decode(errors="replace")
        self.fresh = False
        if error is not None and error["errorType"] in ("Sandbox.Timedout", "Runtime.ExitError"):
            logs += f"{error['errorMessage']}\n"
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
        fd = self.replies.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _answer_calls(self, requests: int, answers_fd: int) -> None:
        """Answer the handler's AWS calls, one line each way, until the worker goes away.

        The thread owns both pipe ends and closes them when the worker closes its side (it
        exited or was killed), so no descriptor is closed under a blocked read.
        """
        assert self.call_handler is not None
        answers = os.fdopen(answers_fd, "wb")
        buffer = b""
        try:
            while chunk := os.read(requests, 1 << 20):
                buffer += chunk
                while b"\n" in buffer:
                    line, _, buffer = buffer.partition(b"\n")
                    answers.write(json.dumps(self._answer(line)).encode() + b"\n")
                    answers.flush()
        except OSError:
            pass  # the worker is gone mid-answer
        finally:
            os.close(requests)
            with contextlib.suppress(OSError):
                answers.close()

    def _answer(self, line: bytes) -> dict[str, Any]:
        assert self.call_handler is not None
        try:
            return self.call_handler(json.loads(line))
        except Exception as exc:  # the gateway failed: the handler sees a server error
            message = json.dumps({"message": f"local cloud error: {exc}"}).encode()
            return {
                "status": 500,
                "headers": [["Content-Type", "application/json"]],
                "body": base64.b64encode(message).decode(),
            }

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
        with contextlib.suppress(OSError):
            self.log.close()


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
        python: str = sys.executable,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.python = python
        # How many environments a function without reserved concurrency may run at once here.
        self.max_concurrency = max_concurrency
        self.direct_calls = direct_calls
        self.call_handler: CallHandler | None = None
        self._pools: dict[str, _Pool] = {}
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        # Invocations waiting for an environment, per function: a freed slot wakes one of the
        # function's waiters, not every waiting thread of every function.
        self._waiting: dict[str, threading.Condition] = {}
        self._closed = False

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
        worker = self._acquire(spec, wait)
        try:
            return worker.run(payload, request_id, trace_header)
        finally:
            self._release(spec.name, worker)

    def _acquire(self, spec: FunctionSpec, wait: bool, provisioned: bool = False) -> Worker:
        limit = spec.reserved_concurrency
        cap = limit if limit is not None else self.max_concurrency
        with self._cond:
            pool = self._pools.get(spec.name)
            if pool is None or pool.spec != spec:
                if pool is not None:
                    self._retire(pool.idle)
                pool = self._pools[spec.name] = _Pool(spec, busy=pool.busy if pool else 0)
            self._check_code(pool)
            while pool.busy >= cap:
                if limit is not None or not wait:
                    raise ThrottledError(spec.name, cap)
                self._waiters(spec.name).wait()
                pool = self._pools.setdefault(spec.name, pool)
            pool.busy += 1
            while pool.idle and not provisioned:
                worker = pool.idle.pop()
                if worker.alive() and worker.fingerprint == spec.fingerprint:
                    return worker
                worker.kill()
                worker.close()
        try:
            calls = self.call_handler if self.direct_calls else None
            return Worker(spec, self.endpoint_url, self.python, calls, provisioned)
        except BaseException:
            with self._cond:
                pool.busy -= 1
                self._waiters(spec.name).notify()
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
            pool = self._pools.get(spec.name)
            idle = pool.idle if pool is not None and pool.spec == spec else []
            if any(w.alive() and w.fingerprint == spec.fingerprint for w in idle):
                return None
        worker = self._acquire(spec, wait=False, provisioned=True)
        try:
            return worker.initialize()
        finally:
            self._release(spec.name, worker)

    def _release(self, name: str, worker: Worker) -> None:
        with self._cond:
            self._waiters(name).notify()  # a waiter may take the freed slot
            pool = self._pools.get(name)
            if pool is not None:
                pool.busy -= 1
                keep = worker.alive() and not self._closed
                if keep and worker.fingerprint == pool.spec.fingerprint:
                    pool.idle.append(worker)
                    return
        if worker.alive():
            worker.stop()
        else:
            worker.close()

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
            pool = self._pools.pop(name, None)
        if pool is not None:
            for worker in pool.idle:
                worker.stop()

    def idle(self, name: str) -> int:
        """How many environments of the function wait for work."""
        with self._cond:
            pool = self._pools.get(name)
            return len(pool.idle) if pool else 0

    def running(self, name: str) -> int:
        with self._cond:
            pool = self._pools.get(name)
            return pool.busy if pool else 0

    def close(self) -> None:
        with self._cond:
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
        workers = [worker for pool in pools for worker in pool.idle]
        for worker in workers:  # end of input: every worker exits at once, in parallel
            if worker.process.stdin is not None:
                with contextlib.suppress(OSError):
                    worker.process.stdin.close()
        for worker in workers:
            worker.stop()


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
