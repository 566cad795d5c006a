"""`localcloud replay`: replay an EventBridge archive to its bus and wait for the outcome."""

from __future__ import annotations

import argparse
import time
from typing import Any

from localcloud import clients
from localcloud.cli.common import Subparsers, endpoint, endpoint_options, out, region_option

FINAL_STATES = ("COMPLETED", "FAILED", "CANCELLED")
POLL_S = 0.1


def register(subparsers: Subparsers) -> None:
    """Add `replay` and its options."""
    parser = subparsers.add_parser("replay", help="replay an EventBridge archive to its bus")
    parser.add_argument("archive", help="the archive's name")
    parser.add_argument("--since", type=float, help="replay the last N seconds (default: all)")
    parser.add_argument("--rule", action="append", help="only to this rule ARN (repeatable)")
    parser.add_argument("--name", help="the replay's name (default: ARCHIVE-<unix time>)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=60,
        help="seconds to wait for the replay to finish (%(default)s)",
    )
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the replay, wait for it, print its state; exit 1 unless it completed."""
    events = clients.client("events", endpoint(args), args.region)
    archive = events.describe_archive(ArchiveName=args.archive)
    now = time.time()
    start = now - args.since if args.since else archive["CreationTime"].timestamp()
    name = args.name or f"{args.archive}-{int(now)}"
    destination: dict[str, Any] = {"Arn": archive["EventSourceArn"]}
    if args.rule:
        destination["FilterArns"] = args.rule
    events.start_replay(
        ReplayName=name,
        EventSourceArn=archive["ArchiveArn"],
        EventStartTime=start,
        EventEndTime=now,
        Destination=destination,
    )
    state = wait(events, name, args.timeout)
    out().print(f"replay {name}: {state}")
    return 0 if state == "COMPLETED" else 1


def wait(events: Any, name: str, timeout: float) -> str:
    """The replay's state once final, or its last state when ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    state = "STARTING"
    while time.monotonic() < deadline:
        state = str(events.describe_replay(ReplayName=name)["State"])
        if state in FINAL_STATES:
            break
        time.sleep(POLL_S)
    return state
