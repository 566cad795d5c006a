"""The call pipes' frames (engine/callframe.py): what a worker writes is what the executor reads,
byte for byte, both ways; a pipe that ends inside a frame is a FrameError, one that ends between
frames is the end. Real pipes, in-process."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import BinaryIO

import pytest

from localcloud.engine import callframe
from localcloud.engine.callframe import Answer, Call, FrameError

URL = "http://127.0.0.1:4566/bucket/a%20b/%C3%BC.bin?versionId=1"
HEADERS = [
    ("Content-Type", "application/x-amz-json-1.0"),
    ("X-Amz-Target", "DynamoDB_20120810.PutItem"),
    ("x-amz-meta-name", "ünïcode ☃"),
    ("Content-Length", "3"),
]


@pytest.fixture
def pipe() -> Iterator[tuple[BinaryIO, int]]:
    """(the reading end as the executor and the worker read it, the writing end's fd)."""
    read_fd, write_fd = os.pipe()
    stream = os.fdopen(read_fd, "rb")
    yield stream, write_fd
    stream.close()
    with contextlib.suppress(OSError):  # unless the test closed it
        os.close(write_fd)


def send_call(fd: int, call: Call) -> None:
    callframe.write(fd, callframe.call_frame(call.method, call.url, call.headers, call.body))


def sent_in_background(fd: int, call: Call) -> threading.Thread:
    """Writes bigger than the pipe holds need a reader at the same time."""
    thread = threading.Thread(target=send_call, args=(fd, call), daemon=True)
    thread.start()
    return thread


def test_a_call_reads_back_as_written(pipe: tuple[BinaryIO, int]) -> None:
    stream, fd = pipe
    call = Call("PUT", URL, HEADERS, b"abc")

    send_call(fd, call)

    assert callframe.read_call(stream) == call


def test_several_calls_follow_one_another_and_the_end_of_the_pipe_reads_as_none(
    pipe: tuple[BinaryIO, int],
) -> None:
    stream, fd = pipe
    calls = [
        Call("GET", URL, HEADERS, b""),
        Call("POST", "http://h/", [], b"\n"),
        Call("GET", URL, [], b""),
    ]
    for call in calls:
        send_call(fd, call)
    os.close(fd)

    assert [callframe.read_call(stream) for _ in calls] == calls
    assert callframe.read_call(stream) is None


def test_a_binary_body_with_newlines_and_non_utf8_bytes_keeps_every_byte(
    pipe: tuple[BinaryIO, int],
) -> None:
    stream, fd = pipe
    body = b"\n\xff\x00\r\n" + bytes(range(256)) + b"\n"

    send_call(fd, Call("PUT", URL, HEADERS, body))

    got = callframe.read_call(stream)
    assert got is not None and got.body == body and type(got.body) is bytes


def test_a_header_value_holding_a_newline_travels_as_json_and_reads_back_the_same(
    pipe: tuple[BinaryIO, int],
) -> None:
    stream, fd = pipe
    headers = [("X-Folded", "one\n two"), ("X-Other", "")]
    frame = callframe.call_frame("GET", URL, headers, b"")
    assert callframe.HEAD.unpack_from(frame[0])[0] == callframe.JSON

    callframe.write(fd, frame)

    assert callframe.read_call(stream) == Call("GET", URL, headers, b"")


def test_plain_headers_travel_as_lines() -> None:
    frame = callframe.call_frame("GET", URL, HEADERS, b"body")
    kind, _, body_size = callframe.HEAD.unpack_from(frame[0])
    assert (kind, body_size) == (callframe.LINES, 4)
    assert frame[0][callframe.HEAD.size :].decode().split("\n")[:3] == ["GET", URL, "Content-Type"]
    assert frame[1] == b"body"  # the body is written as given, not copied into the head


def test_a_body_of_several_megabytes_crosses_whole(pipe: tuple[BinaryIO, int]) -> None:
    stream, fd = pipe
    body = os.urandom(6 * 1024 * 1024 + 7)
    writer = sent_in_background(fd, Call("POST", URL, HEADERS, body))

    got = callframe.read_call(stream)

    writer.join(10)
    assert got is not None and len(got.body) == len(body) and got.body == body


def test_a_write_the_pipe_takes_in_pieces_is_completed(
    pipe: tuple[BinaryIO, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    stream, fd = pipe
    writev = os.writev
    sizes: list[int] = []

    def a_few_bytes_at_a_time(fd: int, parts: list[bytes]) -> int:
        first = bytes(next(p for p in parts if len(p)))[:5]
        sizes.append(len(first))
        return writev(fd, [first])

    monkeypatch.setattr(callframe.os, "writev", a_few_bytes_at_a_time)
    call = Call("PUT", URL, HEADERS, b"0123456789\n\xff")
    send_call(fd, call)
    monkeypatch.undo()

    assert len(sizes) > 10
    assert callframe.read_call(stream) == call


def test_an_answer_reads_back_as_written(pipe: tuple[BinaryIO, int]) -> None:
    stream, fd = pipe
    answer = Answer(404, [("Content-Type", "application/xml"), ("x-amz-request-id", "r1")], b"<E/>")

    callframe.write(fd, callframe.answer_frame(answer))

    assert callframe.read_answer(stream) == answer


def test_an_answer_without_headers_or_body_reads_back(pipe: tuple[BinaryIO, int]) -> None:
    stream, fd = pipe

    callframe.write(fd, callframe.answer_frame(Answer(204, [], b"")))
    os.close(fd)

    assert callframe.read_answer(stream) == Answer(204, [], b"")
    assert callframe.read_answer(stream) is None


@pytest.mark.parametrize(
    "cut",
    [3, callframe.HEAD.size, callframe.HEAD.size + 10, -1],
    ids=["inside the head", "after the head", "inside the meta", "inside the body"],
)
def test_a_pipe_ending_inside_a_frame_is_a_frame_error(
    pipe: tuple[BinaryIO, int], cut: int
) -> None:
    stream, fd = pipe
    whole = b"".join(callframe.call_frame("PUT", URL, HEADERS, b"some body bytes"))
    os.write(fd, whole[:cut])
    os.close(fd)

    with pytest.raises(FrameError, match="ended inside"):
        callframe.read_call(stream)


def test_a_head_no_frame_has_is_refused_before_anything_is_allocated(
    pipe: tuple[BinaryIO, int],
) -> None:
    stream, fd = pipe
    os.write(fd, callframe.HEAD.pack(callframe.LINES, callframe.MAX_META + 1, 0))
    os.close(fd)

    with pytest.raises(FrameError, match="meta part of"):
        callframe.read_call(stream)


def test_meta_fields_that_are_not_a_call_or_an_answer_are_frame_errors(
    pipe: tuple[BinaryIO, int],
) -> None:
    stream, fd = pipe
    callframe.write(fd, callframe.encode(["GET"], b""))  # no URL
    callframe.write(fd, callframe.encode(["OK", "a", "b"], b""))  # no status
    callframe.write(fd, [callframe.HEAD.pack(callframe.JSON, 4, 0) + b'{"a"'])  # not a list

    with pytest.raises(FrameError, match="holds 1 meta fields"):
        callframe.read_call(stream)
    with pytest.raises(FrameError, match="status"):
        callframe.read_answer(stream)
    with pytest.raises(FrameError, match="cannot be read"):
        callframe.read_call(stream)
