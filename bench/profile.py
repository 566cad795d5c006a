"""Where the local cloud's server spends its CPU in a bench scenario: a text profile per scenario.

    .venv/bin/python bench/profile.py sns_fanout putevents   # into bench/results/profiles/

Starts `localcloud up` as the bench does, runs each named scenario once (BENCH_SCALE applies)
while py-spy samples the server process (not the handlers' workers) over the scenario's
measured part (between its CPU readings), counting only samples that hold the GIL, and
writes ``bench/results/profiles/<scenario>.txt`` (``<scenario>-<PROFILE_LABEL>.txt`` when that
is set): the server's CPU per event (from /proc, the same reading the bench reports), then the
functions holding the most samples, by own time and by time including their callees. py-spy is
found on PATH or at PY_SPY; it is not a dependency of the project (install it anywhere, e.g.
`pipx install py-spy`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from peers import LocalCloudPeer
from scenarios import SCENARIOS, Run, handlers_zip, setup_role

PROFILES = Path(__file__).resolve().parent / "results" / "profiles"
TOP = 45
# Frames that say where a thread waits or hands over, not what costs CPU.
PLUMBING = ("threading.py", "socketserver.py", "<module>")


def py_spy() -> str | None:
    return os.environ.get("PY_SPY") or shutil.which("py-spy")


def collapse(raw: Path) -> tuple[Counter[str], Counter[str], int]:
    """Self and inclusive samples per function from py-spy's raw (collapsed stacks) output."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [_function(frame) for frame in stack.split(";")]
        if frames:
            own[frames[-1]] += samples
        for frame in set(frames):
            inclusive[frame] += samples
    return own, inclusive, total


def _function(frame: str) -> str:
    """``name (path:line)`` without the line: samples add up per function."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "infra/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def report(
    scenario: str, metrics: dict[str, float], cpu: dict[str, float], raw: Path | None
) -> str:
    lines = [
        f"profile of the localcloud server in bench scenario {scenario!r}",
        f"made by bench/profile.py on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"BENCH_SCALE={os.environ.get('BENCH_SCALE', '1')}, {os.cpu_count()} cores",
        "",
        "server CPU (the `localcloud up` process, handlers' workers apart), from /proc:",
    ]
    lines += [f"  {key:<36} {value:10.3f}" for key, value in cpu.items()]
    lines += ["", "scenario metrics:"]
    lines += [f"  {key:<36} {value:10.3f}" for key, value in metrics.items()]
    if raw is None:
        lines += ["", "no samples: py-spy was not found (PATH or PY_SPY)"]
        return "\n".join(lines) + "\n"
    own, inclusive, total = collapse(raw)
    lines += [
        "",
        f"py-spy samples holding the GIL (measured part only): {total}",
        "(a guide, not a measurement: py-spy sometimes charges the GIL to a thread that has just",
        "released it; the CPU per event above, from /proc, is the measurement)",
        "",
    ]
    lines.append(f"top {TOP} by own samples (% of all)")
    for name, count in own.most_common(TOP):
        lines.append(f"  {100 * count / max(total, 1):5.1f}%  {name}")
    lines += ["", f"top {TOP} by samples including callees (% of all; plumbing left out)"]
    shown = 0
    for name, count in inclusive.most_common():
        if any(p in name for p in PLUMBING):
            continue
        lines.append(f"  {100 * count / max(total, 1):5.1f}%  {name}")
        shown += 1
        if shown == TOP:
            break
    return "\n".join(lines) + "\n"


class ProfiledRun(Run):
    """A scenario run sampled over its measured part: from its first ``cpu()`` reading to
    its second, or to the end of its drain."""

    spy: str | None = None
    raw: Path | None = None
    sampler: subprocess.Popen[bytes] | None = None

    def cpu(self) -> tuple[float, float]:
        if self.spy is not None and self.raw is not None and self.sampler is None:
            assert self.peer.process is not None
            self.sampler = subprocess.Popen(
                [
                    self.spy,
                    "record",
                    "-p",
                    str(self.peer.process.pid),
                    "-f",
                    "raw",
                    "-r",
                    "250",
                    "--gil",
                    "--nonblocking",
                    "-o",
                    str(self.raw),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attaches
        elif self.sampler is not None:
            self.stop_sampling()
        return super().cpu()

    def measured_end(self) -> None:
        self.stop_sampling()

    def stop_sampling(self) -> None:
        if self.sampler is not None and self.sampler.poll() is None:
            self.sampler.send_signal(signal.SIGINT)
            self.sampler.wait(timeout=60)


def profile(scenario: str, peer: LocalCloudPeer, role: str, spy: str | None) -> Path:
    raw = Path(tempfile.mkdtemp(prefix="localcloud-profile-")) / f"{scenario}.raw"
    scale = float(os.environ.get("BENCH_SCALE") or 1)
    run = ProfiledRun(peer=peer, scale=scale, code=handlers_zip(), role_arn=role)
    run.spy, run.raw = spy, raw
    try:
        metrics = SCENARIOS[scenario](run)
    finally:
        run.stop_sampling()
        run.cleanup()
    cpu = {k: v for k, v in metrics.items() if "cpu" in k}
    rest = {k: v for k, v in metrics.items() if "cpu" not in k}
    PROFILES.mkdir(parents=True, exist_ok=True)
    label = os.environ.get("PROFILE_LABEL")
    target = PROFILES / (f"{scenario}-{label}.txt" if label else f"{scenario}.txt")
    target.write_text(report(scenario, rest, cpu, raw if raw.exists() else None))
    return target


def main(argv: list[str]) -> int:
    wanted = argv or ["sns_fanout", "putevents", "sns_sqs"]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
        return 2
    spy = py_spy()
    if spy is None:
        print("py-spy not found (PATH or PY_SPY): writing CPU figures without samples")
    peer = LocalCloudPeer(Path(tempfile.mkdtemp(prefix="localcloud-profile-")))
    peer.start()
    try:
        role = setup_role(peer)
        for scenario in wanted:
            print(f"{scenario}: {profile(scenario, peer, role, spy)}", flush=True)
    finally:
        peer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
