"""/_localcloud/warm: it takes the functions as JSON (it starts workers, so like every endpoint
that changes state it refuses what a web page's form could send), with a fake in place of the
engine's warmer (no server, no workers)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from localcloud.gateway import ServerInfo
from localcloud.gateway.admin import Admin
from localcloud.gateway.request import AwsRequest
from localcloud.trace import TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)


@dataclass
class Outcome:
    warmed: dict[str, float] = field(default_factory=dict)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeWarmer:
    """Warms every name but ``missing``, once."""

    calls: list[list[str]] = field(default_factory=list)

    def warm(self, names: list[str]) -> Outcome:
        self.calls.append(names)
        return Outcome(
            warmed={n: 0.5 for n in names if n != "missing"},
            failed={n: "no such function" for n in names if n == "missing"},
        )


def call(
    admin: Admin, method: str, body: bytes, content_type: str | None = "application/json"
) -> tuple[int, dict[str, Any]]:
    request = AwsRequest.parse(
        method=method,
        path="/_localcloud/warm",
        query="",
        headers={"content-type": content_type} if content_type else {},
        body=body,
        default_region="us-east-1",
    )
    response = admin.answer(request)
    return response.status, json.loads(response.body)


@pytest.fixture
def warmer() -> FakeWarmer:
    return FakeWarmer()


@pytest.fixture
def admin(warmer: FakeWarmer) -> Admin:
    return Admin(TraceStore(10, 10), INFO, warming=warmer)


def test_post_warms_the_named_functions_and_answers_each_outcome(
    admin: Admin, warmer: FakeWarmer
) -> None:
    status, body = call(admin, "POST", json.dumps({"functions": ["orders", "missing"]}).encode())

    assert status == 200
    assert body == {
        "warmed": {"orders": 0.5},
        "already": [],
        "failed": {"missing": "no such function"},
    }
    assert warmer.calls == [["orders", "missing"]]


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_a_body_a_form_could_send_is_refused_before_anything_starts(
    admin: Admin, warmer: FakeWarmer, content_type: str | None
) -> None:
    status, body = call(admin, "POST", b'{"functions": ["orders"]}', content_type)

    assert status == 415
    assert "JSON body" in body["message"]
    assert warmer.calls == []


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[]",
        b'{"functions": []}',
        b'{"functions": "orders"}',
        b'{"functions": [1]}',
    ],
)
def test_anything_but_a_list_of_names_is_refused(
    admin: Admin, warmer: FakeWarmer, body: bytes
) -> None:
    status, answer = call(admin, "POST", body)

    assert status == 400
    assert '{"functions": [NAME, ...]}' in answer["message"]
    assert warmer.calls == []


def test_get_is_not_allowed_and_no_warmer_is_not_found(warmer: FakeWarmer) -> None:
    assert call(Admin(TraceStore(10, 10), INFO, warming=warmer), "GET", b"")[0] == 405
    assert call(Admin(TraceStore(10, 10), INFO), "POST", b'{"functions": ["orders"]}')[0] == 404
