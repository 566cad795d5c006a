"""What the CLI's commands share: where they print, how they fail, which endpoint they talk to."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from localcloud.errors import LocalCloudError

if TYPE_CHECKING:
    from localcloud.deploy.report import DeployReport
from localcloud.settings import Settings, variable

# What each command module's register() receives: the parser's subcommand collection.
type Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


class UsageError(LocalCloudError):
    """The command line asks for something that cannot be done; the message says what to do."""


def _console(stream: TextIO) -> Console:
    """A console on ``stream`` as it is now (so redirected or captured streams are honoured);
    unwrapped when the stream is not a terminal, so piped lines stay whole."""
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    return Console(file=stream, highlight=False, width=None if terminal else 200)


def out() -> Console:
    """A console on standard output, for results."""
    return _console(sys.stdout)


def err() -> Console:
    """A console on standard error, for progress, logs and errors."""
    return _console(sys.stderr)


def fail(message: str) -> None:
    """One error line on stderr (red on a terminal); the message is printed verbatim."""
    line = Text("error: ", style="red")
    line.append(message)
    err().print(line, soft_wrap=True)


def settings(args: argparse.Namespace) -> Settings:
    """The settings main() read from the environment for this run."""
    value = args.settings
    if not isinstance(value, Settings):
        raise TypeError("main() sets args.settings before running a command")
    return value


def endpoint_options(parser: argparse.ArgumentParser, target: bool = False) -> None:
    """Add --endpoint (and, with ``target``, --target) to a command talking to an endpoint."""
    parser.add_argument(
        "--endpoint",
        help=f"the AWS endpoint (default: ${variable('endpoint')}, else {Settings().endpoint})",
    )
    if target:
        parser.add_argument(
            "--target",
            choices=["local", "localstack"],
            help="local: the local cloud at the default endpoint; localstack: LocalStack "
            "(LOCALSTACK_HOST, else localhost:4566)",
        )


def endpoint(args: argparse.Namespace) -> str:
    """The endpoint a command talks to: --target localstack, --endpoint, or the settings'."""
    if getattr(args, "target", None) == "localstack":
        # the way localstack-client finds LocalStack: its env variables, then the default port
        host = os.environ.get("LOCALSTACK_HOST", "localhost:4566")
        return f"http://{host}" if "://" not in host else host
    return str(getattr(args, "endpoint", None) or settings(args).endpoint)


def stack_option(parser: argparse.ArgumentParser, text: str | None = None) -> None:
    """Add --stack, the stack name commands deploy to or look functions up in."""
    # None: samconfig.toml's stack_name, else "localcloud" (cli/project.py decides).
    parser.add_argument(
        "--stack",
        default=None,
        help=(text or "the stack's name")
        + " (default: stack_name in samconfig.toml, else localcloud)",
    )


def region_option(parser: argparse.ArgumentParser) -> None:
    """Add --region to a command that names functions, queues or buses."""
    parser.add_argument(
        "--region",
        default=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        help="the region the resources are in (default: $AWS_REGION, $AWS_DEFAULT_REGION, else "
        "us-east-1; now %(default)s)",
    )


def warm_option(parser: argparse.ArgumentParser, text: str) -> None:
    """Add --warm, which starts functions' environments ahead of their first request."""
    parser.add_argument("--warm", action="store_true", help=text)


def warm_stack(target: str, report: DeployReport) -> None:
    """Warm every function of a deployed stack at ``target``; progress and problems on stderr.

    An endpoint that is not a local cloud (LocalStack, AWS) has no warm start: that is said, and
    the deploy still counts as done.
    """
    from localcloud.admin_client import AdminClient, AdminError

    names = sorted(
        str(record.physical_id)
        for record in report.resources.values()
        if record.type == "AWS::Lambda::Function"
    )
    if not names:
        return
    try:
        outcome = AdminClient(target).warm(names)
    except AdminError as exc:
        err().print(f"warm: {target} does not warm functions ({exc}); they start on first use")
        return
    warmed = outcome.get("warmed") or {}
    slowest = max(warmed.values(), default=0.0)
    err().print(
        f"warm: {len(warmed)} started with their init done (the slowest took {slowest:.2f} s), "
        f"{len(outcome.get('already') or [])} already warm"
    )
    for name, reason in (outcome.get("failed") or {}).items():
        fail(f"warm: {name}: {reason}")
