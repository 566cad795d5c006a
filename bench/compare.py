"""Before and after: the local cloud at another commit against the working tree, alternating.

    .venv/bin/python bench/compare.py 947c7f1 sns_fanout,sns_sqs,putevents_sqs,putevents 3

Extracts ``infra/`` and ``functions/`` of the commit (``git archive``) into a temporary folder,
then runs each scenario on `localcloud up` serving that code ("before") and serving the working
tree ("after"), alternating which goes first, REPS times, with the bench's own scenarios and
handlers. Prints the median and every value of the server's CPU per event and of the headline
metrics, and writes them to ``bench/results/profiles/compare-<commit>.txt``. Both runs share the
machine's conditions, which a "before" figure from another day does not.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

from peers import REPO, LocalCloudPeer
from scenarios import SCENARIOS, Run, handlers_zip, setup_role

PROFILES = Path(__file__).resolve().parent / "results" / "profiles"
HEADLINES = (
    "fanout_events_per_s",
    "sns_publish_p50_ms",
    "putevents_call_p50_ms",
    "putevents_sqs_call_p50_ms",
    "s3_put_p50_ms",
    "s3_put_call_p50_ms",
)


def checkout(commit: str) -> Path:
    """``infra/`` and ``functions/`` of ``commit`` in a temporary folder."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "infra", "functions"],
        capture_output=True,
        check=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix=f"localcloud-{commit[:8]}-"))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def measure(code: Path, scenarios: list[str]) -> dict[str, float]:
    """One run of every scenario on `localcloud up` serving the code under ``code``."""
    os.environ["PYTHONPATH"] = f"{code / 'infra'}{os.pathsep}{code / 'functions'}"
    peer = LocalCloudPeer(Path(tempfile.mkdtemp(prefix="localcloud-compare-")))
    peer.start()
    metrics: dict[str, float] = {}
    try:
        run = Run(peer=peer, scale=1.0, code=handlers_zip(), role_arn=setup_role(peer))
        for name in scenarios:
            try:
                metrics.update(SCENARIOS[name](run))
            finally:
                run.cleanup()
    finally:
        peer.stop()
    kept = ("server_cpu", "handlers_cpu", "handler_call")
    return {k: v for k, v in metrics.items() if any(w in k for w in kept) or k in HEADLINES}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    commit, wanted, reps = argv[0], argv[1].split(","), int(argv[2])
    codes = {"before": checkout(commit), "after": REPO}
    values: dict[tuple[str, str], list[float]] = {}
    for rep in range(reps):
        for label in ("before", "after") if rep % 2 == 0 else ("after", "before"):
            for key, value in measure(codes[label], wanted).items():
                values.setdefault((key, label), []).append(value)
            print(f"rep {rep + 1} {label} done", flush=True)
    lines = [
        f"before = {commit}, after = the working tree; {reps} alternating runs of "
        f"{', '.join(wanted)} on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC')}",
        "",
    ]
    for key in sorted({key for key, _ in values}):
        for label in ("before", "after"):
            got = values.get((key, label), [])
            if got:
                shown = ", ".join(f"{v:.3f}" for v in got)
                lines.append(f"{key:40} {label:7} median {statistics.median(got):8.3f}  ({shown})")
    text = "\n".join(lines) + "\n"
    print(text)
    PROFILES.mkdir(parents=True, exist_ok=True)
    (PROFILES / f"compare-{commit[:8]}.txt").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
