"""`make bench`: this project's local cloud against MiniStack, same workload, same run.

Both peers run as subprocesses on free loopback ports for the whole run. Each repetition runs every
scenario on both peers back to back, the order of the peers alternating between repetitions. The
table shows the median over repetitions of each metric and the ratio to the peer; the JSON under
bench/results/ holds every repetition, the medians and the issue's targets with pass or miss.

Environment (see README.md): BENCH_SCALE (default 1; 0.1 for a quick run), BENCH_REPS (default 3),
BENCH_SCENARIOS (comma-separated subset), BENCH_DEMO (0 skips the user-service demo at 10x),
BENCH_BUDGET_S (default 330: no repetition starts that would likely end after it).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import demo10x
from peers import LocalCloudPeer, MiniStackPeer, Peer
from scenarios import SCENARIOS, Run, handlers_zip, setup_role

RESULTS = Path(__file__).resolve().parent / "results"
OURS = "localcloud"
PEER = "ministack"

# metric -> (label, unit, True when lower is better; None: context, no ratio)
METRICS: dict[str, tuple[str, str, bool | None]] = {
    "invoke_p50_ms": ("warm Invoke p50", "ms", True),
    "invoke_p99_ms": ("warm Invoke p99", "ms", True),
    "first_invoke_ms": ("first Invoke", "ms", True),
    "send_rate_depth0": ("SendMessage, depth 0", "/s", False),
    "send_rate_depth10k": ("SendMessage, depth 10k", "/s", False),
    "send_p50_ms_depth0": ("SendMessage p50, depth 0", "ms", True),
    "send_p50_ms_depth10k": ("SendMessage p50, depth 10k", "ms", True),
    "batch_fill_msgs_per_s": ("SendMessageBatch fill", "msg/s", False),
    "receive_p50_ms_depth0": ("ReceiveMessage(10) p50, depth 0", "ms", True),
    "receive_p50_ms_depth10k": ("ReceiveMessage(10) p50, depth 10k", "ms", True),
    "delete_p50_ms_depth0": ("DeleteMessageBatch p50, depth 0", "ms", True),
    "delete_p50_ms_depth10k": ("DeleteMessageBatch p50, depth 10k", "ms", True),
    "deep_queue_depth": ("  depth reached by the 10k fill", "msgs", None),
    "fanout_events_per_s": ("SNS fan-out x3, events", "/s", False),
    "fanout_deliveries_per_s": ("SNS fan-out x3, deliveries", "/s", False),
    "fanout_p50_ms": ("fan-out publish->processed p50", "ms", True),
    "fanout_p99_ms": ("fan-out publish->processed p99", "ms", True),
    "fanout_publish_per_s": ("fan-out PublishBatch rate", "msg/s", False),
    "fanout_published": ("  events published (of N)", "", None),
    "fanout_processed_share": ("  share of deliveries processed", "", None),
    "fanout_handler_put_cpu_ms": ("  boto3 PutItem client CPU, HTTP", "ms", None),
    "fanout_handler_ceiling_events_per_s": ("  ceiling of handlers' boto3, HTTP", "/s", None),
    "putevents_p50_ms": ("PutEvents->handler p50", "ms", True),
    "putevents_p99_ms": ("PutEvents->handler p99", "ms", True),
    "putevents_call_p50_ms": ("PutEvents call p50", "ms", True),
}

Results = dict[str, dict[str, list[dict[str, Any]]]]


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def run_all(
    peers: list[Peer], scenarios: list[str], reps: int, scale: float, budget_s: float
) -> Results:
    """Every scenario on every peer, ``reps`` times, unless the next repetition would likely end
    past ``budget_s`` (judged by the longest one so far): then fewer repetitions are run."""
    code = handlers_zip()
    roles = {peer.name: setup_role(peer) for peer in peers}
    results: Results = {peer.name: {s: [] for s in scenarios} for peer in peers}
    began, longest = time.perf_counter(), 0.0
    for rep in range(reps):
        elapsed = time.perf_counter() - began
        if rep and elapsed + longest > budget_s:
            print(
                f"stopping after {rep} repetition(s): another would end past the "
                f"{budget_s:.0f} s budget (BENCH_BUDGET_S)",
                flush=True,
            )
            break
        rep_began = time.perf_counter()
        order = peers if rep % 2 == 0 else list(reversed(peers))
        for scenario in scenarios:
            for peer in order:
                run = Run(peer=peer, scale=scale, code=code, role_arn=roles[peer.name])
                began = time.perf_counter()
                try:
                    outcome: dict[str, Any] = SCENARIOS[scenario](run)
                except Exception as exc:  # a peer lacking an API is a result
                    outcome = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
                finally:
                    run.cleanup()
                took = time.perf_counter() - began
                shown = outcome.get("error") or ", ".join(
                    f"{k}={v:.1f}" for k, v in outcome.items()
                )
                print(
                    f"rep {rep + 1} {scenario:<10} {peer.name:<10} {took:5.1f} s  {shown}",
                    flush=True,
                )
                results[peer.name][scenario].append(outcome)
        longest = max(longest, time.perf_counter() - rep_began)
    return results


def medians(results: Results) -> dict[str, dict[str, Any]]:
    """Per peer: metric -> median over repetitions, or the error if no repetition succeeded."""
    summary: dict[str, dict[str, Any]] = {}
    for peer, by_scenario in results.items():
        summary[peer] = {}
        for scenario, outcomes in by_scenario.items():
            ok = [o for o in outcomes if "error" not in o]
            if not ok:
                error = outcomes[0]["error"] if outcomes else "not run"
                summary[peer][f"{scenario}.error"] = error
                continue
            for metric in ok[0]:
                summary[peer][metric] = statistics.median(o[metric] for o in ok)
    return summary


def ratio(metric: str, ours: float, peer: float) -> str:
    lower_better = METRICS[metric][2]
    if not ours or not peer or lower_better is None:
        return ""
    factor = peer / ours if lower_better else ours / peer
    return f"{factor:.1f}x faster" if factor >= 1 else f"{1 / factor:.1f}x slower"


def table(summary: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    ours, peer = summary.get(OURS, {}), summary.get(PEER, {})
    for metric, (label, unit, _) in METRICS.items():
        mine = ours.get(metric)
        theirs = peer.get(metric)
        scenario_error = next(
            (
                v
                for k, v in peer.items()
                if k.endswith(".error") and metric_scenario(metric) == k.split(".")[0]
            ),
            None,
        )
        if mine is None and theirs is None:
            continue
        rows.append(
            {
                "metric": metric,
                "label": label,
                "unit": unit,
                OURS: mine,
                PEER: theirs if theirs is not None else f"n/a on peer ({scenario_error})",
                "ratio": ratio(metric, mine, theirs) if mine and theirs else "",
            }
        )
    return rows


def metric_scenario(metric: str) -> str:
    if metric.startswith(("invoke", "first")):
        return "invoke"
    if metric.startswith(("send", "batch", "receive", "delete", "deep")):
        return "sqs_send"
    if metric.startswith("fanout"):
        return "sns_fanout"
    return "putevents"


def targets(summary: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and pass or miss."""
    ours, peer = summary.get(OURS, {}), summary.get(PEER, {})

    def check(name: str, value: float | None, ok: bool | None, want: str) -> dict[str, Any]:
        verdict = "n/a" if ok is None else ("pass" if ok else "miss")
        return {"target": name, "want": want, "measured": value, "result": verdict}

    def get(key: str) -> float | None:
        value = ours.get(key)
        return float(value) if value is not None else None

    p50, first = get("invoke_p50_ms"), get("first_invoke_ms")
    d0, d10 = get("send_rate_depth0"), get("send_rate_depth10k")
    depth = get("deep_queue_depth") or 0.0
    deep = f"depth 10k (reached {depth:,.0f})" if 0 < depth < 10_000 else "depth 10k"
    r0, r10 = get("receive_p50_ms_depth0"), get("receive_p50_ms_depth10k")
    x0, x10 = get("delete_p50_ms_depth0"), get("delete_p50_ms_depth10k")
    events, peer_events = get("fanout_events_per_s"), peer.get("fanout_events_per_s")
    fan50, put50 = get("fanout_p50_ms"), get("putevents_p50_ms")
    ceiling = get("fanout_handler_ceiling_events_per_s")
    return [
        check("warm Invoke p50", p50, None if p50 is None else p50 <= 3, "<= 3 ms"),
        check("first Invoke", first, None if first is None else first <= 300, "<= 300 ms"),
        check(
            f"SendMessage at {deep} vs depth 0",
            None if not (d0 and d10) else d10 / d0,
            None if not (d0 and d10) else d10 >= 0.75 * d0 and depth >= 10_000,
            "depth 10k rate >= 75% of depth 0",
        ),
        check(
            f"SendMessage rate at {deep}",
            d10,
            None if d10 is None else d10 >= 1000 and depth >= 10_000,
            ">= 1,000/s from one client",
        ),
        check(
            f"ReceiveMessage + DeleteMessageBatch at {deep}",
            None if not (r0 and r10 and x0 and x10) else (r10 + x10) / (r0 + x0),
            None if not (r0 and r10 and x0 and x10) else r10 + x10 <= 1.25 * (r0 + x0),
            "p50 at depth 10k <= 125% of depth 0 (operations independent of depth)",
        ),
        check(
            "fan-out events/s vs MiniStack",
            None if not (events and peer_events) else events / peer_events,
            None if not (events and peer_events) else events >= 5 * peer_events,
            ">= 5x"
            + (
                f" (5x is {5 * peer_events:,.0f}/s; over HTTP the handlers' own boto3 calls "
                f"allow at most {ceiling:,.0f}/s on this machine)"
                if peer_events and ceiling
                else ""
            ),
        ),
        check(
            "fan-out publish->processed p50",
            fan50,
            None if fan50 is None else fan50 <= 20,
            "<= 20 ms",
        ),
        check("PutEvents->handler p50", put50, None if put50 is None else put50 <= 20, "<= 20 ms"),
    ]


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | int):
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return str(value)


