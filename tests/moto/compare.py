"""moto's own test suites on moto's server and on the local cloud, side by side (`make test-moto`).

Reads what tests/moto/run.sh left per server and suite (``<results>/<server>/<suite>.xml``, the
JUnit report; ``.exit``, pytest's exit code; ``.time``, wall seconds) and prints

1. every test of every suite with its outcome on each server (both pass lists in one),
2. the differences: tests that pass on moto's server and not here (a gap, unless
   exceptions.toml lists it as the local cloud deliberately doing what AWS does), and the reverse,
3. a table per suite: passed, failed, skipped and wall time on each server, and the time ratio.

Exits 1 when there is a gap, or when a suite has no result on either server, ran no test (pytest's
exit code 5) or did not finish (no report, or an exit code pytest does not give for test
failures). Speed is reported, not enforced: timings belong in benchmarks, not in pass/fail.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
SERVERS = ("moto", "localcloud")
# pytest's exit codes for "the tests ran" (0 all passed, 1 some failed); 5 is "no tests ran".
RAN = (0, 1)
# The target: every suite within this factor of moto's own server's wall time.
TIME_TARGET = 1.5
# Worst first: a test reported twice (a teardown error after a pass) keeps its worst outcome.
RANK = {FAILED: 2, PASSED: 1, SKIPPED: 0}


@dataclass(frozen=True)
class SuiteRun:
    """One suite's run on one server."""

    outcomes: Mapping[str, str]  # pytest node id -> passed, failed or skipped
    exit_code: int | None
    seconds: float | None

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)

    @property
    def problem(self) -> str | None:
        """Why this run cannot be compared, or None."""
        if self.exit_code == 5:
            return "ran no test (pytest exit code 5)"
        if self.exit_code not in RAN:
            return f"did not finish (exit code {self.exit_code})"
        if not self.outcomes:
            return "reported no test"
        return None


@dataclass(frozen=True)
class Deliberate:
    """A test the local cloud deliberately fails where moto's server passes: AWS decides."""

    test: str
    reason: str
    aws: tuple[str, ...]


@dataclass
class Comparison:
    suite: str
    moto: SuiteRun | None
    localcloud: SuiteRun | None
    gaps: list[str] = field(default_factory=list)  # pass on moto, not here, not excepted
    excepted: list[str] = field(default_factory=list)  # pass on moto, not here, excepted
    gained: list[str] = field(default_factory=list)  # pass here, not on moto

    @property
    def problems(self) -> list[str]:
        found = []
        for server, run in (("moto", self.moto), ("localcloud", self.localcloud)):
            if run is None:
                found.append(f"{self.suite} on {server}: no result")
            elif run.problem:
                found.append(f"{self.suite} on {server}: {run.problem}")
        return found


def node_id(case: ET.Element) -> str:
    """The pytest node id of a JUnit (xunit1) test case: file::Class::name."""
    file = case.get("file") or ""
    classname = case.get("classname") or ""
    module = file.removesuffix(".py").replace("/", ".")
    cls = classname[len(module) + 1 :] if file and classname.startswith(module + ".") else ""
    parts = [file or classname, cls, case.get("name") or ""]
    return "::".join(part for part in parts if part)


def outcome_of(case: ET.Element) -> str:
    if case.find("failure") is not None or case.find("error") is not None:
        return FAILED
    if case.find("skipped") is not None:  # skips and expected failures
        return SKIPPED
    return PASSED


def read_report(path: Path) -> dict[str, str]:
    outcomes: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test, outcome = node_id(case), outcome_of(case)
        if RANK[outcome] >= RANK.get(outcomes.get(test, SKIPPED), 0):
            outcomes[test] = outcome
    return outcomes


def load_run(results: Path, server: str, suite: str) -> SuiteRun | None:
    """What run.sh left for ``suite`` on ``server``, or None when it left nothing."""
    base = results / server / suite
    exit_file, report = base.with_suffix(".exit"), base.with_suffix(".xml")
    if not exit_file.exists():
        return None
    time_file = base.with_suffix(".time")
    return SuiteRun(
        outcomes=read_report(report) if report.exists() and report.stat().st_size else {},
        exit_code=int(exit_file.read_text().strip() or -1),
        seconds=float(time_file.read_text()) if time_file.exists() else None,
    )


def load_exceptions(path: Path) -> dict[str, Deliberate]:
    """exceptions.toml: ``[[exception]]`` tables with ``test``, ``reason`` and ``aws`` (URLs)."""
    document = tomllib.loads(path.read_text()) if path.exists() else {}
    found: dict[str, Deliberate] = {}
    for index, entry in enumerate(document.get("exception", []), start=1):
        test, reason, aws = entry.get("test"), entry.get("reason"), entry.get("aws")
        if isinstance(aws, str):
            aws = [aws]
        if not test or not reason or not aws:
            raise ValueError(
                f"{path}: exception {index} needs test, reason and aws (the AWS documentation "
                f"that decides), got {sorted(entry)}"
            )
        if test in found:
            raise ValueError(f"{path}: {test} is listed twice")
        found[test] = Deliberate(str(test), str(reason), tuple(str(url) for url in aws))
    return found


