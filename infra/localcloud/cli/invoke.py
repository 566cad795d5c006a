"""`localcloud invoke`: invoke a function; the response goes to stdout, its log to stderr."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from localcloud import clients
from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    err,
    region_option,
    stack_option,
)

# Lambda's longest timeout: the client waits as long as a function may run.
READ_TIMEOUT_S = 900


def register(subparsers: Subparsers) -> None:
    """Add `invoke` and its options."""
    parser = subparsers.add_parser(
        "invoke", help="invoke a function; response on stdout, logs on stderr"
    )
    parser.add_argument("function", help="folder name, logical id or function name")
    parser.add_argument("--event", help="event file, a case name under events/FUNCTION/, or -")
    parser.add_argument("--async", dest="asynchronous", action="store_true", help="Event invoke")
    stack_option(parser, "stack whose logical ids and folders resolve FUNCTION (%(default)s)")
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def read_event(event: str | None, function: str) -> bytes:
    """The event to send: ``{}``, stdin (``-``), a file, or a case under events/FUNCTION/."""
    if event is None:
        return b"{}"
    if event == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(event)
        if not path.is_file():
            candidate = Path("events") / function / f"{event}.json"
            if not candidate.is_file():
                raise UsageError(f"event file {event} not found (nor {candidate})")
            path = candidate
        data = path.read_bytes()
    try:
        json.loads(data or b"{}")
    except ValueError as exc:
        where = "stdin" if event == "-" else str(path)
        raise UsageError(
            f"the event in {where} is not valid JSON ({exc}); pass a JSON document"
        ) from exc
    return data


def run(args: argparse.Namespace) -> int:
    """Invoke the function; exit 1 if it failed."""
    from localcloud.deploy import resolve_function

    target = endpoint(args)
    name = resolve_function(target, args.function, args.stack, args.region)
    payload = read_event(args.event, args.function)
    lam = clients.client("lambda", target, args.region, read_timeout=READ_TIMEOUT_S, retries=0)
    response = lam.invoke(
        FunctionName=name,
        Payload=payload,
        LogType="Tail",
        InvocationType="Event" if args.asynchronous else "RequestResponse",
    )
    return report(response, name, args.asynchronous)


def report(response: dict[str, Any], name: str, asynchronous: bool) -> int:
    """Print the function's log (stderr) and response (stdout); 1 if the function failed."""
    if response.get("LogResult"):
        sys.stderr.write(base64.b64decode(response["LogResult"]).decode(errors="replace"))
    body = response["Payload"].read().decode()
    if body:
        print(body)
    if asynchronous:
        err().print(
            f"queued (HTTP {response['StatusCode']}); follow it with `localcloud trace --last 1`"
        )
    if response.get("FunctionError"):
        err().print(Text(f"{name} failed ({response['FunctionError']})", style="red"))
        return 1
    return 0