def print_report(
    rows: list[dict[str, Any]], checks: list[dict[str, Any]], demo: list[dict[str, Any]]
) -> None:
    widths = (32, 6, 12, 12, 14)
    header = ("metric (median of reps)", "unit", OURS, PEER, "ratio")
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        cells = (row["label"], row["unit"], fmt(row[OURS]), fmt(row[PEER]), row["ratio"])
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    print("\ntargets (issue 7)")
    for c in checks:
        measured = "-" if c["measured"] is None else fmt(c["measured"])
        print(f"  {c['result'].upper():<5} {c['target']:<50} {measured:>10}   want {c['want']}")
    for d in demo:
        if "error" in d:
            print(f"\ndemo x{d.get('copies')}: {d['error']}")
            continue
        print(
            f"\ndemo x{d['copies']} (localcloud only): {fmt(d['demo_s'])} s in `localcloud demo`"
            f" (start-up {fmt(d['startup_s'])} s, deploy {fmt(d['deploy_s'])} s, sources and "
            f"flow until settled {fmt(d['flow_s'])} s, report {fmt(d['report_s'])} s), "
            f"{d['checks_failed']} checks failed "
            f"(exit {d['exit_code']})"
        )


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def main() -> int:
    scale = env_float("BENCH_SCALE", 1.0)
    reps = int(env_float("BENCH_REPS", 3))
    budget = env_float("BENCH_BUDGET_S", 330)
    wanted = os.environ.get("BENCH_SCENARIOS")
    scenarios = [s.strip() for s in wanted.split(",")] if wanted else list(SCENARIOS)
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
        return 2
    began = time.perf_counter()
    logs = Path(tempfile.mkdtemp(prefix="localcloud-bench-"))
    peers: list[Peer] = [LocalCloudPeer(logs), MiniStackPeer(logs)]
    versions: dict[str, str] = {}
    try:
        for peer in peers:
            peer.start()
            versions[peer.name] = peer.version()
            print(
                f"{peer.name} {versions[peer.name]} ready on {peer.endpoint_url} "
                f"(log {peer.log_path})",
                flush=True,
            )
        results = run_all(peers, scenarios, reps, scale, budget)
    finally:
        for peer in peers:
            peer.stop()
    demo: list[dict[str, Any]] = []
    if os.environ.get("BENCH_DEMO", "1") != "0":
        for copies in (10,):
            try:
                demo.append(demo10x.run_demo(copies))
            except Exception as exc:  # reported in the results, not fatal
                demo.append({"copies": copies, "error": f"{type(exc).__name__}: {exc}"})
    summary = medians(results)
    rows = table(summary)
    checks = targets(summary)
    print_report(rows, checks, demo)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    document = {
        "when": stamp,
        "machine": machine(),
        "versions": versions,
        "config": {"scale": scale, "reps": reps, "budget_s": budget, "scenarios": scenarios},
        "reps_completed": {p: {s: len(v) for s, v in r.items()} for p, r in results.items()},
        "duration_s": time.perf_counter() - began,
        "table": rows,
        "targets": checks,
        "demo": demo,
        "repetitions": results,
    }
    path.write_text(compact_json(_rounded(document)))
    print(
        f"\nresults: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
        f"  ({time.perf_counter() - began:.0f} s)"
    )
    return 0


def compact_json(document: dict[str, Any]) -> str:
    """One line per top-level key: small files that still diff line by line."""
    lines = [
        f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in document.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _rounded(value: Any) -> Any:
    """Keep the JSON small: floats to 3 significant decimals."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


if __name__ == "__main__":
    sys.exit(main())
