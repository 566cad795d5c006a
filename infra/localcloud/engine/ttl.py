"""DynamoDB TTL: items past their TTL attribute are deleted, as DynamoDB's TTL deletes them.

moto keeps a table's TimeToLiveSpecification but never expires an item. ``TtlSweeper`` deletes
expired items every ``interval_s`` seconds (AWS does it within days of expiry; locally within
seconds, so a test or demo sees it), through backends.expire_items: each deletion writes the
table's stream REMOVE record with DynamoDB's ``userIdentity``, as AWS does, so stream mappings
and their filters see TTL removals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from localcloud.emulator import backends

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 2.0


class TtlSweeper:
    """Deletes expired items on its own thread until closed."""

    def __init__(
        self,
        interval_s: float = SWEEP_INTERVAL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.interval_s = interval_s
        self.clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="localcloud-ttl", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def sweep(self) -> int:
        """Delete what has expired now; how many items."""
        return backends.expire_items(self.clock())

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.sweep()
            except Exception:  # a table changing under the sweep: the next sweep retries
                log.exception("TTL sweep failed; retried in %.0f s", self.interval_s)

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
