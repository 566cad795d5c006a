"""A queue's messages, indexed so that every SQS operation costs the same at any depth.

moto keeps a queue as one list and scans it on every receive (twice), delete (twice), visibility
change and count, and remembers every deleted receipt handle forever; at 10,000 messages a receive
cost 7 ms and a delete 5 ms. ``MessageStore`` holds moto's own ``Message`` objects and the state
SQS gives each one:

- **ready**: visible now; kept in a heap by arrival, so the oldest is received first (what moto
  did, and what a FIFO queue requires);
- **in flight** (received, hidden until its visibility timeout) and **delayed** (DelaySeconds):
  kept in one heap by the time they become ready, and moved to *ready* when that time passes;
- every receipt handle a message was given maps to it, so delete and ChangeMessageVisibility are
  one lookup.

FIFO queues keep one ready heap per message group. A group with a message in flight is held back
until that message is deleted or visible again; the groups that may deliver sit in a heap by the
arrival of their oldest message. Deduplication follows SQS: an id seen within the last 5 minutes
is dropped even if its message was already consumed, per queue or per group
(``DeduplicationScope``).

Heap entries carry the token a message had when they were pushed; a state change gives the message
a new token, so entries left behind are recognised as stale and skipped (no search, no removal).
Counts are kept as the states change. Every method expects the caller to hold the queue's lock;
``now`` is in epoch milliseconds, as moto stores its message times.
"""

from __future__ import annotations

import heapq
import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

READY, IN_FLIGHT, DELAYED = 0, 1, 2
DEDUPLICATION_WINDOW_MS = 300_000
REMEMBERED_DELETED_HANDLES = 10_000
DedupKey = tuple[str | None, str]
# A heap entry: (arrival or due time, push number, the message's token then, the message).
Entry = tuple[float, int, object, Any]


class UnknownReceiptHandle(LookupError):
    """The receipt handle was never given by this queue."""


@dataclass
class _Group:
    """A FIFO message group: its ready messages by arrival, and how many are in flight."""

    ready: list[Entry] = field(default_factory=list)
    in_flight: int = 0


@dataclass
class Taken:
    """What one receive took: the messages received and those moved to the dead-letter queue."""

    received: list[Any] = field(default_factory=list)
    dead_letters: list[Any] = field(default_factory=list)
    expired: int = 0


