"""`localcloud invoke`: invoke a function; the response goes to stdout, its log to stderr.

``--debug [PORT]`` puts the function in debug mode on the running cloud for this one invocation
(/_localcloud/debug): its worker starts under debugpy and waits for an IDE to attach, with no
timeout. Debug mode is then put back as it was, which ends the debugged worker.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from rich.text import Text

from localcloud import clients
from localcloud.admin_client import AdminClient, NotRunningError
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    err,
    region_option,
    stack_option,
)
from localcloud.cli.project import load_project, stack_name

# Lambda's longest timeout: the client waits as long as a function may run.
READ_TIMEOUT_S = 900
# Under a debugger the invocation has no timeout; a day bounds a forgotten session.
DEBUG_READ_TIMEOUT_S = 24 * 3600
DEBUG_PORT = 5678  # debugpy's default, which IDE launch configurations assume


def register(subparsers: Subparsers) -> None:
    """Add `invoke` and its options."""
    parser = subparsers.add_parser(
        "invoke", help="invoke a function; response on stdout, logs on stderr"
    )
    parser.add_argument("function", help="folder name, logical id or function name")
    parser.add_argument("--event", help="event file, a case name under events/FUNCTION/, or -")
    parser.add_argument("--async", dest="asynchronous", action="store_true", help="Event invoke")
    parser.add_argument(
        "--debug",
        nargs="?",
        const=DEBUG_PORT,
        type=port_number,
        metavar="PORT",
        help="run the function under debugpy on 127.0.0.1:PORT (default %(const)s) and wait "
        "for an IDE to attach; no timeout meanwhile (write it after FUNCTION)",
    )
    parser.add_argument(
        "--template", help="the project's template (default: template.yaml or .yml here)"
    )
    stack_option(parser, "stack whose logical ids and folders resolve FUNCTION")
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def read_event(
    event: str | None,
    function: str,
    event_folders: list[Path] | tuple[Path, ...] = (Path("events"),),
) -> bytes:
    """The event to send: ``{}``, stdin (``-``), a file, or a case under events/FUNCTION/."""
    if event is None:
        return b"{}"
    if event == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(event)
        if not path.is_file():
            # A case name: events/FUNCTION/CASE.json in the project's folder (then here).
            candidates = [folder / function / f"{event}.json" for folder in event_folders]
            found = [candidate for candidate in candidates if candidate.is_file()]
            if not found:
                tried = ", ".join(str(candidate) for candidate in candidates)
                raise UsageError(f"event file {event} not found (nor {tried})")
            path = found[0]
        data = path.read_bytes()
    try:
        json.loads(data or b"{}")
    except ValueError as exc:
        where = "stdin" if event == "-" else str(path)
        raise UsageError(
            f"the event in {where} is not valid JSON ({exc}); pass a JSON document"
        ) from exc
    return data


def port_number(text: str) -> int:
    """A debugger port from the command line (argparse's ``type``)."""
    if not text.isdigit() or not 1024 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port from 1024 to 65535 (write FUNCTION first: "
            "`localcloud invoke FUNCTION --debug [PORT]`)"
        )
    return int(text)


def run(args: argparse.Namespace) -> int:
    """Invoke the function; exit 1 if it failed."""
    from localcloud.deploy import resolve_function

    if args.debug is not None and args.asynchronous:
        raise UsageError(
            "--debug waits for the invocation it debugs, --async does not; drop --async, or "
            "keep the function in debug mode with `localcloud up --debug FUNCTION`"
        )
    target = endpoint(args)
    project = load_project(args.template, required=False)
    name = resolve_function(target, args.function, stack_name(args, project), args.region)
    payload = read_event(args.event, args.function, project.event_folders())
    if args.debug is None:
        return _invoke(target, args.region, name, payload, args.asynchronous, READ_TIMEOUT_S)
    admin = AdminClient(target)
    # By ARN: the cloud looks a plain name up in its own default region.
    arn = f"arn:aws:lambda:{args.region}:{DEFAULT_ACCOUNT}:function:{name}"
    state = admin.debug(arn, args.debug)
    try:
        sys.stderr.write(waiting_message(state) + "\n")
        sys.stderr.flush()
        return _invoke(target, args.region, name, payload, False, DEBUG_READ_TIMEOUT_S)
    finally:
        # As it was: off, or the port `up --debug` gave it (then the IDE stays attached). A
        # cloud that is gone has nothing left to put back.
        with contextlib.suppress(NotRunningError):
            admin.debug(arn, state["previous"])


def waiting_message(state: dict[str, Any]) -> str:
    """What to attach to, and how the IDE finds the handler's files."""
    where = f"waiting for a debugger on 127.0.0.1:{state['port']}"
    code = state.get("code_path")
    if not code:
        return where
    if state.get("local_code"):
        return f"{where} (the handler runs from {code}: set breakpoints in those files)"
    return (
        f"{where} (the handler runs from the deployed zip, extracted to {code}: map your "
        "code folder to it with pathMappings)"
    )


def _invoke(
    target: str, region: str, name: str, payload: bytes, asynchronous: bool, wait_s: float
) -> int:
    lam = clients.client("lambda", target, region, read_timeout=wait_s, retries=0)
    response = lam.invoke(
        FunctionName=name,
        Payload=payload,
        LogType="Tail",
        InvocationType="Event" if asynchronous else "RequestResponse",
    )
    return report(response, name, asynchronous)


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
