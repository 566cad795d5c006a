"""`localcloud demo`: deploy the user service to an embedded local cloud and run it end to end."""

from __future__ import annotations

import argparse
from pathlib import Path

from localcloud.cli.common import Subparsers, settings, stack_option
from localcloud.cli.project import DEFAULT_STACK


def register(subparsers: Subparsers) -> None:
    """Add `demo` and its options."""
    parser = subparsers.add_parser(
        "demo", help="deploy the user service locally and run it end to end"
    )
    parser.add_argument(
        "--template", default="infra/template.yaml", help="SAM template (default: %(default)s)"
    )
    parser.add_argument(
        "--events",
        default="events",
        help="events folder; the scenario is its demo/scenario.yaml (default: %(default)s)",
    )
    stack_option(parser)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo; exit 1 if a check failed."""
    # imported here so the other commands start without loading moto
    from localcloud.demo import run_demo

    return run_demo(
        Path(args.template),
        Path(args.events),
        stack=args.stack or DEFAULT_STACK,
        port=args.port,
        settings=settings(args),
    )
