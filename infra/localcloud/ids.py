"""Ids that must be unique, not secret: request ids, trace roots, hop ids.

They come from one generator seeded once from the system's randomness, which spares the
``getrandom`` system call (and the GIL hand-off around it) that ``uuid.uuid4`` or ``secrets``
cost on every request, invocation and hop: 2.3 -> 0.9 us per request id uncontended.
"""

from __future__ import annotations

import random
import secrets

_ids = random.Random(secrets.randbits(64))


def bits(count: int) -> int:
    """``count`` random bits."""
    return _ids.getrandbits(count)


def request_id() -> str:
    """A request id shaped as AWS's and Lambda's are: a random (version 4) UUID's text."""
    digits = f"{_ids.getrandbits(128):032x}"
    variant = "89ab"[int(digits[16], 16) & 3]
    return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{variant}{digits[17:20]}-{digits[20:]}"
