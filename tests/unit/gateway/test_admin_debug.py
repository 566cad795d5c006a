"""/_localcloud/debug: what it accepts, what it refuses, and what it answers, with a fake in place
of the engine's debug mode (no server, no workers)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

from localcloud.engine.errors import DebugPortError, FunctionNotFoundError
from localcloud.gateway import ServerInfo
from localcloud.gateway.admin import Admin
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response
from localcloud.trace import TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)


@dataclass
class State:
    function: str
    port: int | None
    previous: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FakeDebugging:
    """Debug mode as a table, refusing what the engine refuses."""

    ports: dict[str, int] = field(default_factory=dict)
    deployed: tuple[str, ...] = ("orders",)

    def start(self, function: str, port: int, *, deployed: bool = True) -> State:
        if function not in self.deployed:
            raise FunctionNotFoundError(function)
        for other, taken in self.ports.items():
            if taken == port and other != function:
                raise DebugPortError(port, other)
        previous = self.ports.get(function)
        self.ports[function] = port
        return State(function, port, previous)

    def stop(self, function: str) -> State:
        return State(function, None, self.ports.pop(function, None))

    def functions(self) -> dict[str, int]:
        return dict(self.ports)


def call(
    admin: Admin, method: str, body: Any = None, content_type: str | None = "application/json"
) -> tuple[int, dict[str, Any]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": content_type} if content_type else {}
    request = AwsRequest.parse(
        method=method,
        path="/_localcloud/debug",
        query="",
        headers=headers,
        body=raw if body is not None else b"",
        default_region="us-east-1",
    )
    response: Response = admin.answer(request)
    return response.status, json.loads(response.body)


@pytest.fixture
def debugging() -> FakeDebugging:
    return FakeDebugging()


@pytest.fixture
def admin(debugging: FakeDebugging) -> Admin:
    return Admin(TraceStore(10, 10), INFO, debugging)


def test_post_starts_debug_mode_and_answers_the_state_with_the_previous_port(
    admin: Admin, debugging: FakeDebugging
) -> None:
    first = call(admin, "POST", {"function": "orders", "port": 5678})
    again = call(admin, "POST", {"function": "orders", "port": 5679})

    assert first == (200, {"function": "orders", "port": 5678, "previous": None})
    assert again == (200, {"function": "orders", "port": 5679, "previous": 5678})
    assert call(admin, "GET") == (200, {"functions": {"orders": 5679}})


def test_post_with_a_null_port_leaves_debug_mode(admin: Admin, debugging: FakeDebugging) -> None:
    debugging.ports["orders"] = 5678

    status, state = call(admin, "POST", {"function": "orders", "port": None})

    assert (status, state["port"], state["previous"]) == (200, None, 5678)
    assert debugging.ports == {}


@pytest.mark.parametrize(
    "content_type", [None, "application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
def test_a_body_that_is_not_json_typed_is_refused_before_anything_changes(
    admin: Admin, debugging: FakeDebugging, content_type: str | None
) -> None:
    # What a web page can send cross-origin without a preflight (or a bare client) changes nothing.
    status, answer = call(
        admin, "POST", {"function": "orders", "port": 5678}, content_type=content_type
    )

    assert status == 415
    assert "application/json" in answer["message"]
    assert debugging.ports == {}


def test_a_json_type_with_a_charset_is_json(admin: Admin) -> None:
    status, _ = call(
        admin,
        "POST",
        {"function": "orders", "port": 5678},
        content_type="application/json; charset=utf-8",
    )
    assert status == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"{not json", "not JSON"),
        ([1, 2], "expected"),
        ({"port": 5678}, "function is None"),
        ({"function": "orders", "port": "5678"}, "port is '5678'"),
        ({"function": "orders", "port": 80}, "port is 80"),
        ({"function": "orders", "port": 70000}, "port is 70000"),
        ({"function": "orders", "port": True}, "port is True"),
    ],
)
def test_a_malformed_request_is_a_400_saying_what_was_expected(
    admin: Admin, debugging: FakeDebugging, body: Any, named: str
) -> None:
    status, answer = call(admin, "POST", body)

    assert status == 400
    assert named in answer["message"]
    assert '{"function": NAME, "port": 1024-65535 or null}' in answer["message"]
    assert debugging.ports == {}


def test_an_unknown_function_is_a_404_and_a_taken_port_a_409(
    admin: Admin, debugging: FakeDebugging
) -> None:
    debugging.deployed = ("orders", "billing")
    debugging.ports["billing"] = 5678

    unknown = call(admin, "POST", {"function": "nope", "port": 5679})
    taken = call(admin, "POST", {"function": "orders", "port": 5678})

    assert unknown[0] == 404 and "nope" in unknown[1]["message"]
    assert taken[0] == 409 and "billing" in taken[1]["message"]
    assert debugging.ports == {"billing": 5678}


def test_other_methods_are_refused_with_the_allowed_ones(admin: Admin) -> None:
    status, answer = call(admin, "DELETE", {"function": "orders", "port": None})
    assert status == 405
    assert "GET or POST" in answer["message"]


def test_without_debug_mode_wired_the_endpoint_says_so() -> None:
    admin = Admin(TraceStore(10, 10), INFO)
    status, answer = call(admin, "GET")
    assert (status, answer["message"]) == (404, "debug mode is not available here")
