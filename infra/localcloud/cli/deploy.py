"""`localcloud deploy`: deploy a SAM template to an endpoint, or remove a deployed stack."""

from __future__ import annotations

import argparse
from pathlib import Path

from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    out,
    stack_option,
    warm_option,
    warm_stack,
)


def register(subparsers: Subparsers) -> None:
    """Add `deploy` and its options."""
    parser = subparsers.add_parser("deploy", help="deploy a SAM template to an endpoint")
    parser.add_argument(
        "--template", default="infra/template.yaml", help="SAM template (default: %(default)s)"
    )
    stack_option(parser, "stack name; prefixes resource names (%(default)s)")
    parser.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter override")
    parser.add_argument("--delete", action="store_true", help="remove the stack's resources")
    warm_option(
        parser,
        "then start one environment per function with its init (imports) done, like "
        "provisioned concurrency, so first requests cost what warm ones do (local cloud only)",
    )
    endpoint_options(parser, target=True)
    parser.set_defaults(func=run)


def parameters(items: list[str] | None) -> dict[str, str]:
    """Template parameter overrides from ``--param KEY=VALUE`` items."""
    params = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes KEY=VALUE, got {item!r}")
        params[key] = value
    return params


def run(args: argparse.Namespace) -> int:
    """Deploy (or with --delete destroy) the stack and print the report."""
    # imported here so the other commands start without loading the deployer
    from localcloud.deploy import deploy, destroy

    target = endpoint(args)
    if args.delete:
        report = destroy(target, stack=args.stack)
    else:
        template = Path(args.template)
        if not template.is_file():
            raise UsageError(f"template {template} not found; pass --template PATH")
        report = deploy(template, target, stack=args.stack, parameters=parameters(args.param))
    out().print(report.summary())
    if args.warm and not args.delete:
        warm_stack(target, report)
    return 0
