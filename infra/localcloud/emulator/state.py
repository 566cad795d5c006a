"""The whole emulated state in one file: saved on a clean stop and at an interval, loaded at start.

What is saved is moto's backends for every service the local cloud serves (their resources and
data, the deployer's stack records in S3, queued messages in their stores with their visibility
and receive counts), pickled. moto's own recorder keeps requests to replay instead; a replay
cannot bring back a message's receive count or visibility, and it would deliver every message
again, so the state is the objects themselves.

The file: a magic line, one JSON header line (format, localcloud and moto versions, when), then
the pickle. It is written to a temporary file in the same folder and renamed over the old one, so
a crash mid-write leaves the previous state whole. A file from another format or version, or one
that does not unpickle, is refused with a message and nothing of it is loaded (a load replaces
moto's backends only once everything is read).

Objects that cannot be pickled as they are get a reducer here: locks, conditions and events come
back new (nothing waits on them in a new process), and moto's weak maps of Lambda ARNs are
rebuilt from their (pickled, shared) values. The local cloud's own pattern slots pickle their
source text and compile again (moto_patches/). A Step Functions execution still running when the
state was saved is loaded as it was then, its status RUNNING, but nothing runs it any more.
"""

from __future__ import annotations

import copyreg
import io
import json
import os
import pickle
import sys
import tempfile
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, cast

from moto.backends import get_backend
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from localcloud import __version__
from localcloud.errors import LocalCloudError

MAGIC = b"LOCALCLOUD-STATE\n"
FORMAT = 1
FILE_NAME = "state.bin"
# Every service the local cloud serves (their backends hold all of its state).
SERVICES = (
    *("sts", "iam", "s3", "sqs", "sns", "events", "lambda", "dynamodb", "logs", "ses"),
    "apigateway",
    "apigatewayv2",
    "scheduler",
    "stepfunctions",
    "cloudwatch",
    "kinesis",
)


def _backends(name: str) -> Any:
    # Step Functions is served by moto's interpreting backend (moto_patches/stepfunctions.py),
    # not the one moto's registry names. moto types get_backend per service name (an overload
    # per literal); any served name will do here.
    if name == "stepfunctions":
        return stepfunctions_parser_backends
    return cast(Callable[[str], Any], get_backend)(name)


class StateError(LocalCloudError):
    """A state file that cannot be loaded; nothing of it was."""


def _reducers() -> dict[Any, Callable[[Any], Any]]:
    table: dict[Any, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table[type(threading.Lock())] = lambda _: (threading.Lock, ())
    table[type(threading.RLock())] = lambda _: (threading.RLock, ())
    table[threading.Condition] = lambda _: (threading.Condition, ())
    table[threading.Event] = lambda _: (threading.Event, ())
    table[weakref.WeakValueDictionary] = lambda held: (weakref.WeakValueDictionary, (dict(held),))
    table[defaultdict] = _default_dict
    return table


def _default_dict(held: defaultdict[Any, Any]) -> tuple[Any, ...]:
    """A defaultdict whose factory is a lambda (moto's ``defaultdict(lambda: {})``) is saved with
    the type that factory makes, which makes the same empty values."""
    factory = held.default_factory
    if factory is not None and getattr(factory, "__name__", "") == "<lambda>":
        factory = type(factory())
    return (defaultdict, (factory,), None, None, iter(held.items()))


class _Pickler(pickle.Pickler):
    dispatch_table = _reducers()


def header() -> dict[str, Any]:
    return {"format": FORMAT, "localcloud": __version__, "moto": version("moto")}


def snapshot() -> bytes:
    """Every served service's backends, pickled with the header in front."""
    data = {
        name: {account: dict(regions) for account, regions in _backends(name).items()}
        for name in SERVICES
    }
    buffer = io.BytesIO()
    # The pickler runs in C and gives up the interpreter rarely; a long switch interval keeps
    # request threads from changing what it is reading (interval saves run while serving).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(5.0)
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
    finally:
        sys.setswitchinterval(interval)
    head = json.dumps({**header(), "saved_at": time.time()}).encode()
    return MAGIC + head + b"\n" + buffer.getvalue()


def save(folder: Path) -> int:
    """Write the state into ``folder`` atomically; the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    data = snapshot()
    handle, temporary = tempfile.mkstemp(prefix=".state-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, folder / FILE_NAME)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(data)


def load(folder: Path) -> bool:
    """Replace moto's backends with the state saved in ``folder``; False when there is none."""
    path = folder / FILE_NAME
    if not path.is_file():
        return False
    data = _read(path)
    for name, accounts in data.items():
        backends = _backends(name)
        backends.clear()
        for account, regions in accounts.items():
            holder = backends[account]  # made by moto, as for a first request
            for region, backend in regions.items():
                dict.__setitem__(holder, region, backend)
    return True


def _read(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if not raw.startswith(MAGIC):
        raise StateError(
            f"{path} is not a local cloud state file; move it away or pick another --state"
        )
    head_line, _, payload = raw[len(MAGIC) :].partition(b"\n")
    try:
        saved = json.loads(head_line)
    except ValueError as exc:
        raise StateError(
            f"{path} is corrupted (its header does not parse); nothing was loaded"
        ) from exc
    expected = header()
    if {key: saved.get(key) for key in expected} != expected:
        raise StateError(
            f"{path} was saved by localcloud {saved.get('localcloud')} with moto "
            f"{saved.get('moto')} (format {saved.get('format')}); this is localcloud "
            f"{expected['localcloud']} with moto {expected['moto']} (format {FORMAT}), which "
            "cannot read it: start without --state, or with another folder"
        )
    try:
        data = pickle.loads(payload)
    except Exception as exc:
        raise StateError(
            f"{path} is corrupted ({type(exc).__name__}: {exc}); nothing was loaded and the "
            "file is left as it is"
        ) from exc
    if not isinstance(data, dict) or set(data) - set(SERVICES):
        raise StateError(f"{path} holds no local cloud state; nothing was loaded")
    return data
