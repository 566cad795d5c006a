"""`localcloud stop`: stop the local cloud `up --detach` started in the background."""

from __future__ import annotations

import argparse

from localcloud.cli import background
from localcloud.cli.common import Subparsers, err


def register(subparsers: Subparsers) -> None:
    """Add `stop` and its options."""
    parser = subparsers.add_parser("stop", help="stop a local cloud started with `up --detach`")
    parser.add_argument(
        "--port", type=int, default=4566, help="the port it serves on (%(default)s)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    pid = background.stop(args.port)
    err().print(f"stopped the local cloud on port {args.port} (pid {pid})")
    return 0
