"""The lean send for standard queues does what moto's send_message does, call for call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.moto_api._internal import mock_random
from moto.sqs.models import SQSBackend, sqs_backends

from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import backends
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.moto_patches.sqs import send_standard

Send = Callable[..., Any]


@pytest.fixture
def backend() -> Iterator[Any]:
    with mock_aws():
        yield sqs_backends[DEFAULT_ACCOUNT]["us-east-1"]


def moto_send(backend: Any, name: str) -> Send:
    def send(body: str, **kwargs: Any) -> Any:
        return SQSBackend.send_message(backend, name, body, **kwargs)

    return send


def lean_send(backend: Any, name: str) -> Send:
    def send(body: str, **kwargs: Any) -> Any:
        return send_standard(
            backend.get_queue(name),
            body,
            kwargs.get("message_attributes"),
            kwargs.get("delay_seconds"),
            kwargs.get("system_attributes"),
        )

    return send


def outcome(send: Send, body: str, **kwargs: Any) -> tuple[str, Any]:
    """What a send gave: the message's fields (times apart) or the error's type and text."""
    mock_random.seed(7)
    try:
        message = send(body, **kwargs)
    except Exception as exc:
        return "error", (type(exc).__name__, getattr(exc, "code", None), str(exc))
    fields = dict(vars(message))
    sent, delayed = fields.pop("sent_timestamp"), fields.pop("delayed_until")
    return "sent", (fields, bool(sent), bool(delayed))


def held(backend: Any, name: str) -> list[tuple[str, str]]:
    return [(m.id, m.body) for m in backend.get_queue(name)._messages]


CASES: list[tuple[str, dict[str, Any]]] = [
    ("plain", {}),
    (
        "with attributes",
        {
            "message_attributes": {"k": {"DataType": "String", "StringValue": "v"}},
            "system_attributes": {
                "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-a-b"}
            },
        },
    ),
    ("delayed", {"delay_seconds": 5}),
    ("delay as text", {"delay_seconds": "3"}),
    ("delay zero", {"delay_seconds": 0}),
    ("delay negative", {"delay_seconds": -1}),
    ("delay too long", {"delay_seconds": 901}),
    ("delay not a number", {"delay_seconds": "soon"}),
]


@pytest.mark.parametrize(("case", "kwargs"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("attributes", [{}, {"DelaySeconds": "4"}], ids=["plain", "delaying"])
def test_standard_send_matches_moto(
    backend: Any, case: str, kwargs: dict[str, Any], attributes: dict[str, str]
) -> None:
    backend.create_queue("by-moto", **attributes)
    backend.create_queue("lean", **attributes)

    expected = outcome(moto_send(backend, "by-moto"), "hello", **kwargs)
    got = outcome(lean_send(backend, "lean"), "hello", **kwargs)

    assert got == expected
    assert held(backend, "lean") == held(backend, "by-moto")


@pytest.mark.parametrize("size", [1024, 1025])
def test_a_body_over_the_queues_maximum_is_refused_as_moto_refuses_it(
    backend: Any, size: int
) -> None:
    backend.create_queue("by-moto", MaximumMessageSize="1024")
    backend.create_queue("lean", MaximumMessageSize="1024")

    expected = outcome(moto_send(backend, "by-moto"), "x" * size)
    got = outcome(lean_send(backend, "lean"), "x" * size)

    assert got == expected
    assert expected[0] == ("sent" if size == 1024 else "error")
    assert held(backend, "lean") == held(backend, "by-moto")


def test_a_send_to_a_missing_queue_is_a_missing_resource(backend: Any) -> None:
    arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:gone"

    with pytest.raises(ServiceError) as refused:
        backends.send_message(arn, "hello")

    assert refused.value.missing
    assert refused.value.code == "AWS.SimpleQueueService.NonExistentQueue"


def test_a_refused_send_to_a_queue_is_no_missing_resource(backend: Any) -> None:
    queue = backend.create_queue("small", MaximumMessageSize="1024")

    with pytest.raises(ServiceError) as refused:
        backends.send_message(queue.queue_arn, "x" * 1025)

    assert not refused.value.missing
    assert refused.value.code == "InvalidParameterValue"
