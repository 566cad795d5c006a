"""A worker's output as the executor keeps it: the newest bytes of each invocation, whole lines,
a note when some went, and nothing carried into the next invocation. Real pipes, no worker."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from localcloud.engine.output import OutputBuffer, output_pipe


@pytest.fixture
def pipe() -> Iterator[tuple[OutputBuffer, int]]:
    read_fd, write_fd = output_pipe()
    buffer = OutputBuffer(read_fd, limit=64)
    yield buffer, write_fd
    for fd in (read_fd, write_fd):
        with contextlib.suppress(OSError):  # closed by the test
            os.close(fd)


def test_output_within_the_bound_is_kept_whole(pipe: tuple[OutputBuffer, int]) -> None:
    buffer, write_fd = pipe
    os.write(write_fd, b"first\nsecond\n")

    buffer.drain()

    assert buffer.take() == "first\nsecond\n"


def test_output_past_the_bound_keeps_the_newest_whole_lines_and_says_so(
    pipe: tuple[OutputBuffer, int],
) -> None:
    buffer, write_fd = pipe
    lines = [f"line {n:03d}\n".encode() for n in range(100)]  # 9 bytes each, 900 in all
    for line in lines:
        os.write(write_fd, line)
        buffer.drain()  # as the executor does while it waits, wrapping the ring many times

    text = buffer.take()

    note, _, kept = text.partition("\n")
    assert kept == "".join(line.decode() for line in lines[-7:])  # 63 of the newest 64 bytes
    assert note == (
        "[localcloud] 837 bytes of this invocation's output were dropped; the last 63 are kept"
    )


def test_a_single_line_longer_than_the_bound_keeps_its_end(
    pipe: tuple[OutputBuffer, int],
) -> None:
    buffer, write_fd = pipe
    os.write(write_fd, b"x" * 100 + b"END")

    buffer.drain()

    assert buffer.take().endswith("\n" + "x" * 61 + "END")


def test_each_invocation_starts_empty(pipe: tuple[OutputBuffer, int]) -> None:
    buffer, write_fd = pipe
    os.write(write_fd, b"a" * 80 + b"\n")
    buffer.drain()
    buffer.take()

    os.write(write_fd, b"next\n")
    buffer.drain()

    assert buffer.take() == "next\n"


def test_the_end_of_every_writer_is_noticed(pipe: tuple[OutputBuffer, int]) -> None:
    buffer, write_fd = pipe
    os.write(write_fd, b"last words\n")
    os.close(write_fd)

    buffer.drain()

    assert buffer.closed
    assert buffer.take() == "last words\n"
