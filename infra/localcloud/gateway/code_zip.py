"""Whether a Lambda deployment package can be unpacked, checked when it is uploaded.

Lambda unzips a package when it is uploaded (CreateFunction, UpdateFunctionCode,
PublishLayerVersion) and refuses one it cannot unzip then, so a function never exists whose
every invocation would fail. moto stores any bytes; the engine only unzips at the first Invoke.
This module holds the check the gateway runs at upload instead: the bytes are a zip, every
member's data is intact, no member escapes the folder it is unpacked into, no file has the name
of a folder (``a`` and ``a/b.txt``), and the unpacked size is within Lambda's quota.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from localcloud.gateway.errors import InvalidParameterValueError

# Lambda's words for these refusals (as its API answers them).
UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again."
EMPTY = "Uploaded file must be a non-empty zip"
# The deployment package quota, unzipped: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
MAX_UNZIPPED = 262_144_000


def check(data: bytes) -> None:
    """Raise Lambda's InvalidParameterValueException unless ``data`` unzips cleanly."""
    if not data:
        raise InvalidParameterValueError(EMPTY)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            problem = _layout_problem([member.filename for member in members])
            if problem is None and sum(member.file_size for member in members) > MAX_UNZIPPED:
                raise InvalidParameterValueError(
                    f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes"
                )
            if problem is None and archive.testzip() is not None:
                problem = "a member's data is corrupt"
    # NotImplementedError: a compression method zipfile lacks; RuntimeError: an encrypted member.
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise InvalidParameterValueError(f"{UNZIP_FAILED} ({exc})") from exc
    if problem is not None:
        raise InvalidParameterValueError(f"{UNZIP_FAILED} ({problem})")


def _layout_problem(names: list[str]) -> str | None:
    """Why these member names cannot be unpacked into one folder, or None."""
    files: set[str] = set()
    folders: set[str] = set()
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            return f"{name!r} is outside the folder the package unpacks into"
        parts = path.parts
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
        if name.endswith("/"):
            folders.add("/".join(parts))
        else:
            files.add("/".join(parts))
    clash = sorted(files & folders)
    if clash:
        return f"{clash[0]!r} is both a file and a folder"
    return None
