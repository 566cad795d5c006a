"""`make bench`: this project's local cloud against MiniStack and LocalStack, same workloads,
same run.

Every peer runs as a subprocess on a free loopback port for the whole run. Each repetition runs
every scenario on every peer that can run it back to back, the order of the peers rotating between
repetitions. The table shows the median over repetitions of each metric and the ratio to each
peer; the JSON under bench/results/ holds every repetition, the medians and the issue's targets
with pass or miss. A peer that cannot be installed or started is reported and left out.

Environment (see README.md): BENCH_SCALE (default 1; 0.1 for a quick run), BENCH_REPS (default 3),
BENCH_SCENARIOS (comma-separated subset), BENCH_DEMO (0 skips the user-service demo at 10x),
BENCH_BUDGET_S (default 660: no repetition starts that would likely end after it).
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

import builds
import demo10x
import floor
import state_times
from peers import LocalCloudPeer, LocalStackPeer, MiniStackPeer, Peer
from scenarios import SCENARIOS, Run, handlers_zip, setup_role

RESULTS = Path(__file__).resolve().parent / "results"
OURS = "localcloud"
PEERS = ("ministack", "localstack")
# The server CPU per fan-out event before issue 17's work (bench/results/profiles/
# sns_fanout-before.txt, main at 947c7f1): the target is half of it.
FANOUT_SERVER_CPU_BEFORE_MS = 1.56
STARTUP_SETTLE_S = 10.0
# Each call metric and the floor.py figure timed the same way (pacing, count, client).
FLOORS = {
    "putevents_call_p50_ms": "floor_putevents_paced_p50_ms",
    "putevents_sqs_call_p50_ms": "floor_putevents_b2b_p50_ms",
    "sns_publish_p50_ms": "floor_publish_b2b_p50_ms",
    "s3_put_call_p50_ms": "floor_put_object_paced_p50_ms",
}

# metric -> (label, unit, True when lower is better; None: context, no ratio)
METRICS: dict[str, tuple[str, str, bool | None]] = {
    "invoke_p50_ms": ("warm Invoke p50", "ms", True),
    "http_api_p50_ms": ("HTTP API request p50 (warm)", "ms", True),
    "http_api_p99_ms": ("HTTP API request p99 (warm)", "ms", True),
    "http_api_requests_per_s": ("HTTP API requests, one client", "/s", False),
    "http_api_first_ms": ("HTTP API first request", "ms", True),
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
    "putevents_call_p50_ms": ("PutEvents call p50 (handlers busy)", "ms", True),
    "fanout_server_cpu_ms_per_event": ("fan-out server CPU per event", "ms", True),
    "fanout_handlers_cpu_ms_per_event": ("fan-out handlers' CPU per event", "ms", True),
    "putevents_server_cpu_ms_per_event": ("PutEvents->handler server CPU/event", "ms", True),
    "sns_publish_p50_ms": ("SNS Publish p50 (3 SQS subscribers)", "ms", True),
    "sns_publish_p99_ms": ("SNS Publish p99", "ms", True),
    "sns_publishbatch_events_per_s": ("PublishBatch rate", "msg/s", False),
    "sns_sqs_events_per_s": ("SNS->3 SQS, published and drained", "/s", False),
    "sns_sqs_server_cpu_ms_per_event": ("SNS->3 SQS server CPU per event", "ms", True),
    "putevents_sqs_call_p50_ms": ("PutEvents call p50 (SQS target)", "ms", True),
    "putevents_sqs_call_p99_ms": ("PutEvents call p99 (SQS target)", "ms", True),
    "putevents_sqs_events_per_s": ("PutEvents->SQS, put and drained", "/s", False),
    "putevents_sqs_server_cpu_ms_per_event": ("PutEvents->SQS server CPU/event", "ms", True),
    "handler_call_endpoint_p50_ms": ("handler PutItem p50, its endpoint", "ms", True),
    "handler_call_http_p50_ms": ("handler PutItem p50, over HTTP", "ms", True),
    "handler_call_endpoint_cpu_ms": ("  handler CPU per call, endpoint", "ms", None),
    "handler_call_http_cpu_ms": ("  handler CPU per call, HTTP", "ms", None),
    "users_api_first_warm_ms": ("users_api 1st request, deploy --warm", "ms", None),
    "users_api_warm_p50_ms": ("users_api warm request p50", "ms", None),
    "users_api_first_cold_ms": ("users_api 1st request, cold", "ms", None),
    "s3_put_p50_ms": ("S3 put->handler start p50", "ms", True),
    "s3_put_p99_ms": ("S3 put->handler start p99", "ms", True),
    "s3_put_call_p50_ms": ("PutObject call p50 (notifying)", "ms", True),
    "s3_put_server_cpu_ms_per_event": ("S3 put server CPU per event", "ms", True),
    "stream_p50_ms": ("stream write->handler start p50", "ms", True),
    "stream_p99_ms": ("stream write->handler start p99", "ms", True),
    "stream_server_cpu_ms_per_event": ("stream->handler server CPU/event", "ms", True),
}

Results = dict[str, dict[str, list[dict[str, Any]]]]


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def run_all(
    peers: list[Peer], scenarios: list[str], reps: int, scale: float, budget_s: float
) -> Results:
    """Every scenario on every peer that runs it, ``reps`` times, unless the next repetition
    would likely end past ``budget_s`` (judged by the longest one so far): then fewer
    repetitions are run. The peer going first rotates between repetitions."""
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
        order = peers[rep % len(peers) :] + peers[: rep % len(peers)]
        for scenario in scenarios:
            for peer in order:
                if not peer.runs(scenario):
                    continue
                run = Run(peer=peer, scale=scale, code=code, role_arn=roles[peer.name])
                started = time.perf_counter()
                try:
                    outcome: dict[str, Any] = SCENARIOS[scenario](run)
                except Exception as exc:  # a peer lacking an API is a result
                    outcome = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
                finally:
                    run.cleanup()
                took = time.perf_counter() - started
                shown = outcome.get("error") or ", ".join(
                    f"{k}={v:.1f}" for k, v in outcome.items()
                )
                print(
                    f"rep {rep + 1} {scenario:<13} {peer.name:<10} {took:5.1f} s  {shown}",
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
                summary[peer].setdefault("_scenario_of", {})[metric] = scenario
            for metric in ok[0]:
                summary[peer][metric] = statistics.median(o[metric] for o in ok)
    return summary


def ratio(metric: str, ours: float, peer: float) -> str:
    lower_better = METRICS[metric][2]
    if not ours or not peer or lower_better is None:
        return ""
    factor = peer / ours if lower_better else ours / peer
    return f"{factor:.1f}x faster" if factor >= 1 else f"{1 / factor:.1f}x slower"


def table(summary: dict[str, dict[str, Any]], peers: list[str]) -> list[dict[str, Any]]:
    """One row per metric: our median, each peer's (or n/a when it could not run it), ratios."""
    rows = []
    ours = summary.get(OURS, {})
    scenario_of = ours.get("_scenario_of", {})
    for metric, (label, unit, _) in METRICS.items():
        mine = ours.get(metric)
        if mine is None and not any(summary.get(p, {}).get(metric) for p in peers):
            continue
        row: dict[str, Any] = {"metric": metric, "label": label, "unit": unit, OURS: mine}
        for peer in peers:
            theirs = summary.get(peer, {}).get(metric)
            error = summary.get(peer, {}).get(f"{scenario_of.get(metric)}.error")
            row[peer] = theirs if theirs is not None else ("n/a" if error else "-")
            row[f"{peer}_ratio"] = ratio(metric, mine, theirs) if mine and theirs else ""
            if theirs is None and error and error != "not run":
                row[f"{peer}_error"] = error
        rows.append(row)
    return rows


