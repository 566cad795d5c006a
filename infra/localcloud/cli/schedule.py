"""`localcloud schedule`: list schedules with their next firing, fire one now, move the clock.

The clock is the cloud's (clock.py): schedules fire by it and Step Functions' Wait states and
Retry intervals end by it; `localcloud clock` (cli/clock.py) is the same as `schedule clock`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.text import Text

from localcloud.admin_client import AdminClient
from localcloud.cli.common import Subparsers, UsageError, endpoint, endpoint_options, out


def register(subparsers: Subparsers) -> None:
    """Add `schedule` and its options."""
    parser = subparsers.add_parser(
        "schedule",
        help="list schedules (rules and EventBridge Scheduler), fire one now, move the cloud's "
        "clock (which Step Functions waits read too)",
    )
    parser.add_argument(
        "action",
        choices=["list", "run", "clock"],
        help="list: every schedule and its next firing; run NAME: fire it now; clock: show "
        "or move the cloud's time (--advance, --now), which schedules fire by and Step "
        "Functions Wait states and Retry intervals end by",
    )
    parser.add_argument(
        "name",
        nargs="?",
        help="run: a rule's name (or a deployed rule's logical id) or a Scheduler schedule's",
    )
    parser.add_argument("--group", help="run: the Scheduler schedule's group (default: default)")
    clock_options(parser, "clock: ")
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    endpoint_options(parser)
    parser.set_defaults(func=run)


def clock_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """--advance and --now, which move the cloud's clock."""
    parser.add_argument(
        "--advance",
        type=float,
        metavar="SECONDS",
        help=f"{prefix}move forward by SECONDS (e.g. 86400 ends a day's Wait state at once)",
    )
    parser.add_argument("--now", help=f"{prefix}move to a time, e.g. 2026-12-07T08:59:58Z")


def show_clock(args: argparse.Namespace, client: AdminClient) -> int:
    """Move the clock as --advance or --now say (else only read it) and print it."""
    if args.advance is not None or args.now is not None:
        clock = client.move_clock(advance_s=args.advance, now=args.now)
    else:
        clock = dict(client.schedules()["clock"])
    if args.json:
        return _print(args, clock)
    out().print(f"the cloud's clock: {clock['now']} (offset {clock['offset_s']} s)")
    if clock.get("waits"):
        out().print(
            Text(
                f"{clock['waits']} Step Functions wait(s) on it, the next ends "
                f"{clock['next_wait_ends']}",
                style="dim",
            )
        )
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the action against the cloud at the endpoint (AdminError: exit 2)."""
    client = AdminClient(endpoint(args))
    if args.action == "list":
        listing = client.schedules()
        return _print(args, listing) if args.json else _list(listing)
    if args.action == "clock":
        return show_clock(args, client)
    if not args.name:
        raise UsageError("`localcloud schedule run` needs the NAME of a rule or schedule")
    fired = client.run_schedule(args.name, args.group)
    if args.json:
        return _print(args, fired)
    where = f"group {fired['group']}" if fired["kind"] == "schedule" else f"bus {fired['bus']}"
    out().print(
        Text(f"fired {fired['kind']} {fired['name']}", style="green"),
        Text(f"({where}) at {fired['fired_at']}; trace {fired['trace_id']}", style="dim"),
    )
    return 0


def _print(args: argparse.Namespace, document: Any) -> int:
    print(json.dumps(document, indent=2))
    return 0


def _list(listing: dict[str, Any]) -> int:
    console = out()
    schedules = listing.get("schedules") or []
    if not schedules:
        console.print("no schedules (no rule has a ScheduleExpression, no Scheduler schedule)")
    for item in schedules:
        scope = f"bus={item['bus']}" if item["kind"] == "rule" else f"group={item['group']}"
        zone = f" {item['timezone']}" if item.get("timezone", "UTC") != "UTC" else ""
        line = Text(f"{item['kind']:<8} {item['name']}", style="bold")
        line.append(f"  {scope}  {item['expression']}{zone}  {item['state']}")
        line.append(f"  next={item['next'] or 'never'}  fired={item['fired']}", style="dim")
        console.print(line)
    clock = listing.get("clock") or {}
    if clock.get("offset_s"):
        console.print(Text(f"(test clock: {clock['now']})", style="yellow"))
    return 0
