"""The `localcloud` command: run the local cloud, deploy, invoke, follow traces, fix DLQs, fire
schedules.

This module assembles the parser from one module per command (each has ``register`` and
``run``), reads the settings once, and turns errors into one line and an exit code. The CLI sits
on top of the library (server, deploy, ops, admin client) and nothing imports it back.
"""

from __future__ import annotations

import argparse

from localcloud import __version__
from localcloud.cli import (
    clock,
    demo,
    deploy,
    dlq,
    invoke,
    logs,
    replay,
    schedule,
    status,
    stop,
    trace,
    up,
)
from localcloud.cli.common import err, fail
from localcloud.cli.up import OneLineFormatter
from localcloud.errors import LocalCloudError
from localcloud.settings import Settings

__all__ = ["OneLineFormatter", "build_parser", "main"]

# In the order `localcloud --help` lists them.
COMMANDS = (up, stop, status, deploy, invoke, logs, trace, dlq, replay, schedule, clock, demo)

# Exit codes: a command's own failure (a failed invoke, a replay that did not complete) is 1.
USAGE_OR_CLOUD_ERROR = 2
INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; each parsed namespace's ``func`` runs its command."""
    parser = argparse.ArgumentParser(
        prog="localcloud",
        description="Event-driven AWS serverless on one machine: SQS, SNS, EventBridge and "
        "Lambda with AWS's delivery semantics, no Docker, no AWS account.",
    )
    parser.add_argument("--version", action="version", version=f"localcloud {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command ``argv`` (default: the process's arguments) names; the exit status."""
    args = build_parser().parse_args(argv)
    try:
        # after parsing, so --help and usage errors work whatever the environment holds
        args.settings = Settings.from_env()
        return int(args.func(args))
    except LocalCloudError as exc:
        fail(str(exc))
        return USAGE_OR_CLOUD_ERROR
    except KeyboardInterrupt:
        err().print("interrupted")
        return INTERRUPTED
    except Exception as exc:
        # botocore is imported only when a command talks to an endpoint
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError | BotoCoreError):
            fail(str(exc))
            return USAGE_OR_CLOUD_ERROR
        raise
