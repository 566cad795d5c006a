"""A minimal Debug Adapter Protocol client, as an IDE attaches to debugpy: for the debug tests.

Messages are JSON bodies behind a ``Content-Length`` header, both ways. Responses and events may
come in any order (debugpy answers ``attach`` before or after ``initialized`` depending on how it
runs), so every message read is kept until a wait asks for it. Every wait has a deadline: a test
waiting for a debugger fails, it never hangs.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

Message = dict[str, Any]


class DapClient:
    """One debug session over a socket to 127.0.0.1:port."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.timeout = timeout
        deadline = time.monotonic() + timeout
        while True:  # the worker listens only once it has started
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"nothing listened for a debugger on 127.0.0.1:{port} within {timeout} s"
                    ) from None
                time.sleep(0.1)
        self._buffer = b""
        self._seq = 0
        self._unclaimed: list[Message] = []

    def send(self, command: str, **arguments: Any) -> int:
        """Send a request; its sequence number, which its response names."""
        self._seq += 1
        body = json.dumps(
            {"seq": self._seq, "type": "request", "command": command, "arguments": arguments}
        ).encode()
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return self._seq

    def request(self, command: str, **arguments: Any) -> Message:
        """Send a request and wait for its response; AssertionError when it failed."""
        seq = self.send(command, **arguments)
        response = self.wait(lambda m: m["type"] == "response" and m["request_seq"] == seq)
        assert response["success"], f"{command} failed: {response.get('message')}"
        return response

    def event(self, name: str) -> Message:
        """Wait for the next event called ``name``."""
        return self.wait(lambda m: m["type"] == "event" and m["event"] == name)

    def wait(self, wanted: Callable[[Message], bool]) -> Message:
        for index, message in enumerate(self._unclaimed):
            if wanted(message):
                return self._unclaimed.pop(index)
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._read(deadline)
            if wanted(message):
                return message
            self._unclaimed.append(message)

    def _read(self, deadline: float) -> Message:
        while b"\r\n\r\n" not in self._buffer:
            self._receive(deadline)
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(self._buffer) < length:
            self._receive(deadline)
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return dict(json.loads(body))

    def _receive(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"the debugger sent nothing awaited within {self.timeout} s")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise AssertionError(
                f"the debugger sent nothing awaited within {self.timeout} s"
            ) from None
        if not chunk:
            raise AssertionError("the debugger closed the connection")
        self._buffer += chunk

    def attach(self, breakpoints: dict[str, list[int]]) -> dict[str, list[bool]]:
        """initialize, attach, set breakpoints per file, configurationDone (as VS Code does);
        whether each breakpoint was verified, per file."""
        self.request(
            "initialize",
            clientID="localcloud-tests",
            adapterID="debugpy",
            pathFormat="path",
            linesStartAt1=True,
            columnsStartAt1=True,
        )
        attached = self.send("attach", justMyCode=True)
        self.event("initialized")
        verified = {}
        for path, lines in breakpoints.items():
            response = self.request(
                "setBreakpoints",
                source={"path": path},
                breakpoints=[{"line": line} for line in lines],
            )
            verified[path] = [bp["verified"] for bp in response["body"]["breakpoints"]]
        self.request("configurationDone")
        self.wait(lambda m: m["type"] == "response" and m["request_seq"] == attached)
        return verified

    def top_frame(self, thread_id: int) -> Message:
        """The innermost stack frame of a stopped thread (source path, line, id)."""
        frames = self.request("stackTrace", threadId=thread_id, levels=1)["body"]["stackFrames"]
        return dict(frames[0])

    def evaluate(self, expression: str, frame_id: int) -> str:
        """An expression's value in a frame, as the debugger shows it (repr)."""
        body = self.request("evaluate", expression=expression, frameId=frame_id)["body"]
        return str(body["result"])

    def close(self) -> None:
        self.sock.close()
