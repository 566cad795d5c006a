"""`localcloud status`: is a local cloud running at the endpoint, and what is deployed on it."""

from __future__ import annotations

import argparse
from collections import Counter

from rich.text import Text

from localcloud.admin_client import AdminClient
from localcloud.cli.common import Subparsers, endpoint, endpoint_options, out, region_option


def register(subparsers: Subparsers) -> None:
    """Add `status` and its options."""
    parser = subparsers.add_parser("status", help="is a cloud running here, and what it holds")
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the cloud's health and each deployed stack; exit 2 when nothing answers."""
    from localcloud.deploy import deployed_stacks, load_stack_state

    target = endpoint(args)
    health = AdminClient(target).health()  # NotRunningError says how to start one
    console = out()
    console.print(
        Text(f"running at {health['endpoint']}", style="green"),
        Text(f"(up {health['uptime_s']:.0f} s; {', '.join(health['services'])})", style="dim"),
    )
    stacks = deployed_stacks(target, args.region)
    if not stacks:
        console.print("no stack deployed (localcloud deploy)")
    for stack in stacks:
        state = load_stack_state(target, stack, args.region)
        if state is None:
            continue
        kinds = Counter(record.type for record in state.resources.values())
        console.print(Text(f"stack {stack}", style="bold"), f"{len(state.resources)} resources")
        for kind, count in sorted(kinds.items()):
            console.print(f"  {count:>3}  {kind}")
        functions = sorted(
            str(record.physical_id)
            for record in state.resources.values()
            if record.type == "AWS::Lambda::Function"
        )
        if functions:
            console.print(f"  functions: {', '.join(functions)}")
    return 0
