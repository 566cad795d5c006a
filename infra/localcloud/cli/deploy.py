"""`localcloud deploy`: deploy a SAM template to an endpoint, or remove a deployed stack."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.text import Text

from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    err,
    out,
    settings,
    stack_option,
    warm_option,
    warm_stack,
)
from localcloud.cli.project import load_project, parse_overrides, stack_name


def register(subparsers: Subparsers) -> None:
    """Add `deploy` and its options."""
    parser = subparsers.add_parser("deploy", help="deploy a SAM template to an endpoint")
    parser.add_argument(
        "--template",
        help="SAM template (default: template.yaml or template.yml here, as sam finds it)",
    )
    stack_option(parser, "stack name; prefixes resource names")
    parser.add_argument(
        "--parameter-overrides",
        nargs="+",
        metavar="KEY=VALUE",
        help="template parameters, as sam spells them (default: parameter_overrides in "
        "samconfig.toml)",
    )
    parser.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter override")
    parser.add_argument(
        "--layer",
        action="append",
        metavar="ARN=DIR",
        help="a layer version the endpoint does not hold, from a folder laid out as its zip "
        "(repeatable; Powertools' public layers need none)",
    )
    parser.add_argument("--delete", action="store_true", help="remove the stack's resources")
    warm_option(
        parser,
        "then start one environment per function with its init (imports) done, like "
        "provisioned concurrency, so first requests cost what warm ones do (local cloud only)",
    )
    parser.add_argument(
        "--allow-unsupported",
        action="store_true",
        help="deploy a template with properties the deployer does not apply, leaving them out "
        "with a warning for each (without it, such a template fails before anything is applied)",
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


def layer_folders(items: list[str] | None) -> dict[str, Path]:
    """Layer ARNs to their local folders, from ``--layer ARN=DIR`` items."""
    layers = {}
    for item in items or []:
        # An ARN holds colons, never "=": the first "=" ends it.
        arn, sep, folder = item.partition("=")
        if not sep or not arn.startswith("arn:") or not folder:
            raise UsageError(f"--layer takes ARN=DIR, got {item!r}")
        if not Path(folder).is_dir():
            raise UsageError(f"--layer {arn}: folder {folder} does not exist")
        layers[arn] = Path(folder)
    return layers


def run(args: argparse.Namespace) -> int:
    """Deploy (or with --delete destroy) the stack and print the report."""
    # imported here so the other commands start without loading the deployer
    from localcloud.build import BuildCache
    from localcloud.deploy import deploy, destroy

    target = endpoint(args)
    project = load_project(args.template, required=not args.delete)
    stack = stack_name(args, project)
    if args.delete:
        report = destroy(target, stack=stack)
    else:
        assert project.template is not None  # required above
        values = {
            **project.parameter_overrides(),
            **parse_overrides(args.parameter_overrides or []),
            **parameters(args.param),
        }
        build_dir = settings(args).build_dir
        builds = BuildCache(
            Path(build_dir) if build_dir else None,
            report=lambda line: err().print(line, markup=False),
        )
        report = deploy(
            project.template,
            target,
            stack=stack,
            parameters=values,
            builds=builds,
            layers=layer_folders([*project.layers(), *(args.layer or [])]),
            allow_unsupported=args.allow_unsupported,
        )
    for warning in report.warnings:
        line = Text("warning: ", style="yellow")
        line.append(warning)
        err().print(line, soft_wrap=True)
    out().print(report.summary())
    if args.warm and not args.delete:
        warm_stack(target, report)
    return 0
