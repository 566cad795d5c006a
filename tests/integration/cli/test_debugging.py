"""Debug mode: a DAP client attaches to a function's worker as an IDE would, a breakpoint in the
handler is hit, and the invocation then finishes with the handler's result; the timeout waits.

The client (dap_client.py) speaks the Debug Adapter Protocol that VS Code and PyCharm speak to
debugpy. Every wait is bounded; a test that fails leaves debug mode, which ends the worker.
"""

from __future__ import annotations

import json
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from cli_support import free_port, poll, role_arn, unique, zipped
from dap_client import DapClient

from localcloud import clients
from localcloud.admin_client import AdminClient
from localcloud.cli import main

pytestmark = pytest.mark.integration

CODE_PATH_TAG = "localcloud:code-path"  # as the deployer tags functions with local code
HANDLER = """\
def handler(event, context):
    doubled = event["n"] * 2
    return {"doubled": doubled}
"""
BREAKPOINT_LINE = 3  # the return: `doubled` is set by then
TIMEOUT_S = 1  # the function's timeout, which a paused breakpoint outlasts
LOCALCLOUD = Path(sys.executable).with_name("localcloud")


@pytest.fixture
def local_function(localcloud: Any, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A function whose code is a local folder (as `localcloud deploy` tags it): (name, file)."""
    source = tmp_path / "handler.py"
    source.write_text(HANDLER)
    name = unique("debugged")
    lam = localcloud.client("lambda")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn(localcloud),
        Handler="handler.handler",
        Code={"ZipFile": zipped(HANDLER)},
        Timeout=TIMEOUT_S,
        Tags={CODE_PATH_TAG: str(tmp_path)},
    )
    yield name, source
    localcloud.running().debugging.stop(name)
    lam.delete_function(FunctionName=name)


def test_invoke_debug_stops_at_a_breakpoint_then_returns_the_handlers_result(
    localcloud: Any, local_function: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    name, source = local_function
    port = free_port()
    event = source.parent / "event.json"
    event.write_text(json.dumps({"n": 21}))
    outcome: dict[str, int] = {}
    capsys.readouterr()

    # WHEN `localcloud invoke FUNCTION --debug PORT` runs (it blocks until the handler returns)
    invoke = threading.Thread(
        target=lambda: outcome.setdefault(
            "code",
            main(
                [
                    "invoke",
                    name,
                    "--event",
                    str(event),
                    "--debug",
                    str(port),
                    "--endpoint",
                    localcloud.endpoint_url,
                ]
            ),
        ),
        daemon=True,
    )
    invoke.start()
    # AND an IDE attaches with a breakpoint in the handler's own file
    dap = DapClient(port)
    try:
        verified = dap.attach({str(source): [BREAKPOINT_LINE]})
        stopped = dap.event("stopped")

        # THEN the handler stops there, with its locals
        assert verified == {str(source): [True]}
        assert stopped["body"]["reason"] == "breakpoint"
        frame = dap.top_frame(stopped["body"]["threadId"])
        assert (frame["source"]["path"], frame["line"]) == (str(source), BREAKPOINT_LINE)
        assert dap.evaluate("doubled", frame["id"]) == "42"
        # AND stays stopped past the function's timeout: nothing kills a paused worker
        time.sleep(TIMEOUT_S + 0.5)
        assert invoke.is_alive()

        dap.request("continue", threadId=stopped["body"]["threadId"])
        invoke.join(timeout=30)
    finally:
        dap.close()
    assert not invoke.is_alive(), "the invocation did not finish once continued"

    # AND the invocation finishes with the handler's result
    out, err = capsys.readouterr()
    assert outcome["code"] == 0
    assert json.loads(out) == {"doubled": 42}
    assert f"waiting for a debugger on 127.0.0.1:{port}" in err
    assert f"the handler runs from {source.parent}" in err
    # AND debug mode is as it was before: off
    assert name not in localcloud.running().debugging.functions()


def test_leaving_debug_mode_ends_a_worker_still_waiting_for_a_debugger(
    localcloud: Any, local_function: tuple[str, Path]
) -> None:
    name, _ = local_function
    port = free_port()
    admin = AdminClient(localcloud.endpoint_url)
    lam = localcloud.client("lambda")
    results: list[dict[str, Any]] = []

    # GIVEN the function in debug mode over the cloud's API, and an invocation waiting for an IDE
    state = admin.debug(name, port)
    assert (state["port"], state["previous"], state["local_code"]) == (port, None, True)
    invocation = threading.Thread(
        target=lambda: results.append(lam.invoke(FunctionName=name, Payload=b'{"n": 1}')),
        daemon=True,
    )
    invocation.start()
    poll(lambda: _listening(port), 30, f"a worker listening on {port}")

    # WHEN debug mode ends before anyone attached
    assert admin.debug(name, None)["previous"] == port
    invocation.join(timeout=30)

    # THEN the waiting worker is ended: the invocation fails instead of waiting forever
    assert not invocation.is_alive()
    assert results[0]["FunctionError"] == "Unhandled"
    error = json.loads(results[0]["Payload"].read())
    assert error["errorType"] == "Runtime.ExitError"  # not read as running out of memory
    assert error["errorMessage"].endswith("Runtime exited with error: signal: terminated")
    poll(lambda: not _listening(port), 10, f"port {port} to be released")
    # AND the next invocation runs as usual, without a debugger
    answer = lam.invoke(FunctionName=name, Payload=b'{"n": 2}')
    assert json.loads(answer["Payload"].read()) == {"doubled": 4}


def test_debug_mode_of_zipped_code_names_the_folder_breakpoints_must_use(
    localcloud: Any,
) -> None:
    name = unique("debugged-zip")
    lam = localcloud.client("lambda")
    lam.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role_arn(localcloud),
        Handler="handler.handler",
        Code={"ZipFile": zipped(HANDLER)},
        Timeout=TIMEOUT_S,
    )
    port = free_port()
    results: list[dict[str, Any]] = []
    try:
        state = AdminClient(localcloud.endpoint_url).debug(name, port)
        assert state["local_code"] is False
        extracted = Path(state["code_path"]) / "handler.py"
        assert extracted.read_text() == HANDLER
        invocation = threading.Thread(
            target=lambda: results.append(lam.invoke(FunctionName=name, Payload=b'{"n": 5}')),
            daemon=True,
        )
        invocation.start()
        dap = DapClient(port)
        try:
            dap.attach({str(extracted): [BREAKPOINT_LINE]})
            stopped = dap.event("stopped")
            frame = dap.top_frame(stopped["body"]["threadId"])
            assert (frame["source"]["path"], frame["line"]) == (str(extracted), BREAKPOINT_LINE)
            dap.request("continue", threadId=stopped["body"]["threadId"])
            invocation.join(timeout=30)
        finally:
            dap.close()
        assert json.loads(results[0]["Payload"].read()) == {"doubled": 10}
    finally:
        localcloud.running().debugging.stop(name)
        lam.delete_function(FunctionName=name)


def test_up_debug_keeps_a_function_deployed_later_in_debug_mode(tmp_path: Path) -> None:
    source = tmp_path / "handler.py"
    source.write_text(HANDLER)
    name, port, debug_port = unique("up-debugged"), free_port(), free_port()
    # GIVEN `localcloud up --debug NAME:PORT` for a function not deployed yet
    up = subprocess.Popen(
        [str(LOCALCLOUD), "up", "--port", str(port), "--debug", f"{name}:{debug_port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert up.stdout is not None
        ready = _line(up.stdout, 60)
        assert "ready" in ready, ready
        cloud = _Endpoint(f"http://127.0.0.1:{port}")
        assert AdminClient(cloud.endpoint_url).debugging() == {name: debug_port}
        # WHEN it is deployed (with its code folder) and invoked, and an IDE attaches
        lam = cloud.client("lambda")
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn(cloud),
            Handler="handler.handler",
            Code={"ZipFile": zipped(HANDLER)},
            Timeout=TIMEOUT_S,
            Tags={CODE_PATH_TAG: str(tmp_path)},
        )
        results: list[dict[str, Any]] = []
        invocation = threading.Thread(
            target=lambda: results.append(lam.invoke(FunctionName=name, Payload=b'{"n": 8}')),
            daemon=True,
        )
        invocation.start()
        dap = DapClient(debug_port)
        try:
            dap.attach({str(source): [BREAKPOINT_LINE]})
            stopped = dap.event("stopped")
            # THEN the breakpoint is hit, and the invocation ends with the result once continued
            frame = dap.top_frame(stopped["body"]["threadId"])
            assert dap.evaluate("doubled", frame["id"]) == "16"
            dap.request("continue", threadId=stopped["body"]["threadId"])
            invocation.join(timeout=30)
        finally:
            dap.close()
        assert json.loads(results[0]["Payload"].read()) == {"doubled": 16}
        up.send_signal(signal.SIGINT)
        _, err = up.communicate(timeout=30)
        assert f"{name}: its invocations wait for a debugger on 127.0.0.1:{debug_port}" in err
        assert up.returncode == 0
    finally:
        if up.poll() is None:
            up.kill()
            up.communicate(timeout=30)


class _Endpoint:
    """boto3 clients for a cloud running in another process (as cli_support's helpers expect)."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url

    def client(self, service: str) -> Any:
        return clients.client(service, self.endpoint_url)


def _line(stream: IO[str], timeout: float) -> str:
    """One line from a child's pipe, failing the test instead of hanging past ``timeout``."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError(f"no line from `localcloud up` within {timeout} s")
    return stream.readline()


def _listening(port: int) -> bool:
    """Whether something listens on the port, found by binding it: a connection would count
    as the IDE attaching."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False
