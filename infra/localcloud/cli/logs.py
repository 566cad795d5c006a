"""`localcloud logs`: functions' CloudWatch Logs, printed as `up` prints invocations, or followed.

Reads through the Logs API (FilterLogEvents), so it works against any endpoint that serves it.
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

from localcloud import clients
from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    out,
    region_option,
    stack_option,
)
from localcloud.cli.project import stack_name
from localcloud.logview import log_line, looks_failed, request_id_of

GROUP_PREFIX = "/aws/lambda/"
FOLLOW_POLL_S = 0.05
SINCE = re.compile(r"^(?P<n>\d+)(?P<unit>[smhd])$")
UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def register(subparsers: Subparsers) -> None:
    """Add `logs` and its options."""
    parser = subparsers.add_parser("logs", help="print (or follow) functions' logs")
    parser.add_argument(
        "function", nargs="?", help="folder name, logical id or function name (default: all)"
    )
    parser.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    parser.add_argument(
        "--follow-seconds", type=float, default=0, help="stop following after N s (0: Ctrl-C)"
    )
    parser.add_argument(
        "--since", default="10m", help="how far back to start: 30s, 10m, 2h, 1d (%(default)s)"
    )
    parser.add_argument("--filter", metavar="TEXT", help="only lines containing TEXT")
    stack_option(parser, "stack whose logical ids and folders resolve FUNCTION (%(default)s)")
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def since_seconds(text: str) -> int:
    match = SINCE.match(text.strip())
    if match is None:
        raise UsageError(f"--since {text!r}: give a number and a unit, e.g. 30s, 10m, 2h or 1d")
    return int(match["n"]) * UNIT_S[match["unit"]]


class Printer:
    """Prints events once each, knowing each stream's current request id and outcome."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.seen: set[str] = set()
        self.request: dict[str, str | None] = {}
        self.failed: dict[str, bool] = {}

    def print(self, event: dict[str, Any]) -> None:
        if event["eventId"] in self.seen:
            return
        self.seen.add(event["eventId"])
        stream, message = event["logStreamName"], event["message"]
        started = request_id_of(message)
        if started:
            self.request[stream], self.failed[stream] = started, False
        if looks_failed(message):
            self.failed[stream] = True
        if self.text and self.text not in message:
            return
        function = event["logGroupName"].removeprefix(GROUP_PREFIX)
        line = log_line(
            function,
            self.request.get(stream),
            message,
            self.failed.get(stream, False),
            event["timestamp"] / 1000,
        )
        out().print(line, soft_wrap=True)


def run(args: argparse.Namespace) -> int:
    """Print the lines since --since, then with --follow every new one."""
    target = endpoint(args)
    logs = clients.client("logs", target, args.region)
    groups = _groups(args, target, logs)
    printer = Printer(args.filter)
    start_ms = int((time.time() - since_seconds(args.since)) * 1000)
    start_ms = _print_since(logs, groups, start_ms, printer)
    if args.follow:
        deadline = time.monotonic() + args.follow_seconds if args.follow_seconds else None
        try:
            while deadline is None or time.monotonic() < deadline:
                time.sleep(FOLLOW_POLL_S)
                start_ms = _print_since(logs, _groups(args, target, logs), start_ms, printer)
        except KeyboardInterrupt:
            pass
    return 0


def _groups(args: argparse.Namespace, target: str, logs: Any) -> list[str]:
    if args.function:
        from localcloud.deploy import resolve_function

        return [
            GROUP_PREFIX + resolve_function(target, args.function, stack_name(args), args.region)
        ]
    pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=GROUP_PREFIX)
    return [group["logGroupName"] for page in pages for group in page["logGroups"]]


def _print_since(logs: Any, groups: list[str], start_ms: int, printer: Printer) -> int:
    """Print every event of ``groups`` from ``start_ms`` on, oldest first; the next start."""
    events: list[dict[str, Any]] = []
    for group in groups:
        try:
            pages = logs.get_paginator("filter_log_events").paginate(
                logGroupName=group, startTime=start_ms
            )
            for page in pages:
                events += [{**event, "logGroupName": group} for event in page["events"]]
        except logs.exceptions.ResourceNotFoundException:
            continue  # a function that never ran has no group yet
    events.sort(key=lambda event: (event["timestamp"], event["eventId"]))
    for event in events:
        printer.print(event)
    # Lines stamped in the same millisecond may still arrive: ask from that millisecond again
    # (the printer skips what it showed).
    return max([start_ms, *(event["timestamp"] for event in events)])
