"""`localcloud trace`: show where events went, hop by hop, once or following new hops."""

from __future__ import annotations

import argparse
import json
import time

from localcloud.admin_client import AdminClient, Hop
from localcloud.cli.common import Subparsers, endpoint, endpoint_options, out

# How often --follow asks for new hops, and how many recent traces it looks through.
FOLLOW_POLL_S = 0.2
FOLLOW_WINDOW = 50


def register(subparsers: Subparsers) -> None:
    """Add `trace` and its options."""
    parser = subparsers.add_parser("trace", help="show where events went, hop by hop")
    parser.add_argument("id", nargs="?", help="a trace id (default: the latest traces)")
    parser.add_argument(
        "--last", type=int, default=5, help="how many of the latest traces (%(default)s)"
    )
    parser.add_argument("--follow", action="store_true", help="keep printing new hops")
    parser.add_argument("--follow-seconds", type=float, default=0, help="stop following after N s")
    parser.add_argument("--json", action="store_true", help="one JSON object per trace")
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the asked-for traces, then with --follow every trace that grows."""
    admin = AdminClient(endpoint(args))
    traces = [admin.trace(args.id)] if args.id else admin.traces(args.last)
    shown = {t[0]["trace_id"]: len(t) for t in traces if t}
    show(traces, args.json)
    if args.follow:
        follow(admin, shown, args.follow_seconds, args.json)
    return 0


def follow(admin: AdminClient, shown: dict[str, int], seconds: float, as_json: bool) -> None:
    """Print each recent trace again whenever it has more hops than ``shown`` says, until
    ``seconds`` pass (0: until Ctrl-C)."""
    deadline = time.monotonic() + seconds if seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(FOLLOW_POLL_S)
            fresh = []
            for hops in admin.traces(FOLLOW_WINDOW):
                if hops and shown.get(hops[0]["trace_id"]) != len(hops):
                    shown[hops[0]["trace_id"]] = len(hops)
                    fresh.append(hops)
            show(fresh, as_json)
    except KeyboardInterrupt:
        pass


def show(traces: list[list[Hop]], as_json: bool) -> None:
    """Print traces as trees, or as one JSON object per line."""
    from localcloud import traceview

    for hops in traces:
        if as_json:
            print(json.dumps({"trace_id": hops[0]["trace_id"] if hops else None, "hops": hops}))
        else:
            out().print(traceview.render(hops))
