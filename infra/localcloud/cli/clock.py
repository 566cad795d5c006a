"""`localcloud clock`: show or move the cloud's clock (the same as `localcloud schedule clock`).

Schedules fire by it and Step Functions' Wait states and Retry intervals end by it, so a test
moves it forward instead of sleeping: `localcloud clock --advance 86400` fires a day's schedules
(each once) and ends a day's Wait at once.
"""

from __future__ import annotations

import argparse

from localcloud.admin_client import AdminClient
from localcloud.cli.common import Subparsers, endpoint, endpoint_options
from localcloud.cli.schedule import clock_options, show_clock


def register(subparsers: Subparsers) -> None:
    """Add `clock` and its options."""
    parser = subparsers.add_parser(
        "clock",
        help="show or move the cloud's clock, which schedules fire by and Step Functions Wait "
        "states and Retry intervals end by",
    )
    clock_options(parser)
    parser.add_argument("--json", action="store_true", help="print the clock as JSON")
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Move the clock (--advance, --now) or only read it, and print it (AdminError: exit 2)."""
    return show_clock(args, AdminClient(endpoint(args)))
