"""The mapping's receive and batch delete (emulator/backends.py over sqs_queues.py) end as
moto's own receive and one-at-a-time deletes do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws
from moto.sqs.models import sqs_backends

from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import backends, sqs_queues
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import QueuedMessage


@pytest.fixture
def backend() -> Iterator[Any]:
    with mock_aws():
        group = sqs_queues.patches(lambda queue, message: None)
        group.apply()
        try:
            yield sqs_backends[DEFAULT_ACCOUNT]["us-east-1"]
        finally:
            group.undo()


def received_handles(backend: Any, name: str, **attributes: str) -> list[str]:
    backend.create_queue(name, **attributes)
    fifo = {"group_id": "g", "deduplication_id": None} if name.endswith(".fifo") else {}
    for n in range(4):
        if fifo:
            fifo["deduplication_id"] = f"d{n}"
        backend.send_message(name, f"m{n}", **fifo)
    return [m.receipt_handle for m in backend.receive_message(name, 10, 0, 30)]


def one_at_a_time(backend: Any, name: str, handles: list[str]) -> list[str]:
    refused = []
    for handle in handles:
        try:
            backend.delete_message(name, handle)
        except Exception as exc:
            refused.append(type(exc).__name__)
    return refused


def left(backend: Any, name: str) -> list[str]:
    return [m.body for m in backend.get_queue(name)._messages]


@pytest.mark.parametrize("suffix", ["", ".fifo"])
def test_batch_delete_refuses_and_keeps_what_single_deletes_do(backend: Any, suffix: str) -> None:
    attributes = {"FifoQueue": "true"} if suffix else {}
    single = received_handles(backend, f"single{suffix}", **attributes)
    batch = received_handles(backend, f"batch{suffix}", **attributes)

    def asked(handles: list[str]) -> list[str]:  # a repeat, an unknown handle, two left alone
        return [handles[0], "not-a-handle", handles[2], handles[0]]

    expected = one_at_a_time(backend, f"single{suffix}", asked(single))
    refused = sqs_queues.delete_messages(backend.get_queue(f"batch{suffix}"), asked(batch))

    assert [type(exc).__name__ for exc in refused] == expected == ["ReceiptHandleIsInvalid"]
    assert left(backend, f"batch{suffix}") == left(backend, f"single{suffix}") == ["m1", "m3"]


def test_receive_and_delete_on_a_missing_queue_are_missing_resources(backend: Any) -> None:
    arn = f"arn:aws:sqs:us-east-1:{DEFAULT_ACCOUNT}:gone"

    for call in (
        lambda: backends.receive(arn, 10, 0, 30),
        lambda: backends.delete_messages(arn, ["handle"]),
        lambda: backends.visibility_timeout(arn),
    ):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.missing


def test_receive_gives_the_views_of_what_motos_receive_gives(backend: Any) -> None:
    def sent(name: str) -> str:
        queue = backend.create_queue(name)
        backend.send_message(
            name,
            "hello",
            message_attributes={"kind": {"DataType": "String", "StringValue": "greeting"}},
            system_attributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}},
        )
        backend.send_message(name, "plain")
        return str(queue.queue_arn)

    sent("by-moto")
    by_moto = [
        QueuedMessage.from_moto(m) for m in backend.receive_message("by-moto", 10, 0, 30, ["All"])
    ]
    direct = backends.receive(sent("direct"), 10, 0, 30)

    def comparable(view: QueuedMessage) -> dict[str, Any]:
        fields = dict(vars(view))
        for name in ("id", "receipt_handle", "sent_timestamp", "first_receive_timestamp"):
            assert fields.pop(name)
        return fields

    assert [comparable(v) for v in direct] == [comparable(v) for v in by_moto]
    assert [v.body for v in direct] == ["hello", "plain"]
