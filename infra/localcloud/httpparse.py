"""The request head parser the HTTP server (httpserver.py) frames requests with.

waitress's parser, with two corrections and one shortcut:

- It does not expect a body a request says it does not have: botocore sends ``Expect:
  100-continue`` with every S3 PutObject, an empty one included (``Content-Length: 0``);
  waitress answered ``100 Continue`` and then waited for the body of a request it had
  already found complete, until the client timed out.
- It keeps the ``x-amz-meta-*`` headers whose names hold underscores (S3 metadata keys such
  as ``my_key``), which waitress drops as WSGI cannot tell ``_`` from ``-``; the task hands
  them to moto as moto's own server does (emulator/wire.py).
- A plain head (what every SDK sends: HTTP/1.0 or 1.1, well-formed fields, each name once, a
  Content-Length or none, no Transfer-Encoding, no underscored names) is checked by one
  regular expression over all its fields and split by another, where waitress checks and
  splits line by line in Python: about half of the HTTP layer's CPU per request. It sets
  exactly what waitress's parse sets; any other head goes through waitress's parse, which
  accepts or refuses it as it always has (tests/unit/test_httpparse.py compares the two on
  generated heads).
"""

from __future__ import annotations

import re

from waitress.buffers import OverflowableBuffer
from waitress.parser import HTTPRequestParser, ParsingError, crack_first_line, split_uri
from waitress.receiver import FixedStreamReceiver

from localcloud.emulator import wire

# RFC 7230's token, without "_" (a name with one goes the long way, see above).
_NAME = rb"[!#$%&'*+\-.^`|~0-9A-Za-z]+"
# A field value: visible characters and obs-text, single spaces or tabs between them.
_VALUE = rb"(?:[\x21-\x7e\x80-\xff]+(?:[ \t]+[\x21-\x7e\x80-\xff]+)*)?"
# Every field of a plain head, each on its own CRLF-ended line; the blank line that ends it.
PLAIN_FIELDS = re.compile(rb"(?:" + _NAME + rb":[ \t]*" + _VALUE + rb"[ \t]*\r\n)*(?:\r\n)*")
# One field of a head PLAIN_FIELDS accepted: its name and its value without the spaces around.
FIELD = re.compile(rb"(" + _NAME + rb"):[ \t]*(" + _VALUE + rb")[ \t]*\r\n")
VERSIONS = (b"1.0", b"1.1")


class RequestParser(HTTPRequestParser):
    """waitress's request parser with the corrections and the shortcut above."""

    expect_continue: bool
    chunked: bool
    content_length: int

    def parse_header(self, header_plus: bytes) -> None:
        self.underscored: list[tuple[str, str]] = []
        plain = self._parse_plain(header_plus)
        if not plain:
            self.headers: dict[str, str] = {}
            super().parse_header(header_plus)
        if self.expect_continue and not self.chunked and self.content_length == 0:
            self.expect_continue = False
        if plain or b"_" not in header_plus:  # a plain head has no underscored name
            return
        for line in header_plus.split(b"\r\n")[1:]:
            name, colon, value = line.partition(b":")
            if colon and b"_" in name and wire.keeps_header(name.decode("latin-1")):
                self.underscored.append(
                    (name.decode("latin-1"), value.strip(b" \t").decode("latin-1"))
                )

    def _parse_plain(self, header_plus: bytes) -> bool:
        """Parse a plain head as waitress would; False (nothing set) for any other head."""
        first_line, crlf, fields = header_plus.partition(b"\r\n")
        first_line = first_line.rstrip()
        if not crlf or b"\r" in first_line or b"\n" in first_line:
            return False
        if PLAIN_FIELDS.fullmatch(fields) is None:
            return False
        pairs = FIELD.findall(fields)
        headers = {
            name.upper().replace(b"-", b"_").decode("latin-1"): value.decode("latin-1")
            for name, value in pairs
        }
        length = headers.get("CONTENT_LENGTH", "0")
        if (
            len(headers) != len(pairs)  # a repeated name: waitress joins the values
            or "TRANSFER_ENCODING" in headers
            or not length.isascii()
            or not length.isdigit()
        ):
            return False
        try:
            method, uri, version = crack_first_line(first_line)
            parts = split_uri(uri) if version in VERSIONS else None
        except ParsingError:
            return False  # waitress's parse refuses it, in its words
        if parts is None:
            return False
        self.headers = headers
        self.first_line = first_line
        self.request_uri = uri.decode("latin-1")
        self.command = method.decode("latin-1")
        self.version = version.decode("latin-1")
        (self.proxy_scheme, self.proxy_netloc, self.path, self.query, self.fragment) = parts
        self.url_scheme = self.adj.url_scheme
        connection = headers.get("CONNECTION", "").lower()
        if self.version == "1.0":
            self.connection_close = connection != "keep-alive"
        else:
            self.expect_continue = headers.get("EXPECT", "").lower() == "100-continue"
            self.connection_close = connection == "close"
        self.content_length = int(length)
        if self.content_length > 0:
            buffer = OverflowableBuffer(self.adj.inbuf_overflow)
            self.body_rcv = FixedStreamReceiver(self.content_length, buffer)
        return True
