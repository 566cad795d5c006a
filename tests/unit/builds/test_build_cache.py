"""Builds of requirements.txt: installed once per distinct content, found again without work.

pip installs wheels made on the spot (no package index), so these need no network.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from wheels import make_wheel

from localcloud.build import BuildCache, BuildError


def _code(folder: Path, requirements: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "requirements.txt").write_text(requirements)
    return folder


def test_a_build_installs_the_requirements_once_and_a_rebuild_does_no_work(
    tmp_path: Path,
) -> None:
    wheel = make_wheel(tmp_path, "tinydep", "VALUE = 42\n")
    code = _code(tmp_path / "fn", f"{wheel}\n")
    lines: list[str] = []
    builds = BuildCache(tmp_path / "cache", report=lines.append)

    site = builds.site(code, what="function Fn")
    again = BuildCache(tmp_path / "cache", report=lines.append).site(code, what="function Fn")

    assert site is not None and (site / "tinydep.py").read_text() == "VALUE = 42\n"
    assert again == site
    # one line as the build starts, one when it ends; nothing for the rebuild
    assert len(lines) == 2
    assert lines[0].startswith("build function Fn: installing into ")
    assert lines[1].startswith("build function Fn: done in ")


def test_functions_sharing_requirements_share_one_build(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "tinydep")
    lines: list[str] = []
    builds = BuildCache(tmp_path / "cache", report=lines.append)

    first = builds.site(_code(tmp_path / "a", f"{wheel}\n"))
    second = builds.site(_code(tmp_path / "b", f"{wheel}\n"))

    assert first == second
    assert len(lines) == 2


def test_changed_requirements_make_a_new_build(tmp_path: Path) -> None:
    code = _code(tmp_path / "fn", f"{make_wheel(tmp_path, 'tinydep')}\n")
    builds = BuildCache(tmp_path / "cache")
    before = builds.site(code)

    (code / "requirements.txt").write_text(f"{make_wheel(tmp_path, 'otherdep')}\n")
    after = builds.site(code)

    assert before is not None and after is not None and before != after
    assert (after / "otherdep.py").exists() and not (after / "tinydep.py").exists()


def test_no_requirements_means_no_build(tmp_path: Path) -> None:
    empty = _code(tmp_path / "fn", "\n")
    builds = BuildCache(tmp_path / "cache")

    assert builds.site(tmp_path / "missing") is None
    assert builds.site(empty) is None
    assert not (tmp_path / "cache").exists()


def test_a_failed_install_names_what_failed_and_leaves_no_build(tmp_path: Path) -> None:
    code = _code(tmp_path / "fn", f"{tmp_path / 'no-such-1.0-py3-none-any.whl'}\n")
    builds = BuildCache(tmp_path / "cache")

    with pytest.raises(BuildError, match="build function Broken: installing its requirements"):
        builds.site(code, what="function Broken")

    built = [p for p in (tmp_path / "cache").iterdir() if p.is_dir()]
    assert built == []


def test_the_runtime_folder_holds_what_awss_python_runtime_ships_and_nothing_else(
    tmp_path: Path,
) -> None:
    folder = BuildCache(tmp_path / "cache").runtime_site()

    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["boto3", "botocore", "dateutil", "jmespath", "s3transfer", "six.py", "urllib3"]
    )
    assert (folder / "boto3" / "__init__.py").exists()


def test_uv_installs_when_it_is_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in uv that records its arguments and installs one module where --target says.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "uv"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        "args = sys.argv[1:]\n"
        "target = pathlib.Path(args[args.index('--target') + 1])\n"
        "target.mkdir(parents=True)\n"
        "(target / 'byuv.py').write_text(repr(args))\n"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    code = _code(tmp_path / "fn", "anything==1.0\n")

    site = BuildCache(tmp_path / "cache").site(code)

    assert site is not None
    args = (site / "byuv.py").read_text()
    assert args.startswith("['pip', 'install', '--python', ")
    assert "'-r', " in args and str(code / "requirements.txt") in args
