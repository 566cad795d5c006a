"""What moto reads from a WSGI environ beyond WSGI itself, as moto's own server provides it.

moto's server runs on werkzeug's development server, which also sets ``RAW_URI`` (the request
target as sent, before percent-decoding) and, through moto's request handler, keeps the original
spelling of ``x-amz-meta-*`` headers whose names hold underscores. moto matches S3 keys against
the raw path (a key may contain ``?`` or an encoded ``/``) and takes metadata keys from those
names. The local cloud's doors (HTTP, the handlers' call pipe) call ``complete`` so
moto sees the same environ whichever server it runs behind.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)

# Where ``complete`` records the underscored names (environ key -> name as sent).
PRESERVED_NAMES = PRESERVED_HEADER_NAMES_ENVIRON_KEY


def keeps_header(name: str) -> bool:
    """Whether a header WSGI cannot carry (an underscore in its name) must reach moto anyway."""
    return should_preserve_original_header_name(name)


def complete(
    environ: MutableMapping[str, Any],
    raw_uri: str,
    underscored: Iterable[tuple[str, str]] = (),
) -> None:
    """Add ``RAW_URI`` and the ``keeps_header`` headers (name, value) to ``environ``."""
    environ.setdefault("RAW_URI", raw_uri)
    names: dict[str, str] = {}
    for name, value in underscored:
        if not keeps_header(name):
            continue
        key = environ_key_for_header(name)
        if key in environ and key not in names:
            continue  # never let an underscored header stand in for a dashed one
        names.setdefault(key, name)
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    if names:
        environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = names
