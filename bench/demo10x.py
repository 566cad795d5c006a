"""The `make demo` user-service flow at 10x its size, on this project alone (tracked over time).

The scenario of events/demo is copied to a temporary folder with every API call sequence and
every CSV row repeated ten times under distinct e-mails, and the checks scaled to match; the
outbox fault-injection steps (one e-mail's relay failing exactly once) are a correctness check
that does not scale, so they and the checks on the outbox table are left out. Then
`localcloud demo --events <folder>` runs it (deploy, sources, settle, checks) in a subprocess and
its own timings are read from its output. The 1x demo is timed the same way for reference.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
EVENTS = REPO / "events"
SETTLE_QUIET_S = 1.5  # localcloud.demo waits this long with nothing moving before it stops


def _scaled_calls(calls: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    scaled = []
    for copy in range(copies):
        text = json.dumps(calls)
        # distinct e-mails and refs per copy, the same local parts otherwise
        text = re.sub(r"([A-Za-z.]+)@example\.com", rf"\g<1>{copy}@example.com", text)
        text = re.sub(r'"ref": "(\w+)"', rf'"ref": "\g<1>{copy}"', text)
        text = re.sub(r"\{(\w+)\}", rf"{{\g<1>{copy}}}", text)
        scaled += json.loads(text)
    return scaled


def _scaled_csv(text: str, copies: int) -> str:
    header, *rows = text.strip().splitlines()
    out = [header]
    for copy in range(copies):
        for row in rows:
            out.append(
                re.sub(r"([\w.]+)@(example\.com|mailinator\.com)", rf"\g<1>{copy}@\g<2>", row)
            )
    return "\n".join(out) + "\n"


def _fault_injection(step: dict[str, Any]) -> bool:
    """The steps of the outbox's relay-fails-once scenario (left out at scale)."""
    calls = (step.get("http_api") or {}).get("calls")
    return "configure" in step or calls == "outbox_calls.json"


def _scaled_checks(checks: list[dict[str, Any]], copies: int) -> list[dict[str, Any]]:
    scaled = []
    for check in checks:
        check = dict(check)
        for key in ("count", "min", "emails_sent"):
            if check.get(key):
                check[key] = check[key] * copies
        scaled.append(check)
    return scaled


def build_events(folder: Path, copies: int) -> None:
    """events/ as is, with demo/ scaled ``copies`` times."""
    demo = folder / "demo"
    demo.mkdir(parents=True)
    scenario = yaml.safe_load((EVENTS / "demo" / "scenario.yaml").read_text())
    calls = json.loads((EVENTS / "demo" / "api_calls.json").read_text())
    (demo / "api_calls.json").write_text(json.dumps(_scaled_calls(calls, copies)))
    (demo / "signups.csv").write_text(
        _scaled_csv((EVENTS / "demo" / "signups.csv").read_text(), copies)
    )
    scenario["steps"] = [step for step in scenario["steps"] if not _fault_injection(step)]
    checks = [c for c in scenario.get("checks") or [] if c.get("table") != "OutboxTableName"]
    scenario["checks"] = _scaled_checks(
        [c for c in checks if "hedy@example.com" not in json.dumps(c)], copies
    )
    (demo / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))


def _seconds(pattern: str, output: str) -> float | None:
    match = re.search(pattern, output)
    return float(match.group(1)) if match else None


def _timed_lines(argv: list[str], timeout: float) -> tuple[list[tuple[float, str]], int]:
    """Run ``argv``; each output line with the seconds since start at which it arrived."""
    began = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    lines: list[tuple[float, str]] = []
    assert process.stdout is not None
    try:
        for line in process.stdout:
            lines.append((time.perf_counter() - began, line.rstrip()))
            if time.perf_counter() - began > timeout:
                raise TimeoutError(f"`localcloud demo` still running after {timeout:.0f} s")
        return lines, process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _first(lines: list[tuple[float, str]], needle: str) -> float | None:
    return next((at for at, line in lines if needle in line), None)


def run_demo(copies: int, timeout: float = 240.0) -> dict[str, Any]:
    """Run the demo at ``copies`` times its size; phase timings in seconds and check results.

    Phases come from when the demo's own output lines arrive: start-up until "local cloud on",
    deploy until the first step's heading, sources until the flow settled (less the quiet period
    the demo waits out to call it settled), then the report and checks.
    """
    localcloud = Path(sys.executable).parent / "localcloud"
    scenario = yaml.safe_load((EVENTS / "demo" / "scenario.yaml").read_text())
    first_step = str(scenario["steps"][0].get("name", "step"))[:30]
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        events = EVENTS
        if copies != 1:
            events = Path(tmp) / "events"
            build_events(events, copies)
        argv = [str(localcloud), "demo", "--events", str(events), "--port", "0"]
        lines, code = _timed_lines(argv, timeout)
    output = "\n".join(line for _, line in lines)
    up = _first(lines, "local cloud on")
    steps = _first(lines, first_step)
    settled_at = _first(lines, "settled after")
    settled = _seconds(r"settled after ([\d.]+) s", output)
    quiet = min(SETTLE_QUIET_S, settled or 0.0)
    return {
        "copies": copies,
        "wall_s": lines[-1][0] if lines else None,
        "demo_s": _seconds(r"demo finished in ([\d.]+) s", output),
        "startup_s": up,
        "deploy_s": None if up is None or steps is None else steps - up,
        # sources plus the flow they started, until nothing moves
        "flow_s": None if steps is None or settled_at is None else settled_at - steps - quiet,
        # the flow, final state and checks the demo prints once settled
        "report_s": None if settled_at is None or not lines else lines[-1][0] - settled_at,
        "checks_failed": len(re.findall(r"FAILED", output)),
        "exit_code": code,
        **({} if code == 0 else {"tail": output[-1500:]}),
    }
