"""A function's zip is extracted once, even when its first invocations arrive together."""

from __future__ import annotations

import io
import threading
import uuid
import zipfile
from typing import Any


def test_concurrent_first_invocations_share_one_extraction(localcloud: Any) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", f"MARK = {uuid.uuid4().hex!r}\n")
        for n in range(300):  # enough files that extractions overlap
            zipped.writestr(f"package/module_{n}.py", "VALUE = 1\n" * 50)
    data = archive.getvalue()
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def extract() -> None:
        start.wait()
        try:
            results.append(localcloud.runtime.catalog._extract(data))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=extract) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 8 and len(set(results)) == 1
