"""A deployment package is checked when it is uploaded: a zip, intact, unpackable into one
folder, within Lambda's unzipped quota; each refusal in Lambda's words."""

from __future__ import annotations

import io
import zipfile

import pytest

from localcloud.gateway import code_zip
from localcloud.gateway.errors import InvalidParameterValueError


def package(*names: str, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name in names:
            archive.writestr(name, "" if name.endswith("/") else f"# {name}\n")
    return buffer.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(InvalidParameterValueError) as caught:
        code_zip.check(data)
    return str(caught.value)


@pytest.mark.parametrize(
    "names",
    [("index.py",), ("index.py", "lib/", "lib/util.py"), ("a/b/c.py", "a/d.py")],
)
def test_a_package_that_unpacks_passes(names: tuple[str, ...]) -> None:
    code_zip.check(package(*names, compression=zipfile.ZIP_DEFLATED))


def test_bytes_that_are_not_a_zip_are_refused() -> None:
    assert refusal(b"PK not really").startswith(code_zip.UNZIP_FAILED)


def test_an_empty_upload_is_refused_as_lambda_words_it() -> None:
    assert refusal(b"") == "Uploaded file must be a non-empty zip"


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        (("a", "a/b.txt"), "'a' is both a file and a folder"),
        (("a/b.txt", "a"), "'a' is both a file and a folder"),
        (("x/y", "x/y/"), "'x/y' is both a file and a folder"),
        (("../up.py",), "outside the folder"),
        (("/etc/passwd",), "outside the folder"),
        (("a/../../up.py",), "outside the folder"),
    ],
)
def test_a_package_that_cannot_be_unpacked_into_one_folder_is_refused(
    names: tuple[str, ...], problem: str
) -> None:
    message = refusal(package(*names))
    assert message.startswith(code_zip.UNZIP_FAILED)
    assert problem in message


def test_a_member_whose_data_is_corrupt_is_refused() -> None:
    data = bytearray(package("index.py"))
    data[data.index(b"# index.py")] ^= 0xFF  # the stored data no longer matches its CRC
    assert "corrupt" in refusal(bytes(data)) or "CRC" in refusal(bytes(data))


def test_a_truncated_package_is_refused() -> None:
    data = package("index.py", "lib/util.py")
    assert refusal(data[: len(data) // 2]).startswith(code_zip.UNZIP_FAILED)
