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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

Work = Callable[[], object]

_local = threading.local()


def collect() -> list[Work]:
    """Start collecting this thread's deferred work (an HTTP request's task, before the app)."""
    pending: list[Work] = []
    _local.pending = pending
    return pending


def run(pending: list[Work]) -> None:
    """Do what was collected, in order (the answer is out). The collecting stops first, so what
    the work itself starts (a target that is another bus, say) runs inline."""
    _local.pending = None
    for work in pending:
        try:
            work()
        except Exception:
            log.exception("a delivery made after the answer failed")
    pending.clear()


def later(work: Work) -> None:
    """Do ``work`` after the current HTTP request's answer, or now outside one."""
    pending: list[Work] | None = getattr(_local, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)