def targets(
    summary: dict[str, dict[str, Any]],
    rows: list[dict[str, Any]],
    floors: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Issue 17's targets (and issue 7's on Invoke, still held), each with the measured value
    and pass or miss; a call target names the client floor under it (floor.py) when measured."""
    floors = floors or {}

    def under(metric: str) -> str:
        value = floors.get(FLOORS[metric])
        return "" if value is None else f" (client floor {value:.2f} ms)"

    ours, ministack = summary.get(OURS, {}), summary.get("ministack", {})

    def check(name: str, value: float | None, ok: bool | None, want: str) -> dict[str, Any]:
        verdict = "n/a" if ok is None else ("pass" if ok else "miss")
        return {"target": name, "want": want, "measured": value, "result": verdict}

    def get(key: str) -> float | None:
        value = ours.get(key)
        return float(value) if value is not None else None

    events, peer_events = get("fanout_events_per_s"), ministack.get("fanout_events_per_s")
    cpu = get("fanout_server_cpu_ms_per_event")
    put_call, publish = get("putevents_call_p50_ms"), get("sns_publish_p50_ms")
    first, warm = get("users_api_first_warm_ms"), get("users_api_warm_p50_ms")
    compared = [row for row in rows if row.get("localstack_ratio")]
    behind = [
        row["label"].strip() for row in compared if row["localstack_ratio"].endswith("slower")
    ]
    p50, first_invoke = get("invoke_p50_ms"), get("first_invoke_ms")
    s3_put = get("s3_put_p50_ms")
    half = FANOUT_SERVER_CPU_BEFORE_MS / 2
    return [
        check(
            "fan-out events/s vs MiniStack",
            None if not (events and peer_events) else events / peer_events,
            None if not (events and peer_events) else events >= 3 * peer_events,
            ">= 3x",
        ),
        check(
            "fan-out server CPU per event",
            cpu,
            None if cpu is None else cpu <= half,
            f"<= {half:.2f} ms (half of {FANOUT_SERVER_CPU_BEFORE_MS} ms before)",
        ),
        check(
            "PutEvents call p50",
            put_call,
            None if put_call is None else put_call <= 1,
            "<= 1 ms" + under("putevents_call_p50_ms"),
        ),
        check(
            "SNS Publish call p50",
            publish,
            None if publish is None else publish <= 1,
            "<= 1 ms" + under("sns_publish_p50_ms"),
        ),
        check(
            "users_api 1st request after deploy --warm / warm p50",
            None if not (first and warm) else first / warm,
            None if not (first and warm) else first <= 2 * warm,
            "<= 2x",
        ),
        check(
            "metrics ahead of LocalStack, where it runs",
            None if not compared else float(len(compared) - len(behind)),
            None if not compared else not behind,
            f"all {len(compared)}" + (f" (behind: {', '.join(behind)})" if behind else ""),
        ),
        check("warm Invoke p50 (issue 7)", p50, None if p50 is None else p50 <= 3, "<= 3 ms"),
        check(
            "HTTP API warm request p50 (issue 16)",
            get("http_api_p50_ms"),
            None if get("http_api_p50_ms") is None else (get("http_api_p50_ms") or 0) <= 3,
            "<= 3 ms",
        ),
        check(
            "first Invoke (issue 7)",
            first_invoke,
            None if first_invoke is None else first_invoke <= 300,
            "<= 300 ms",
        ),
        check(
            "S3 put->handler start p50 (issue 13)",
            s3_put,
            None if s3_put is None else s3_put <= 10,
            "<= 10 ms",
        ),
        check(
            "stream write->handler start p50 (issue 13)",
            get("stream_p50_ms"),
            None if get("stream_p50_ms") is None else (get("stream_p50_ms") or 0) <= 10,
            "<= 10 ms",
        ),
    ]


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float | int):
        return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return str(value)


def print_report(
    rows: list[dict[str, Any]],
    checks: list[dict[str, Any]],
    demo: list[dict[str, Any]],
    peers: list[str],
    missing: dict[str, str],
    floors: dict[str, Any] | None = None,
) -> None:
    widths = [36, 5, 10] + [10, 12] * len(peers)
    header = ["metric (median of reps)", "unit", OURS]
    for peer in peers:
        header += [peer, "ratio"]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [row["label"], row["unit"], fmt(row[OURS])]
        for peer in peers:
            cells += [fmt(row[peer]), row[f"{peer}_ratio"]]
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)))
    errors = {
        (peer, row[f"{peer}_error"]) for row in rows for peer in peers if f"{peer}_error" in row
    }
    for peer, error in sorted(errors):
        print(f"  n/a on {peer}: {error}")
    for peer, reason in missing.items():
        print(f"  {peer} not in this run: {reason}")
    print_floors(rows, floors or {}, peers)
    print("\ntargets (issue 17; issue 7's on Invoke kept)")
    for c in checks:
        measured = "-" if c["measured"] is None else fmt(c["measured"])
        print(f"  {c['result'].upper():<5} {c['target']:<55} {measured:>8}   want {c['want']}")
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


def print_floors(rows: list[dict[str, Any]], floors: dict[str, Any], peers: list[str]) -> None:
    """Each call metric next to the client floor under it, and what each server adds."""
    if "error" in floors:
        print(f"\nclient floor: {floors['error']}")
        return
    if not floors:
        return
    print("\nclient floor (boto3 + loopback against canned answers, bench/floor.py) and what")
    print("each server adds to it, p50 in ms:")
    for row in rows:
        floor_value = floors.get(FLOORS.get(row["metric"], ""))
        if floor_value is None:
            continue
        added = []
        for name in (OURS, *peers):
            value = row.get(name)
            if isinstance(value, float | int):
                added.append(f"{name} {value:.2f} (+{value - floor_value:.2f})")
        print(f"  {row['label'].strip():<36} floor {floor_value:.2f}   " + "   ".join(added))


def run_floor(logs: Path, scale: float) -> dict[str, Any]:
    """floor.py's figures, measured once the peers are stopped; an error is reported, not fatal."""
    peer = floor.FloorPeer(logs)
    try:
        peer.start()
        return dict(floor.measure(peer, scale))
    except Exception as exc:  # reported in the results, not fatal
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        peer.stop()


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
    budget = env_float("BENCH_BUDGET_S", 660)
    wanted = os.environ.get("BENCH_SCENARIOS")
    scenarios = [s.strip() for s in wanted.split(",")] if wanted else list(SCENARIOS)
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        print(f"unknown scenario(s) {sorted(unknown)}; choose from {sorted(SCENARIOS)}")
        return 2
    began = time.perf_counter()
    logs = Path(tempfile.mkdtemp(prefix="localcloud-bench-"))
    candidates: list[Peer] = [LocalCloudPeer(logs), MiniStackPeer(logs), LocalStackPeer(logs)]
    peers: list[Peer] = []
    versions: dict[str, str] = {}
    missing: dict[str, str] = {}
    try:
        for peer in candidates:
            if not any(peer.runs(s) for s in scenarios):
                continue  # nothing of this run for it (BENCH_SCENARIOS)
            try:
                peer.start()
            except Exception as exc:  # a peer that cannot start is reported; ours must start
                peer.stop()
                if peer.name == OURS:
                    raise
                missing[peer.name] = f"could not be installed or started: {exc}"
                print(f"{peer.name} {missing[peer.name]}; the bench goes on without it", flush=True)
                continue
            peers.append(peer)
            versions[peer.name] = peer.version()
            runs = [s for s in scenarios if peer.runs(s)]
            print(
                f"{peer.name} {versions[peer.name]} ready on {peer.endpoint_url} "
                f"(log {peer.log_path}); runs {', '.join(runs)}",
                flush=True,
            )
        # LocalStack keeps loading services for a while after it answers: the first scenario
        # should not share the machine with that.
        time.sleep(STARTUP_SETTLE_S)
        results = run_all(peers, scenarios, reps, scale, budget)
    finally:
        for peer in peers:
            peer.stop()
    floors = run_floor(logs, scale) if any(m in FLOORS for m in _metrics(results)) else {}
    demo: list[dict[str, Any]] = []
    if os.environ.get("BENCH_DEMO", "1") != "0":
        for copies in (10,):
            try:
                demo.append(demo10x.run_demo(copies))
            except Exception as exc:  # reported in the results, not fatal
                demo.append({"copies": copies, "error": f"{type(exc).__name__}: {exc}"})
    try:
        build_times: dict[str, Any] = builds.run()
    except Exception as exc:  # reported in the results, not fatal
        build_times = {"error": f"{type(exc).__name__}: {exc}"}
    print(f"\nbuilds (localcloud only): {build_times}")
    try:
        state: dict[str, Any] = state_times.run()
    except Exception as exc:  # reported in the results, not fatal
        state = {"error": f"{type(exc).__name__}: {exc}"}
    print(f"reset and restore on the demo's topology (localcloud only): {state}")
    summary = medians(results)
    others = [name for name in PEERS if name in results]
    rows = table(summary, others)
    checks = targets(summary, rows, {k: v for k, v in floors.items() if k != "error"})
    print_report(rows, checks, demo, others, missing, floors)
    for by_metric in summary.values():
        by_metric.pop("_scenario_of", None)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    document = {
        "when": stamp,
        "machine": machine(),
        "versions": versions,
        "missing_peers": missing,
        "config": {"scale": scale, "reps": reps, "budget_s": budget, "scenarios": scenarios},
        "reps_completed": {p: {s: len(v) for s, v in r.items()} for p, r in results.items()},
        "duration_s": time.perf_counter() - began,
        "table": rows,
        "targets": checks,
        "client_floor": floors,
        "demo": demo,
        "builds": build_times,
        "state": state,
        "repetitions": results,
    }
    path.write_text(compact_json(_rounded(document)))
    print(
        f"\nresults: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
        f"  ({time.perf_counter() - began:.0f} s)"
    )
    return 0


def _metrics(results: Results) -> set[str]:
    """Every metric some repetition of some peer measured."""
    return {
        metric
        for by_scenario in results.values()
        for outcomes in by_scenario.values()
        for outcome in outcomes
        for metric in outcome
    }


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
