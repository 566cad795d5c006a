"""MessageStore.remove_ready (what a move task takes) and move task handles."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from localcloud.emulator.sqs_store import IN_FLIGHT, READY, MessageStore
from localcloud.engine.errors import MoveTaskError
from localcloud.engine.move_tasks import decode_handle, encode_handle


def message(n: int, group: str | None = None) -> Any:
    return SimpleNamespace(
        id=f"m{n}",
        group_id=group,
        deduplication_id=None,
        delayed_until=0.0,
        sent_timestamp=0,
        approximate_receive_count=0,
        visible_at=0.0,
        receipt_handle=None,
        all_receipt_handles=[],
    )


def test_remove_ready_takes_the_oldest_ready_message_for_good() -> None:
    store = MessageStore(fifo=False)
    for n in range(3):
        store.add(message(n), 1000.0, None)

    taken = [store.remove_ready(1000.0) for _ in range(4)]

    assert [m.id if m else None for m in taken] == ["m0", "m1", "m2", None]
    assert len(store) == 0 and store.counts == [0, 0, 0]


def test_remove_ready_leaves_a_fifo_group_with_a_message_in_flight() -> None:
    store = MessageStore(fifo=True)
    first, second, other = message(1, "a"), message(2, "a"), message(3, "b")
    for m in (first, second, other):
        store.add(m, 1000.0, None)
    store._set(first, IN_FLIGHT, 9_999_999.0)  # received, not yet deleted

    assert store.remove_ready(1000.0) is other
    assert store.remove_ready(1000.0) is None
    assert store.count(READY, 1000.0) == 1


def test_a_task_handle_names_its_task_and_source() -> None:
    handle = encode_handle("task-1", "arn:aws:sqs:us-east-1:123456789012:dlq")

    assert decode_handle(handle) == ("task-1", "arn:aws:sqs:us-east-1:123456789012:dlq")
    with pytest.raises(MoveTaskError, match=r"Value for parameter TaskHandle is invalid\."):
        decode_handle("not-a-handle")
