"""moto's SQS queues, backed by a ``MessageStore`` (sqs_store.py) so no operation scans a queue.

moto keeps its API, validation, attributes and rendering; what touches a queue's messages is
replaced: adding (with FIFO deduplication), receiving (long polls wake on arrival or when the next
hidden message becomes visible, not once a second), deleting, changing visibility, the three
approximate counts, the ready-message list and the long-poll wait. ``Queue._messages`` stays
readable (every message held, oldest first) and assigning it an empty list (PurgeQueue) empties
the store.

Two of moto's leaks are closed on the way: every ``Message`` it ever created stayed referenced from
its instance tracker, and every deleted receipt handle from the queue; each receive also deep-copied
the messages it returned (and tracked the copies). A received message is now a plain snapshot.

Every change happens under the queue's own lock (moto's condition variable), which also fixes
moto's unguarded delete (two parallel deletes could each undo the other).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from moto.sqs import models as sqs_models
from moto.sqs.exceptions import InvalidParameterValue, ReceiptHandleIsInvalid

from localcloud.emulator.patching import Patches
from localcloud.emulator.sqs_store import (
    DELAYED,
    IN_FLIGHT,
    READY,
    MessageStore,
    UnknownReceiptHandle,
)

MAXIMUM_VISIBILITY_S = 43_200
RedriveHook = Callable[[Any, Any], None]


def now_ms() -> float:
    return time.time() * 1000.0


def store_of(queue: Any) -> MessageStore:
    """The queue's store, made on first use (after moto's constructor has set FifoQueue)."""
    store = queue.__dict__.get("_lc_store")
    if store is None:
        store = queue.__dict__.setdefault("_lc_store", MessageStore(bool(queue.fifo_queue)))
    return store  # type: ignore[no-any-return]


def patches(on_redrive: RedriveHook) -> Patches:
    """Back every moto queue with a store; ``on_redrive(queue, message)`` sees redrive moves."""
    group = Patches("sqs-store")
    queue, backend = sqs_models.Queue, sqs_models.SQSBackend
    group.add(sqs_models.Message, "__new__", _untracked_new)
    group.add(queue, "_messages", property(_all_messages, _replace_messages), shadows_instance=True)
    group.add(queue, "messages", property(_ready_messages))
    group.add(queue, "add_message", _adder(on_redrive))
    group.add(queue, "delete_message", _delete_message)
    group.add(queue, "wait_for_messages", _wait_for_messages)
    for name, state in (
        ("approximate_number_of_messages", READY),
        ("approximate_number_of_messages_not_visible", IN_FLIGHT),
        ("approximate_number_of_messages_delayed", DELAYED),
    ):
        group.add(queue, name, property(_counter(state)))
    group.add(backend, "receive_message", _receive_message)
    group.add(backend, "change_message_visibility", _change_message_visibility)
    return group


def _untracked_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    # moto's BaseModel appends every instance to a class-wide list kept for its reset API, which
    # the local cloud never calls: a message would stay in memory after it was deleted.
    return object.__new__(cls)


def _snapshot(message: Any, attribute_names: list[str] | None) -> Any:
    """A copy of a received message as the response renders it, with the attributes asked for."""
    copy = object.__new__(type(message))
    copy.__dict__.update(message.__dict__)
    sqs_models._filter_message_attributes(copy, attribute_names or [])
    return copy


# -- Queue -------------------------------------------------------------------------------------
def _all_messages(self: Any) -> list[Any]:
    with self._messages_lock:
        return store_of(self).messages()


def _replace_messages(self: Any, messages: list[Any]) -> None:
    if "_lc_store" not in self.__dict__:
        return  # moto's constructor: the store is made on first use
    with self._messages_lock:
        store = store_of(self)
        store.clear()
        for message in messages:
            store.add(message, now_ms(), None)


def _ready_messages(self: Any) -> list[Any]:
    with self._messages_lock:
        return store_of(self).ready_messages(now_ms())


def _counter(state: int) -> Callable[[Any], int]:
    def count(self: Any) -> int:
        with self._messages_lock:
            return store_of(self).count(state, now_ms())

    return count


def _adder(on_redrive: RedriveHook) -> Callable[[Any, Any], None]:
    def add_message(self: Any, message: Any) -> None:
        redriven = message.approximate_receive_count > 0  # only a redrive re-adds a received one
        with self._messages_lock:
            store = store_of(self)
            now = now_ms()
            key = None
            if self.fifo_queue and not redriven:
                key = store.deduplication_key(message, self.deduplication_scope == "messageGroup")
                if key is not None and store.is_duplicate(key, now):
                    return  # SQS accepts it and delivers nothing
            store.add(message, now, key)
            self._messages_lock.notify_all()
        if redriven:
            on_redrive(self, message)

    return add_message


def _delete_message(self: Any, receipt_handle: str) -> None:
    with self._messages_lock:
        try:
            store_of(self).delete(receipt_handle)
        except UnknownReceiptHandle:
            raise ReceiptHandleIsInvalid() from None
        if self.fifo_queue:
            # Deleting a group's message in flight lets the group's next message go.
            self._messages_lock.notify_all()


def delete_messages(queue: Any, receipt_handles: Sequence[str]) -> list[Exception]:
    """Delete each message as ``Queue.delete_message`` does, under one hold of the queue's
    lock; what was refused (ReceiptHandleIsInvalid), one error each, in order."""
    refused: list[Exception] = []
    with queue._messages_lock:
        store = store_of(queue)
        for handle in receipt_handles:
            try:
                store.delete(handle)
            except UnknownReceiptHandle:
                refused.append(ReceiptHandleIsInvalid())
        if queue.fifo_queue and len(refused) < len(receipt_handles):
            # Deleting a group's message in flight lets the group's next message go.
            queue._messages_lock.notify_all()
    return refused


def _wait_s(store: MessageStore, remaining: float) -> float:
    """How long a waiter may sleep: until its deadline or the next hidden message's due time."""
    due = store.next_due()
    if due is None:
        return remaining
    return min(remaining, max(0.001, (due - now_ms()) / 1000))