def compare(
    suite: str,
    moto: SuiteRun | None,
    localcloud: SuiteRun | None,
    exceptions: Mapping[str, Deliberate],
) -> Comparison:
    result = Comparison(suite, moto, localcloud)
    if moto is None or localcloud is None:
        return result
    for test in sorted(set(moto.outcomes) | set(localcloud.outcomes)):
        on_moto, here = moto.outcomes.get(test), localcloud.outcomes.get(test)
        if on_moto == PASSED and here != PASSED:
            (result.excepted if test in exceptions else result.gaps).append(test)
        elif here == PASSED and on_moto != PASSED:
            result.gained.append(test)
    return result


def _cells(run: SuiteRun | None) -> list[str]:
    if run is None:
        return ["-", "-", "-", "-"]
    seconds = f"{run.seconds:.1f}" if run.seconds is not None else "-"
    return [str(run.count(PASSED)), str(run.count(FAILED)), str(run.count(SKIPPED)), seconds]


def table(comparisons: Sequence[Comparison]) -> list[str]:
    """One row per suite: each server's passed, failed, skipped and seconds, and the ratio."""
    rows = [
        ["suite", "moto passed", "failed", "skipped", "s", "local passed", "failed", "skipped", "s"]
    ]
    ratios = ["time ratio"]
    for item in comparisons:
        rows.append([item.suite, *_cells(item.moto), *_cells(item.localcloud)])
        moto_s = item.moto.seconds if item.moto else None
        here_s = item.localcloud.seconds if item.localcloud else None
        ratio = ""
        if moto_s and here_s:
            ratio = f"{here_s / moto_s:.2f}x"
            if here_s > TIME_TARGET * moto_s:
                ratio += f" (over {TIME_TARGET}x)"
        ratios.append(ratio)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row, ratio in zip(rows, ratios, strict=True):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append(" | ".join([cells[0], " ".join(cells[1:5]), " ".join(cells[5:9]), ratio]))
    return lines


def outcome_lists(comparisons: Iterable[Comparison]) -> list[str]:
    """Every test with its outcome on moto's server and here: both pass lists in one."""
    lines = [f"{'moto':<8} {'local':<8} test"]
    for item in comparisons:
        moto = item.moto.outcomes if item.moto else {}
        here = item.localcloud.outcomes if item.localcloud else {}
        for test in sorted(set(moto) | set(here)):
            lines.append(f"{moto.get(test, '-'):<8} {here.get(test, '-'):<8} {test}")
    return lines


def report(
    comparisons: Sequence[Comparison], exceptions: Mapping[str, Deliberate], lists: bool
) -> tuple[list[str], int]:
    """The lines to print and the exit code."""
    lines: list[str] = []
    if lists:
        lines += ["== every test, by server", *outcome_lists(comparisons), ""]
    lines.append("== differences")
    failed = False
    for item in comparisons:
        for test in item.gaps:
            lines.append(f"GAP       {test}: passes on moto's server, not on the local cloud")
            failed = True
        for test in item.excepted:
            reason = " ".join(exceptions[test].reason.split())  # one line, however it is wrapped
            lines.append(f"excepted  {test}: {reason}")
        for test in item.gained:
            lines.append(f"gained    {test}: passes on the local cloud, not on moto's server")
        for problem in item.problems:
            lines.append(f"BROKEN    {problem}")
            failed = True
    compared = {test for item in comparisons for test in item.excepted}
    ran = {test for item in comparisons if item.localcloud for test in item.localcloud.outcomes}
    for test in sorted(set(exceptions) & ran - compared):
        lines.append(f"stale     {test}: listed in exceptions.toml but no longer a difference")
    lines += ["", "== per suite (moto's server | the local cloud)", *table(comparisons), ""]
    here = [item.localcloud for item in comparisons if item.localcloud is not None]
    gaps = sum(len(item.gaps) for item in comparisons)
    lines.append(
        f"{gaps} gap(s), "
        f"{sum(len(item.excepted) for item in comparisons)} deliberate difference(s), "
        f"{sum(len(item.problems) for item in comparisons)} broken suite run(s)"
    )
    lines.append(
        f"test-moto: {sum(run.count(PASSED) for run in here)} passed, "
        f"{sum(run.count(FAILED) for run in here)} failed, "
        f"{sum(run.count(SKIPPED) for run in here)} skipped"
    )
    return lines, 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="+", help="suite names (sqs, sns, events, ...)")
    parser.add_argument("--results", type=Path, required=True, help="run.sh's results folder")
    parser.add_argument("--exceptions", type=Path, required=True, help="exceptions.toml")
    parser.add_argument(
        "--no-lists", action="store_true", help="leave out the list of every test's outcomes"
    )
    args = parser.parse_args(argv)
    exceptions = load_exceptions(args.exceptions)
    comparisons = [
        compare(
            suite,
            load_run(args.results, "moto", suite),
            load_run(args.results, "localcloud", suite),
            exceptions,
        )
        for suite in args.suites
    ]
    lines, code = report(comparisons, exceptions, lists=not args.no_lists)
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main())
