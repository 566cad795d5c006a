"""A worker's output (its stdout and stderr), read from a pipe and kept within a bound.

A worker writes into a pipe that the executor drains while it waits for the invocation's answer,
so nothing accumulates on disk and a handler that prints gigabytes costs the local cloud only
the bound here: the last ``limit`` bytes of each invocation (AWS keeps every line in CloudWatch
and returns the last 4 KB with ``LogType=Tail``; locally, the newest 256 KB of an invocation are
what its log and its tail are made of). Output written between invocations stays in the pipe and
counts towards the next one; a worker that fills the pipe then blocks until that invocation, as
an AWS environment is frozen between invocations anyway.
"""

from __future__ import annotations

import contextlib
import fcntl
import os

# The newest bytes of one invocation's output that are kept: one CloudWatch event's maximum.
KEPT_BYTES = 256 * 1024
# A larger pipe lets a printing handler run ahead of the executor with fewer wake-ups.
PIPE_BYTES = 1024 * 1024


def output_pipe() -> tuple[int, int]:
    """A (read, write) pipe for a worker's output; the read end never blocks."""
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError):  # the system's pipe-max-size may be lower: keep 64 KB
        fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    os.set_blocking(read_fd, False)
    return read_fd, write_fd


class OutputBuffer:
    """The newest ``limit`` bytes written to a pipe during one invocation, and how many went.

    The bytes land in one ring allocated with the worker and read into in place, so however
    much a handler prints, the local cloud allocates nothing per read (a fresh buffer for
    every read of megabytes leaves the allocator's arenas fragmented and the server's
    resident memory growing).
    """

    def __init__(self, fd: int, limit: int = KEPT_BYTES) -> None:
        self.fd = fd
        self.limit = limit
        self.total = 0  # bytes read during this invocation
        self.closed = False  # every writer has gone (the worker and anything it forked)
        self._ring = bytearray(limit)
        self._view = memoryview(self._ring)

    def drain(self) -> None:
        """Read whatever the pipe holds now, keeping only the newest bytes."""
        while not self.closed:
            at = self.total % self.limit
            try:
                # Up to the ring's end, then on from its start.
                count = os.readv(self.fd, [self._view[at:], self._view[:at]])
            except BlockingIOError:
                return
            except OSError:
                count = 0
            if not count:
                self.closed = True
                return
            self.total += count

    def take(self) -> str:
        """This invocation's output (its newest ``limit`` bytes), and start the next one.

        When output was dropped, the text starts at a whole line with a line saying how much
        went, so a reader knows the log is not complete.
        """
        at = self.total % self.limit
        if self.total <= self.limit:
            kept = bytes(self._view[: self.total])
        else:
            kept = bytes(self._view[at:]) + bytes(self._view[:at])
        dropped = self.total - len(kept)
        if dropped:
            newline = kept.find(b"\n")
            if 0 <= newline < len(kept) - 1:
                dropped += newline + 1
                kept = kept[newline + 1 :]
        self.total = 0
        text = kept.decode(errors="replace")
        if dropped:
            text = (
                f"[localcloud] {dropped} bytes of this invocation's output were dropped; "
                f"the last {len(kept)} are kept\n" + text
            )
        return text
