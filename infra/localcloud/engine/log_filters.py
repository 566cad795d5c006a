"""Subscription filter patterns over unstructured log events, compiled once.

The forms matched are the term forms of CloudWatch Logs' filter pattern syntax: the empty pattern
(every event), terms that must all appear (``ERROR Exception``), quoted phrases
(``"Task timed out"``), terms that must not appear (``-DEBUG``), and terms of which any one
must appear (``?ERROR ?WARN``), and ``[]``, the space-delimited form naming no field and so
setting no condition (every event). Matching is case-sensitive and looks for the text anywhere
in the message. JSON (``{ $.level = ... }``), other space-delimited (``[ip, user, ...]``), regular
expression (``%...%``) and wildcard patterns are refused with LogFilterPatternError, so a filter
never silently delivers events AWS would not (or keeps back ones it would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from localcloud.engine.errors import LogFilterPatternError

# A quoted phrase (backslash escapes inside) or a bare run of non-space characters, each with an
# optional leading ? or -.
_TOKEN = re.compile(r'\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')
_UNSUPPORTED = (
    'the local cloud matches term patterns only (ERROR, "a phrase", -EXCLUDED, ?ANY ?OF); '
    "use one of those or an empty pattern for every event"
)


@dataclass(frozen=True)
class LogFilter:
    """A compiled pattern: every ``required`` text, no ``excluded`` one, and one of ``any_of``
    when it has any."""

    pattern: str
    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    def matches(self, message: str) -> bool:
        if any(text not in message for text in self.required):
            return False
        if any(text in message for text in self.excluded):
            return False
        return not self.any_of or any(text in message for text in self.any_of)


def compile_pattern(pattern: str) -> LogFilter:
    """The filter for ``pattern``; LogFilterPatternError for a form not matched locally."""
    text = pattern.strip()
    if text.startswith("[") and not text[1:].removesuffix("]").strip() and text.endswith("]"):
        return LogFilter(pattern)  # no field, no condition: every event
    if text[:1] in ("{", "[") or (text.startswith("%") and text.endswith("%") and len(text) > 1):
        raise LogFilterPatternError(f"filter pattern {pattern!r}: {_UNSUPPORTED}")
    required: list[str] = []
    excluded: list[str] = []
    any_of: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise LogFilterPatternError(f"filter pattern {pattern!r}: unbalanced quotes")
        position = match.end()
        prefix, quoted, bare = match.groups()
        if bare is not None and '"' in bare:
            raise LogFilterPatternError(f"filter pattern {pattern!r}: unbalanced quotes")
        if bare is not None and ("*" in bare or bare.startswith("%")):
            raise LogFilterPatternError(f"filter pattern {pattern!r}: {_UNSUPPORTED}")
        term = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
        if not term:
            continue
        {"?": any_of, "-": excluded, "": required}[prefix].append(term)
    if any_of and (required or excluded):
        raise LogFilterPatternError(
            f"filter pattern {pattern!r} mixes ?terms with other terms; the local cloud matches "
            "either all ?terms (any one of them) or plain and -terms (all of them)"
        )
    return LogFilter(pattern, tuple(required), tuple(excluded), tuple(any_of))
