"""Work that waits for the answer: deliveries AWS makes after it acknowledged the call.

PutEvents and SNS Publish only acknowledge on AWS; their targets and subscribers get the message
afterwards. Here an HTTP request's task (server.py) collects such work while the application
runs and does it on the same thread once the response is flushed, so the caller's latency does
not include the whole chain the delivery starts (a queue's poller waking, a function running)
competing for the same interpreter.

- ``later(work)`` queues ``work`` when the current thread serves an HTTP request, and runs it
  at once anywhere else (a handler's call over its worker pipe, a scheduler or poller thread, a
  test calling the gateway in process): outside a request nothing changes.
- The work runs in the order it was queued, after the answer, on the request's own thread; the
  connection's next request is served only after it (waitress serves a connection's requests one
  at a time), so one publisher's messages keep their order.
- Work that fails after the answer is logged (the caller already has its answer); work runs even
  when the answer could not be sent (the client went away): nothing acknowledged is lost.
- Acknowledged work is outstanding from just before the answer goes out until it is done
  (``acknowledge``), and ``settle`` waits for it: a short-poll ReceiveMessage calls it, so a
  client that publishes and then receives (on any connection) finds what its acknowledged
  publish delivered, as with a synchronous emulator; the wait is bounded and usually nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Work = Callable[[], object]

_local = threading.local()
# How many answered requests still have deferred work to do, and the condition ``settle`` waits on.
_outstanding = 0
_settled = threading.Condition()


class Pending(list[Work]):
    """A request's deferred work; ``owed`` once its answer is about to go out."""

    owed = False


def collect() -> Pending:
    """Start collecting this thread's deferred work (an HTTP request's task, before the app)."""
    pending = Pending()
    _local.pending = pending
    return pending


def acknowledge(pending: Pending) -> None:
    """The answer is about to go out: what was collected is outstanding until ``run`` did it."""
    global _outstanding
    if pending and not pending.owed:
        pending.owed = True
        with _settled:
            _outstanding += 1


def run(pending: list[Work]) -> None:
    """Do what was collected, in order (the answer is out). The collecting stops first, so what
    the work itself starts (a target that is another bus, say) runs inline."""
    global _outstanding
    _local.pending = None
    _local.running = True
    try:
        for work in pending:
            try:
                work()
            except Exception:
                log.exception("a delivery made after the answer failed")
    finally:
        _local.running = False
        pending.clear()
        if isinstance(pending, Pending) and pending.owed:
            pending.owed = False
            with _settled:
                _outstanding -= 1
                if not _outstanding:
                    _settled.notify_all()


def settle(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds until no answered request has deferred work left (at once
    on a thread doing such work); whether none is left."""
    if getattr(_local, "running", False):
        return False
    with _settled:
        return _settled.wait_for(lambda: not _outstanding, timeout)


def later(work: Work) -> None:
    """Do ``work`` after the current HTTP request's answer, or now outside one."""
    pending: list[Work] | None = getattr(_local, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)