def _wait_for_messages(self: Any, timeout: float) -> None:
    """Block until a message is ready to receive, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    lock = self._messages_lock
    with lock:
        store = store_of(self)
        while not store.has_ready(now_ms()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            lock.wait(_wait_s(store, remaining))


# -- SQSBackend --------------------------------------------------------------------------------
def _receive_message(
    self: Any,
    queue_name: str,
    count: int,
    wait_seconds_timeout: int,
    visibility_timeout: int,
    message_attribute_names: list[str] | None = None,
) -> list[Any]:
    """Up to ``count`` messages, waiting up to ``wait_seconds_timeout`` for the first."""
    queue = self.get_queue(queue_name)
    return receive(
        queue,
        count,
        wait_seconds_timeout or 0,
        visibility_timeout,
        lambda message: _snapshot(message, message_attribute_names),
    )


def receive[T](
    queue: Any, count: int, wait_s: float, visibility_s: int, render: Callable[[Any], T]
) -> list[T]:
    """Up to ``count`` messages of ``queue``, waiting up to ``wait_s`` seconds for the first,
    each as ``render`` makes it from moto's message while the queue's lock is held (it may
    change once the lock is released)."""
    deadline = time.monotonic() + wait_s
    lock = queue._messages_lock
    while True:
        dead_letter_queue = queue.dead_letter_queue
        policy = queue.redrive_policy if dead_letter_queue is not None else None
        with lock:
            store = store_of(queue)
            taken = store.take(
                count,
                int(visibility_s or 0),
                now_ms(),
                int(policy["maxReceiveCount"]) if policy else None,
                int(queue.message_retention_period) * 1000,
            )
            received = [render(m) for m in taken.received]
            remaining = deadline - time.monotonic()
            if not received and not taken.dead_letters and remaining > 0:
                lock.wait(_wait_s(store, remaining))
                continue
        # Outside the source queue's lock: the dead-letter queue takes its own.
        for message in taken.dead_letters:
            # Where it came from: a move task without a destination sends it back there.
            message._lc_dead_letter_source = queue.queue_arn
            dead_letter_queue.add_message(message)
        if received or time.monotonic() >= deadline:
            return received


def _change_message_visibility(
    self: Any, queue_name: str, receipt_handle: str, visibility_timeout: int
) -> None:
    queue = self.get_queue(queue_name)
    seconds = int(visibility_timeout)
    with queue._messages_lock:
        store = store_of(queue)
        try:
            message = store.find(receipt_handle)
        except UnknownReceiptHandle:
            message = None
        if message is None:
            raise ReceiptHandleIsInvalid()
        now = now_ms()
        if now + seconds * 1000 - message.sent_timestamp > MAXIMUM_VISIBILITY_S * 1000:
            raise InvalidParameterValue(
                f"Value {visibility_timeout} for parameter VisibilityTimeout is invalid. Reason: "
                f"Total VisibilityTimeout for the message is beyond the limit "
                f"[{MAXIMUM_VISIBILITY_S} seconds]"
            )
        store.change_visibility(message, seconds, now)
        if seconds == 0:
            queue._messages_lock.notify_all()