class MessageStore:
    """One queue's messages by state (see the module's docstring); the caller holds the lock."""

    def __init__(self, fifo: bool) -> None:
        self.fifo = fifo
        self._live: dict[int, Any] = {}  # arrival number -> message, oldest first
        self._handles: dict[str, Any] = {}
        self._deleted: OrderedDict[str, None] = OrderedDict()
        self._ready: list[Entry] = []  # standard queues
        self._groups: dict[str, _Group] = {}  # FIFO queues
        self._eligible: list[tuple[float, str]] = []  # FIFO: (oldest arrival, group)
        self._timed: list[Entry] = []  # (due ms, push, token, message)
        self._pushes = itertools.count()  # breaks ties, so entries never compare tokens
        self._dedup: dict[DedupKey, float] = {}
        self._dedup_order: list[tuple[float, int, DedupKey]] = []  # (until, arrival, key)
        self._arrivals = 0
        self.counts = [0, 0, 0]  # by state: ready, in flight, delayed

    # -- reading -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._live)

    def messages(self) -> list[Any]:
        """Every message held, oldest first."""
        return list(self._live.values())

    def ready_messages(self, now: float) -> list[Any]:
        self.promote(now)
        return [m for m in self._live.values() if m._lc_state == READY]

    def has_ready(self, now: float) -> bool:
        self.promote(now)
        if not self.fifo:
            return self.counts[READY] > 0
        return self._next_group() is not None

    def count(self, state: int, now: float) -> int:
        self.promote(now)
        return self.counts[state]

    def next_due(self) -> float | None:
        """When (epoch ms) the next in-flight or delayed message may become ready, if any."""
        return self._timed[0][0] if self._timed else None

    # -- writing -----------------------------------------------------------------------------
    @staticmethod
    def deduplication_key(message: Any, per_group: bool) -> DedupKey | None:
        """What a FIFO message is deduplicated on: its id, within its group if ``per_group``."""
        if not message.deduplication_id:
            return None
        return (message.group_id if per_group else None, message.deduplication_id)

    def is_duplicate(self, key: DedupKey, now: float) -> bool:
        """Whether a message with this key was accepted within the deduplication window."""
        self._expire_dedup(now)
        return key in self._dedup

    def add(self, message: Any, now: float, deduplication_key: DedupKey | None) -> None:
        """Hold ``message`` (sent, or moved here by a redrive policy), ready or delayed."""
        self._arrivals += 1
        arrival = self._arrivals
        message._lc_arrival = arrival
        self._live[arrival] = message
        if self.fifo:
            # SQS numbers every FIFO message, increasing within the queue.
            message.sequence_number = str(10**19 + arrival)
        if deduplication_key is not None:
            self._dedup[deduplication_key] = now + DEDUPLICATION_WINDOW_MS
            until = now + DEDUPLICATION_WINDOW_MS
            heapq.heappush(self._dedup_order, (until, arrival, deduplication_key))
        if message.delayed_until > now:
            self._set(message, DELAYED, message.delayed_until)
        else:
            self._set(message, READY)

    def take(
        self,
        count: int,
        visibility_s: int,
        now: float,
        max_receive_count: int | None,
        retention_ms: float,
    ) -> Taken:
        """Receive up to ``count`` ready messages, oldest first, hiding each for ``visibility_s``.

        From a FIFO queue, a receive drains one group in order before it moves to the next, and
        a group it took from is held back until its messages are deleted or visible again.

        A message already received ``max_receive_count`` times leaves for the dead-letter queue
        instead (returned in ``dead_letters`` for the caller to add there); one older than the
        retention period is dropped. The messages received are moto's own objects, already
        marked received; the caller copies what it renders.
        """
        self.promote(now)
        taken = Taken()
        again: list[Any] = []  # visibility 0: ready again, but not within this receive
        group: _Group | None = None
        while len(taken.received) < count:
            message, group = self._pop_ready(group)
            if message is None:
                break
            if message.sent_timestamp + retention_ms < now:
                self._forget(message)
                taken.expired += 1
                continue
            if max_receive_count and message.approximate_receive_count >= max_receive_count:
                self._forget(message)
                taken.dead_letters.append(message)
                continue
            message.mark_received(visibility_timeout=visibility_s)
            self._handles[message.receipt_handle] = message
            if visibility_s > 0:
                self._set(message, IN_FLIGHT, message.visible_at)
            else:
                again.append(message)
            taken.received.append(message)
        for message in again:
            self._set(message, READY)
        return taken

    def remove_ready(self, now: float) -> Any | None:
        """Take the oldest ready message out of the queue for good (a move task's move), or
        None. From a FIFO queue, only from a group with nothing in flight, as a receive would."""
        self.promote(now)
        message, _ = self._pop_ready(None)
        if message is not None:
            self._forget(message)
        return message

    def find(self, receipt_handle: str) -> Any | None:
        """The message this receipt handle was given for; None if it was deleted.

        Raises UnknownReceiptHandle for a handle this queue never gave.
        """
        message = self._handles.get(receipt_handle)
        if message is not None:
            return message
        if receipt_handle in self._deleted:
            return None
        raise UnknownReceiptHandle(receipt_handle)

    def delete(self, receipt_handle: str) -> Any | None:
        """Delete the message a receipt handle belongs to; deleting twice is not an error."""
        message = self.find(receipt_handle)
        if message is not None:
            self._forget(message)
        return message

    def change_visibility(self, message: Any, visibility_s: int, now: float) -> None:
        """Hide ``message`` for ``visibility_s`` from now (0 makes it ready at once)."""
        message.visible_at = now + visibility_s * 1000
        if visibility_s > 0:
            self._set(message, IN_FLIGHT, message.visible_at)
        else:
            self._set(message, READY)

    def clear(self) -> None:
        """Drop every message (PurgeQueue); deduplication ids stay remembered, as in SQS."""
        for message in list(self._live.values()):
            self._forget(message)
        self._ready.clear()
        self._timed.clear()
        self._eligible.clear()
        self._groups.clear()

    def promote(self, now: float) -> None:
        """Move every in-flight or delayed message whose time has come to ready."""
        timed = self._timed
        while timed and timed[0][0] <= now:
            _, _, token, message = heapq.heappop(timed)
            if message._lc_token is token:
                self._set(message, READY)

    # -- internals ---------------------------------------------------------------------------
    def _set(self, message: Any, state: int, due: float = 0.0) -> None:
        previous = getattr(message, "_lc_state", None)
        if previous is not None:
            self.counts[previous] -= 1
            if previous == IN_FLIGHT and self.fifo:
                self._group(message).in_flight -= 1
        token = object()
        message._lc_token = token
        message._lc_state = state
        self.counts[state] += 1
        arrival = message._lc_arrival
        if state != READY:
            heapq.heappush(self._timed, (due, next(self._pushes), token, message))
            if state == IN_FLIGHT and self.fifo:
                self._group(message).in_flight += 1
            return
        if not self.fifo:
            heapq.heappush(self._ready, (arrival, next(self._pushes), token, message))
            return
        group = self._group(message)
        heapq.heappush(group.ready, (arrival, next(self._pushes), token, message))
        if previous == IN_FLIGHT or group.ready[0][3] is message:
            self._offer(message.group_id)

    def _forget(self, message: Any) -> None:
        state = message._lc_state
        if state is None or self._live.pop(message._lc_arrival, None) is None:
            return
        self.counts[state] -= 1
        message._lc_token = None
        message._lc_state = None
        if self.fifo:
            group = self._group(message)
            if state == IN_FLIGHT:
                group.in_flight -= 1
            self._offer(message.group_id)
        for handle in message.all_receipt_handles:
            if handle is not None and self._handles.pop(handle, None) is not None:
                self._deleted[handle] = None
        while len(self._deleted) > REMEMBERED_DELETED_HANDLES:
            self._deleted.popitem(last=False)

    def _group(self, message: Any) -> _Group:
        key = message.group_id or ""
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = _Group()
        return group

    @staticmethod
    def _clean(heap: list[Entry]) -> None:
        while heap and heap[0][3]._lc_token is not heap[0][2]:
            heapq.heappop(heap)

    def _offer(self, group_id: str | None) -> None:
        """Put a FIFO group in the eligible heap if it may deliver now."""
        key = group_id or ""
        group = self._groups.get(key)
        if group is None:
            return
        self._clean(group.ready)
        if group.in_flight == 0 and group.ready:
            heapq.heappush(self._eligible, (group.ready[0][0], key))
        elif group.in_flight == 0 and not group.ready:
            del self._groups[key]

    def _next_group(self) -> _Group | None:
        eligible = self._eligible
        while eligible:
            oldest, key = eligible[0]
            group = self._groups.get(key)
            if group is not None and group.in_flight == 0:
                self._clean(group.ready)
                if group.ready and group.ready[0][0] == oldest:
                    return group
            heapq.heappop(eligible)
            if group is not None and group.in_flight == 0 and group.ready:
                heapq.heappush(eligible, (group.ready[0][0], key))
        return None

    def _pop_ready(self, current: _Group | None) -> tuple[Any | None, _Group | None]:
        """The oldest ready message, and (FIFO) its group: ``current`` first while it has any."""
        if not self.fifo:
            self._clean(self._ready)
            return (heapq.heappop(self._ready)[3] if self._ready else None), None
        if current is not None:
            self._clean(current.ready)
        if current is None or not current.ready:
            current = self._next_group()
            if current is None:
                return None, None
        return heapq.heappop(current.ready)[3], current

    def _expire_dedup(self, now: float) -> None:
        order = self._dedup_order
        while order and order[0][0] <= now:
            until, _, key = heapq.heappop(order)
            if self._dedup.get(key) == until:
                del self._dedup[key]
