"""MessageStore: SQS states, FIFO groups, deduplication and redrive, at any depth.

Messages are moto's own; the store is given the time, so a test moves the clock by passing a later
``now`` (moto stamps a received message's visibility from the real clock).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from moto.sqs.models import Message

from localcloud.emulator.sqs_store import (
    DEDUPLICATION_WINDOW_MS,
    DELAYED,
    IN_FLIGHT,
    READY,
    REMEMBERED_DELETED_HANDLES,
    MessageStore,
    UnknownReceiptHandle,
)

DAY_MS = 86_400_000.0


def now() -> float:
    return time.time() * 1000.0


def message(body: str, group: str | None = None, dedup: str | None = None, delay: int = 0) -> Any:
    m = Message(f"id-{body}", body)
    m.group_id = group
    m.deduplication_id = dedup
    m.mark_sent(delay_seconds=delay)
    return m


def filled(*bodies: str, fifo: bool = False, group: str | None = None) -> MessageStore:
    store = MessageStore(fifo)
    for body in bodies:
        store.add(message(body, group=group), now(), None)
    return store


def bodies(messages: list[Any]) -> list[str]:
    return [m.body for m in messages]


def take(
    store: MessageStore,
    count: int = 10,
    visibility: int = 30,
    at: float | None = None,
    max_receives: int | None = None,
) -> Any:
    return store.take(count, visibility, now() if at is None else at, max_receives, 4 * DAY_MS)


def test_receives_oldest_first_and_hides_what_it_received() -> None:
    store = filled("a", "b", "c")
    assert bodies(take(store, 2).received) == ["a", "b"]
    assert bodies(take(store, 10).received) == ["c"]
    assert take(store).received == []
    assert [store.count(s, now()) for s in (READY, IN_FLIGHT, DELAYED)] == [0, 3, 0]


def test_a_message_comes_back_after_its_visibility_timeout_ahead_of_newer_ones() -> None:
    store = filled("old")
    [first] = take(store, visibility=30).received
    first_handle = first.receipt_handle
    store.add(message("new"), now(), None)
    later = now() + 31_000
    again = take(store, 10, at=later).received
    assert bodies(again) == ["old", "new"]
    assert again[0].approximate_receive_count == 2
    assert again[0].receipt_handle != first_handle


def test_delete_takes_any_handle_the_message_had_and_twice_is_not_an_error() -> None:
    store = filled("a")
    [received] = take(store, visibility=1).received
    old_handle = received.receipt_handle
    take(store, at=now() + 2_000)  # received again: a new handle
    assert store.delete(old_handle) is received
    assert len(store) == 0
    assert store.delete(old_handle) is None
    with pytest.raises(UnknownReceiptHandle):
        store.delete("never-given")


def test_deleted_handles_are_remembered_only_up_to_a_bound() -> None:
    store = filled(*[f"m{i}" for i in range(REMEMBERED_DELETED_HANDLES + 5)])
    handles = []
    while received := take(store).received:
        handles += [m.receipt_handle for m in received]
    for handle in handles:
        store.delete(handle)
    assert store.delete(handles[-1]) is None
    with pytest.raises(UnknownReceiptHandle):
        store.delete(handles[0])


def test_a_delayed_message_is_counted_as_delayed_until_its_time() -> None:
    store = MessageStore(fifo=False)
    store.add(message("later", delay=5), now(), None)
    assert store.count(DELAYED, now()) == 1
    assert take(store).received == []
    assert bodies(take(store, at=now() + 5_100).received) == ["later"]


def test_visibility_zero_makes_the_message_ready_again_but_not_in_the_same_receive() -> None:
    store = filled("a", "b")
    assert bodies(take(store, 10, visibility=0).received) == ["a", "b"]
    assert store.count(READY, now()) == 2
    assert bodies(take(store, 1).received) == ["a"]


def test_change_visibility_returns_a_message_at_once_or_hides_it_longer() -> None:
    store = filled("a")
    [received] = take(store).received
    store.change_visibility(store.find(received.receipt_handle), 0, now())
    [again] = take(store, visibility=30).received
    store.change_visibility(store.find(again.receipt_handle), 120, now())
    assert take(store, at=now() + 60_000).received == []
    assert bodies(take(store, at=now() + 121_000).received) == ["a"]


def test_a_message_at_max_receive_count_leaves_for_the_dead_letter_queue() -> None:
    store = filled("poison", "fine")
    for attempt in range(3):
        got = take(store, 1, visibility=1, at=now() + attempt * 2_000, max_receives=3)
        assert bodies(got.received) == ["poison"]
    taken = take(store, 10, at=now() + 7_000, max_receives=3)
    assert bodies(taken.dead_letters) == ["poison"]
    assert bodies(taken.received) == ["fine"]
    assert len(store) == 1


def test_a_message_past_the_retention_period_is_dropped() -> None:
    store = filled("stale")
    taken = store.take(10, 30, now() + 61_000, None, 60_000)
    assert (taken.received, taken.expired, len(store)) == ([], 1, 0)


def test_fifo_holds_a_group_while_a_message_is_in_flight_and_others_flow() -> None:
    store = MessageStore(fifo=True)
    for body, group in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b")]:
        store.add(message(body, group=group), now(), None)
    [a1] = take(store, 1).received
    assert bodies(take(store, 10).received) == ["b1", "b2"]  # one receive drains a group
    assert take(store).received == []
    store.delete(a1.receipt_handle)
    assert store.has_ready(now())
    assert bodies(take(store).received) == ["a2"]


def test_fifo_returns_a_failed_message_before_the_rest_of_its_group() -> None:
    store = MessageStore(fifo=True)
    for body in ("a1", "a2", "a3"):
        store.add(message(body, group="a"), now(), None)
    assert bodies(take(store, 2, visibility=1).received) == ["a1", "a2"]
    assert bodies(take(store, 10, at=now() + 2_000).received) == ["a1", "a2", "a3"]


def test_fifo_messages_are_numbered_in_increasing_order() -> None:
    store = filled("x", "y", "z", fifo=True, group="g")
    numbers = [int(m.sequence_number) for m in store.messages()]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert all(len(m.sequence_number) == 20 for m in store.messages())


@pytest.mark.parametrize("per_group", [False, True])
def test_deduplication_lasts_five_minutes_even_after_the_message_is_consumed(
    per_group: bool,
) -> None:
    store = MessageStore(fifo=True)
    first = message("one", group="g", dedup="d1")
    key = store.deduplication_key(first, per_group)
    assert key is not None
    store.add(first, now(), key)
    [received] = take(store).received
    store.delete(received.receipt_handle)
    assert store.is_duplicate(key, now())
    other_group = store.deduplication_key(message("two", group="h", dedup="d1"), per_group)
    assert store.is_duplicate(other_group, now()) is not per_group  # type: ignore[arg-type]
    assert not store.is_duplicate(key, now() + DEDUPLICATION_WINDOW_MS + 1)


def test_clear_empties_every_state() -> None:
    store = filled("a", "b", "c")
    take(store, 1)
    store.add(message("d", delay=60), now(), None)
    store.clear()
    assert len(store) == 0
    assert [store.count(s, now()) for s in (READY, IN_FLIGHT, DELAYED)] == [0, 0, 0]
    assert take(store, at=now() + 120_000).received == []


class _Watched(Message):  # type: ignore[misc]
    """A message that counts how often the store reads its send time (once per message seen)."""

    __module__ = "tests.watched"  # moto's model registry files a class under a dotted module
    reads = 0

    @property
    def sent_timestamp(self) -> Any:
        type(self).reads += 1
        return self.__dict__["_sent"]

    @sent_timestamp.setter
    def sent_timestamp(self, value: Any) -> None:
        self.__dict__["_sent"] = value


@pytest.mark.parametrize("fifo", [False, True])
def test_a_receive_and_its_deletes_look_only_at_the_messages_received(fifo: bool) -> None:
    store = MessageStore(fifo)
    for i in range(20_000):
        m = _Watched(f"id{i}", "body")
        m.group_id = f"g{i % 50}" if fifo else None
        m.mark_sent()
        store.add(m, now(), None)
    take(store, 10)  # a first receive of each kind settles the heaps
    _Watched.reads = 0
    received = take(store, 10).received
    for m in received:
        store.delete(m.receipt_handle)
    assert len(received) == 10
    assert _Watched.reads <= 10
    assert len(store) == 20_000 - 10


@pytest.mark.parametrize("fifo", [False, True])
def test_a_message_made_ready_twice_at_the_same_instant_stays_orderable(fifo: bool) -> None:
    # Its stale entry and its new one tie on arrival (and due time): the heap must not compare
    # anything beyond them.
    store = filled("a", "b", fifo=fifo, group="g" if fifo else None)
    at = now()
    a = store.messages()[0]
    for seconds in (30, 0, 30, 0):
        store.change_visibility(a, seconds, at)
    assert bodies(take(store, 10, at=at).received)[0] == "a"
