"""How the server holds up under waiting clients: request threads that grow, and file descriptors.

A long poll (ReceiveMessage with WaitTimeSeconds=20) or a synchronous invoke of a slow function
holds its request thread while it waits. With a fixed pool, 24 such waits starve every other
caller, health checks included. ``ElasticDispatcher`` is waitress's task dispatcher with one
change: when a request arrives and no thread is idle, another thread starts (up to a cap), and
threads beyond the base count end after they have been idle a while. Waiting costs a thread's
stack, not a caller's turn.

``accept_in_batches`` lets one readiness event accept every waiting connection, and
``raise_open_files()`` lifts the process's soft limit on open files to its hard limit, so
thousands of open (idle, keep-alive or half-open) connections do not stop new ones being
accepted; waitress is told to poll() rather than select() (which stops at 1,024 descriptors).
"""

from __future__ import annotations

import logging
import resource
import threading
import time
from typing import Any

from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

# Threads beyond the base count end after this long without a request.
SPARE_THREAD_IDLE_S = 30.0
# waitress warns of queue depth whenever a task waits a moment for a thread that is starting;
# here that is normal, and running out of threads has a warning of its own.
_queue_log = logging.getLogger("localcloud.serving.queue")
_queue_log.setLevel(logging.ERROR)


class ElasticDispatcher(ThreadedTaskDispatcher):  # type: ignore[misc]
    """waitress's dispatcher, growing its threads to what waits and shrinking back when idle."""

    queue_logger = _queue_log

    def __init__(self, base: int, maximum: int) -> None:
        super().__init__()
        self.base = base
        self.maximum = max(base, maximum)
        self._last_busy = time.monotonic()
        self._warned_full = False

    def add_task(self, task: Any) -> None:
        with self.lock:
            idle = len(self.threads) - self.stop_count - self.active_count
            running = len(self.threads) - self.stop_count
            waiting = len(self.queue) + 1
            self._last_busy = time.monotonic()
        if waiting > idle and running < self.maximum:
            self.set_thread_count(min(self.maximum, running + waiting - idle))
        elif waiting > idle and not self._warned_full:
            self._warned_full = True
            log.warning(
                "all %d request threads are busy (LOCALCLOUD_MAX_SERVER_THREADS): requests queue",
                self.maximum,
            )
        super().add_task(task)

    def trim(self) -> None:
        """Let threads beyond the base count end once the server has been quiet a while."""
        with self.lock:
            running = len(self.threads) - self.stop_count
            idle = running - self.active_count
            quiet = time.monotonic() - self._last_busy > SPARE_THREAD_IDLE_S
        if quiet and running > self.base and idle > 0:
            self.set_thread_count(max(self.base, running - idle))
            self._warned_full = False


class Trimmer:
    """A daemon thread calling ``dispatcher.trim()`` every few seconds until stopped."""

    def __init__(self, dispatcher: ElasticDispatcher, every_s: float = 5.0) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(dispatcher, every_s), name="localcloud-threads", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self, dispatcher: ElasticDispatcher, every_s: float) -> None:
        while not self._stop.wait(every_s):
            dispatcher.trim()

    def stop(self) -> None:
        self._stop.set()


def raise_open_files() -> int:
    """Raise the soft limit on open files to the hard limit; returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            log.warning("cannot raise the open-file limit from %d; fewer connections fit", soft)
    return int(soft) if soft != resource.RLIM_INFINITY else wanted


# How many waiting connections one readiness event of the listening socket accepts.
ACCEPT_BATCH = 256


def accept_in_batches(server: Any) -> None:
    """Make ``server`` (waitress's) accept every waiting connection when its socket is ready.

    waitress accepts one connection per turn of its event loop, and each turn looks at every open
    connection: with thousands open, a newcomer waits seconds behind the backlog. This server
    object's own method is replaced; waitress's class is left alone.
    """
    accept_one = server.handle_accept

    def accept_waiting() -> None:
        for _ in range(ACCEPT_BATCH):
            before = len(server._map)
            accept_one()
            if len(server._map) == before:  # nothing was waiting (or it failed): stop here
                return

    server.handle_accept = accept_waiting
