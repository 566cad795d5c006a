"""tests/moto/compare.py, which `make test-moto` ends with: node ids from JUnit reports, gaps
against moto's server, the exceptions file, and the exit code (a suite that ran no test fails).
No network, no server: reports are written to a temporary folder."""

from __future__ import annotations

import importlib.util
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "moto" / "compare.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("moto_compare", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


compare = load()
FILE = "tests/test_sqs/test_sqs.py"


def case(name: str, outcome: str = "passed", cls: str = "") -> str:
    classname = "tests.test_sqs.test_sqs" + (f".{cls}" if cls else "")
    inner = {"failed": "<failure message='x'/>", "skipped": "<skipped message='x'/>"}.get(
        outcome, ""
    )
    return f'<testcase file="{FILE}" classname="{classname}" name="{name}">{inner}</testcase>'


def write_run(root: Path, server: str, suite: str, cases: list[str], code: int = 0) -> None:
    folder = root / server
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{suite}.xml").write_text(
        f"<testsuites><testsuite>{''.join(cases)}</testsuite></testsuites>"
    )
    (folder / f"{suite}.exit").write_text(f"{code}\n")
    (folder / f"{suite}.time").write_text("1.50\n")


def exceptions_file(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "exceptions.toml"
    path.write_text(body)
    return path


def run(tmp_path: Path, exceptions: Path, *suites: str) -> int:
    results = tmp_path / "results"
    args = ["--results", str(results), "--exceptions", str(exceptions), *suites]
    return int(compare.main(args))


def test_node_ids_are_pytests_with_and_without_a_class() -> None:
    plain = ET.fromstring(case("test_a"))
    method = ET.fromstring(case("test_b", cls="TestQueues"))

    assert compare.node_id(plain) == f"{FILE}::test_a"
    assert compare.node_id(method) == f"{FILE}::TestQueues::test_b"


def test_a_test_reported_twice_keeps_its_worst_outcome(tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    report.write_text(f"<testsuite>{case('test_a')}{case('test_a', 'failed')}</testsuite>")

    assert compare.read_report(report) == {f"{FILE}::test_a": "failed"}


def test_a_test_passing_on_moto_and_failing_here_is_a_gap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    write_run(results, "moto", "sqs", [case("test_a"), case("test_b"), case("test_c", "failed")])
    write_run(
        results,
        "localcloud",
        "sqs",
        [case("test_a"), case("test_b", "failed"), case("test_c")],
        code=1,
    )

    code = run(tmp_path, exceptions_file(tmp_path), "sqs")

    out = capsys.readouterr().out
    assert code == 1
    assert f"GAP       {FILE}::test_b" in out
    assert f"gained    {FILE}::test_c" in out
    assert out.rstrip().endswith("test-moto: 2 passed, 1 failed, 0 skipped")


def test_a_listed_exception_is_no_gap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = tmp_path / "results"
    write_run(results, "moto", "sqs", [case("test_a"), case("test_b")])
    write_run(results, "localcloud", "sqs", [case("test_a"), case("test_b", "failed")], code=1)
    listed = exceptions_file(
        tmp_path,
        f'[[exception]]\ntest = "{FILE}::test_b"\nreason = "AWS does X"\naws = "https://docs"\n',
    )

    code = run(tmp_path, listed, "sqs")

    assert code == 0
    assert f"excepted  {FILE}::test_b: AWS does X" in capsys.readouterr().out


def test_an_exception_that_no_longer_differs_is_reported_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    write_run(results, "moto", "sqs", [case("test_a")])
    write_run(results, "localcloud", "sqs", [case("test_a")])
    listed = exceptions_file(
        tmp_path, f'[[exception]]\ntest = "{FILE}::test_a"\nreason = "r"\naws = ["u"]\n'
    )

    assert run(tmp_path, listed, "sqs") == 0
    assert f"stale     {FILE}::test_a" in capsys.readouterr().out


@pytest.mark.parametrize(("code", "cases"), [(5, []), (2, [case("test_a")]), (0, [])])
def test_a_suite_that_ran_no_test_or_did_not_finish_fails_the_run(
    tmp_path: Path, code: int, cases: list[str]
) -> None:
    results = tmp_path / "results"
    write_run(results, "moto", "sqs", [case("test_a")])
    write_run(results, "localcloud", "sqs", cases, code=code)

    assert run(tmp_path, exceptions_file(tmp_path), "sqs") == 1


def test_a_suite_without_results_fails_the_run(tmp_path: Path) -> None:
    write_run(tmp_path / "results", "moto", "sqs", [case("test_a")])

    assert run(tmp_path, exceptions_file(tmp_path), "sqs") == 1


def test_an_exception_needs_its_aws_documentation(tmp_path: Path) -> None:
    listed = exceptions_file(tmp_path, '[[exception]]\ntest = "t"\nreason = "r"\n')

    with pytest.raises(ValueError, match="aws"):
        compare.load_exceptions(listed)


def test_the_committed_exceptions_file_is_valid_and_cites_aws_for_each() -> None:
    listed = compare.load_exceptions(SCRIPT.parent / "exceptions.toml")

    assert listed
    for entry in listed.values():
        assert entry.test.startswith("tests/test_")
        assert all(url.startswith("https://docs.aws.amazon.com/") for url in entry.aws)
