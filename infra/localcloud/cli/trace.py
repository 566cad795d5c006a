"""`localcloud trace`: show where events went, hop by hop, once or following new hops."""

from __future__ import annotations

import argparse
import json
import time

from rich.text import Text

from localcloud import traceview
from localcloud.admin_client import AdminClient, Hop
from localcloud.cli.common import Subparsers, endpoint, endpoint_options, err, out

# How long one --follow request waits for new hops before asking again.
FOLLOW_WAIT_S = 5.0


def register(subparsers: Subparsers) -> None:
    """Add `trace` and its options."""
    parser = subparsers.add_parser("trace", help="show where events went, hop by hop")
    parser.add_argument("id", nargs="?", help="a trace id (default: the latest traces)")
    parser.add_argument(
        "--last", type=int, default=5, help="how many of the latest traces (%(default)s)"
    )
    parser.add_argument(
        "--follow",
        action="store_true",
        help="then print every new hop once, as it is recorded, until Ctrl-C",
    )
    parser.add_argument("--follow-seconds", type=float, default=0, help="stop following after N s")
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per trace (per hop when following)"
    )
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the asked-for traces, then with --follow every new hop once, as it is recorded."""
    admin = AdminClient(endpoint(args))
    sequence = admin.sequence() if args.follow else 0
    traces = [admin.trace(args.id)] if args.id else admin.traces(args.last)
    show(traces, args.json)
    if args.follow:
        follow(admin, sequence, args.follow_seconds, args.json, Follower(traces))
    return 0


class Follower:
    """Prints hops one line each as they arrive: a trace's first hop opens it with a header
    line, each hop is indented under the hop that caused it; nothing is printed twice."""

    def __init__(self, shown: list[list[Hop]]) -> None:
        self.seen: set[str] = set()
        self.depth: dict[str, int] = {}
        self.start: dict[str, float] = {}
        for hops in shown:
            for hop in hops:
                self._place(hop)

    def _place(self, hop: Hop) -> int:
        self.seen.add(hop["id"])
        self.start.setdefault(hop["trace_id"], hop["at"])
        depth = self.depth.get(hop["parent"] or "", -1) + 1
        self.depth[hop["id"]] = depth
        return depth

    def lines(self, hop: Hop) -> list[Text]:
        if hop["id"] in self.seen:
            return []
        header = [] if hop["trace_id"] in self.start else [Text(f"trace {hop['trace_id']}")]
        depth = self._place(hop)
        line = Text("  " * (depth + 1))
        line.append_text(traceview.label(hop, self.start[hop["trace_id"]], traceview.WIDEST_KIND))
        return [*header, line]


def follow(
    admin: AdminClient, sequence: int, seconds: float, as_json: bool, follower: Follower
) -> None:
    """Print every hop recorded after ``sequence`` exactly once, until ``seconds`` pass (0:
    until Ctrl-C)."""
    deadline = time.monotonic() + seconds if seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            wait = FOLLOW_WAIT_S
            if deadline is not None:
                wait = max(0.0, min(wait, deadline - time.monotonic()))
            hops, sequence, missed = admin.hops(sequence, wait)
            if missed:
                err().print(f"({missed} hops came too fast to be held for followers)")
            for hop in hops:
                if as_json:
                    print(json.dumps(hop), flush=True)
                    continue
                for line in follower.lines(hop):
                    out().print(line, soft_wrap=True)
    except KeyboardInterrupt:
        pass


def show(traces: list[list[Hop]], as_json: bool) -> None:
    """Print traces as trees, or as one JSON object per line."""
    for hops in traces:
        if as_json:
            print(json.dumps({"trace_id": hops[0]["trace_id"] if hops else None, "hops": hops}))
        else:
            out().print(traceview.render(hops))
