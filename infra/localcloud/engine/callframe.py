"""The frames a worker's call pipes carry: a handler's AWS call one way, its answer the other.

A frame is a fixed head, ``HEAD``: the meta part's format and length and the body's length;
then the meta part, a list of strings; then the body, raw bytes. A call's meta is ``[method,
url, name, value, name, value...]``, an answer's ``[status, name, value...]``. The meta is
the strings joined by newlines, which costs a fraction of JSON to write and to read; when a
string holds a newline itself (a header value folded over lines), the meta is a JSON list
instead, said so in the head. Bodies are never encoded: written with the head in one
``writev`` and read into one buffer of their own length, they are copied no more than the
pipe does.

The worker loads this module by its path (worker.py: no package of the local cloud is
importable in a function's process), so it imports nothing but the standard library.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import BinaryIO, NamedTuple, Protocol

# The meta part's format (LINES or JSON), its length, the body's length.
HEAD = struct.Struct("<BIQ")
LINES = 0
JSON = 1
# Headers and a URL; anything larger is not a frame this module wrote.
MAX_META = 16 * 1024 * 1024


class FrameError(ValueError):
    """Bytes on a call pipe that are not a whole frame (the other end went away mid-frame)."""


class Call(NamedTuple):
    """A handler's AWS call as botocore prepared it: headers in order, names as sent."""

    method: str
    url: str
    headers: Sequence[tuple[str, str]]
    body: bytes


class Answered(Protocol):
    """What answers a call: the gateway's Response has this shape, as has ``Answer``."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Sequence[tuple[str, str]]: ...
    @property
    def body(self) -> bytes: ...


class Answer(NamedTuple):
    """A call's answer: what botocore would have read from the socket."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes


def encode(fields: Sequence[str], body: bytes) -> list[bytes]:
    """A frame as the parts to write: the head with the meta, then the body (not copied)."""
    text = "\n".join(fields)
    kind = LINES
    if text.count("\n") != len(fields) - 1:  # a field holds a newline (or there is none)
        text = json.dumps(fields)
        kind = JSON
    meta = text.encode("utf-8", "surrogatepass")
    head = HEAD.pack(kind, len(meta), len(body)) + meta
    return [head, body] if body else [head]


def decode_meta(kind: int, meta: bytes) -> list[str]:
    try:
        text = meta.decode("utf-8", "surrogatepass")
        if kind == LINES:
            return text.split("\n")
        fields = json.loads(text) if kind == JSON else None
    except ValueError as exc:
        raise FrameError(f"a call frame's meta part cannot be read: {exc}") from exc
    if isinstance(fields, list) and all(isinstance(field, str) for field in fields):
        return fields
    raise FrameError(f"a call frame's meta part is not a list of strings (format {kind})")


def read(stream: BinaryIO) -> tuple[list[str], bytes] | None:
    """The next frame's meta fields and body; None at the end of the pipe between frames.

    FrameError when the pipe ends inside a frame or the head is not one ``encode`` writes.
    """
    head = stream.read(HEAD.size)
    if not head:
        return None
    if len(head) != HEAD.size:
        raise FrameError(f"the call pipe ended inside a frame's head ({len(head)} bytes)")
    kind, meta_size, body_size = HEAD.unpack(head)
    if meta_size > MAX_META:
        raise FrameError(f"a call frame's meta part of {meta_size} bytes (at most {MAX_META})")
    meta = stream.read(meta_size) if meta_size else b""
    body = stream.read(body_size) if body_size else b""
    if len(meta) != meta_size or len(body) != body_size:
        raise FrameError(
            f"the call pipe ended inside a frame: {len(meta)} of {meta_size} meta bytes, "
            f"{len(body)} of {body_size} body bytes"
        )
    return decode_meta(kind, meta), body


def write(fd: int, parts: Sequence[bytes | memoryview]) -> None:
    """Write all of ``parts`` to ``fd``, in one system call unless the pipe takes less."""
    left = sum(map(len, parts))
    while True:
        written = os.writev(fd, parts)
        left -= written
        if not left:
            return
        views: list[bytes | memoryview] = []
        for part in parts:  # keep what was not written; memoryviews, so nothing is copied
            if written >= len(part):
                written -= len(part)
                continue
            views.append(memoryview(part)[written:])
            written = 0
        parts = views


# -- the two directions ---------------------------------------------------------------------------
def call_frame(
    method: str, url: str, headers: Iterable[tuple[str, str]], body: bytes
) -> list[bytes]:
    return encode([method, url, *chain.from_iterable(headers)], body)


def read_call(stream: BinaryIO) -> Call | None:
    """The next call on the pipe, None at its end (FrameError on a broken frame)."""
    frame = read(stream)
    if frame is None:
        return None
    fields, body = frame
    if len(fields) < 2 or len(fields) % 2:
        raise FrameError(f"a call frame holds {len(fields)} meta fields: not method, url, headers")
    return Call(fields[0], fields[1], list(zip(fields[2::2], fields[3::2], strict=True)), body)


def answer_frame(answer: Answered) -> list[bytes]:
    return encode([str(answer.status), *chain.from_iterable(answer.headers)], answer.body)


def read_answer(stream: BinaryIO) -> Answer | None:
    """The next answer on the pipe, None at its end (FrameError on a broken frame)."""
    frame = read(stream)
    if frame is None:
        return None
    fields, body = frame
    if not fields or len(fields) % 2 != 1 or not fields[0].isdigit():
        raise FrameError(f"an answer frame's meta fields do not start with a status: {fields[:1]}")
    return Answer(int(fields[0]), list(zip(fields[1::2], fields[2::2], strict=True)), body)
