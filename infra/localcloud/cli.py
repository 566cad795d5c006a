"""The `localcloud` command: run the local cloud, deploy, invoke, follow traces, fix DLQs.

The CLI sits on top of the library (server, deploy, engine) and nothing imports it back.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.text import Text

from localcloud import __version__, clients
from localcloud.errors import LocalCloudError

DEFAULT_ENDPOINT = os.environ.get("LOCALCLOUD_ENDPOINT", "http://127.0.0.1:4566")
LOCALSTACK_ENDPOINT = "http://localhost.localstack.cloud:4566"


def _console(stream: TextIO) -> Console:
    """A console on ``stream`` as it is now (so redirected or captured streams are honoured);
    unwrapped when the stream is not a terminal, so piped lines stay whole."""
    terminal = bool(getattr(stream, "isatty", lambda: False)())
    return Console(file=stream, highlight=False, width=None if terminal else 200)


def out() -> Console:
    return _console(sys.stdout)


def err() -> Console:
    return _console(sys.stderr)


def fail(message: str) -> None:
    """One error line on stderr (red on a terminal); the message is printed verbatim."""
    line = Text("error: ", style="red")
    line.append(message)
    err().print(line, soft_wrap=True)


class UsageError(LocalCloudError):
    """The command line asks for something that cannot be done; the message says what to do."""


def _endpoint(args: argparse.Namespace) -> str:
    target = getattr(args, "target", None)
    if target == "localstack":
        # the way localstack-client finds LocalStack: its env variables, then the default port
        host = os.environ.get("LOCALSTACK_HOST", "localhost:4566")
        return f"http://{host}" if "://" not in host else host
    return str(getattr(args, "endpoint", None) or DEFAULT_ENDPOINT)


def _admin(endpoint: str, path: str) -> Any:
    try:
        with urllib.request.urlopen(f"{endpoint}/_localcloud/{path}", timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise UsageError(json.loads(exc.read()).get("message", str(exc))) from exc
    except OSError as exc:
        raise UsageError(
            f"no local cloud answers at {endpoint} ({exc}); start one with `localcloud up`"
        ) from exc


# -- up ----------------------------------------------------------------------------------------
class OneLineFormatter(logging.Formatter):
    """Log records as one line each: a failed request or thread is reported, not dumped."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"localcloud: {record.levelname.lower()}: {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line += f" ({type(exc).__name__}: {exc})"
        return line.replace("\n", " ")


def _one_line_errors() -> None:
    """While `up` runs, errors from request and engine threads print one line, no traceback
    (set LOCALCLOUD_DEBUG=1 to keep the tracebacks)."""
    if os.environ.get("LOCALCLOUD_DEBUG"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)

    def thread_error(hook: threading.ExceptHookArgs) -> None:
        name = hook.thread.name if hook.thread else "thread"
        sys.stderr.write(f"localcloud: error: {name}: {hook.exc_type.__name__}: {hook.exc_value}\n")

    threading.excepthook = thread_error


def cmd_up(args: argparse.Namespace) -> int:
    from localcloud.server import LocalCloud

    _one_line_errors()
    stop = threading.Event()
    # installed before starting, so a signal during start-up stops cleanly rather than with a
    # KeyboardInterrupt traceback
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    cloud = LocalCloud(host=args.host, port=args.port).start()
    try:
        if args.deploy:
            from localcloud.deploy import deploy

            report = deploy(Path(args.deploy), cloud.endpoint_url, stack=args.stack)
            err().print(report.summary())
        print(f"localcloud ready on {cloud.endpoint_url}", flush=True)
        while not stop.wait(0.5):
            pass
        err().print("stopping")
    finally:
        cloud.stop()
    return 0


# -- deploy ------------------------------------------------------------------------------------
def _parameters(items: list[str]) -> dict[str, str]:
    params = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param takes KEY=VALUE, got {item!r}")
        params[key] = value
    return params


def cmd_deploy(args: argparse.Namespace) -> int:
    from localcloud.deploy import deploy, destroy

    endpoint = _endpoint(args)
    if args.delete:
        report = destroy(endpoint, stack=args.stack)
    else:
        template = Path(args.template)
        if not template.is_file():
            raise UsageError(f"template {template} not found; pass --template PATH")
        report = deploy(template, endpoint, stack=args.stack, parameters=_parameters(args.param))
    out().print(report.summary())
    return 0


# -- invoke ------------------------------------------------------------------------------------
def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def resolve_function(endpoint: str, name: str, stack: str) -> str:
    """A physical function name from a folder name, logical id or physical name."""
    from localcloud.deploy import load_stack_state

    lam = clients.client("lambda", endpoint)
    deployed = [
        f["FunctionName"]
        for page in lam.get_paginator("list_functions").paginate()
        for f in page["Functions"]
    ]
    if name in deployed:
        return name
    try:
        state = load_stack_state(endpoint, stack)
    except LocalCloudError:
        state = None
    if state is not None:
        for logical in (name, _pascal(name), _pascal(name) + "Function"):
            record = state.resources.get(logical)
            if record is not None and record.type == "AWS::Lambda::Function":
                return str(record.physical_id)
    listing = "\n  ".join(sorted(deployed)) or "(none: deploy first with `localcloud deploy`)"
    raise UsageError(f"unknown function {name!r}. Deployed functions:\n  {listing}")


def _read_event(event: str | None, function: str) -> bytes:
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


def cmd_invoke(args: argparse.Namespace) -> int:
    endpoint = _endpoint(args)
    name = resolve_function(endpoint, args.function, args.stack)
    payload = _read_event(args.event, args.function)
    lam = clients.client("lambda", endpoint, read_timeout=900, retries=0)
    response = lam.invoke(
        FunctionName=name,
        Payload=payload,
        LogType="Tail",
        InvocationType="Event" if args.asynchronous else "RequestResponse",
    )
    if response.get("LogResult"):
        sys.stderr.write(base64.b64decode(response["LogResult"]).decode(errors="replace"))
    body = response["Payload"].read().decode()
    if body:
        print(body)
    if args.asynchronous:
        err().print(
            f"queued (HTTP {response['StatusCode']}); follow it with `localcloud trace --last 1`"
        )
    if response.get("FunctionError"):
        err().print(Text(f"{name} failed ({response['FunctionError']})", style="red"))
        return 1
    return 0


# -- trace -------------------------------------------------------------------------------------
def cmd_trace(args: argparse.Namespace) -> int:
    endpoint = _endpoint(args)
    if args.id:
        traces = [_admin(endpoint, f"traces/{args.id}")["hops"]]
    else:
        traces = _admin(endpoint, f"traces?last={args.last}")["traces"]
    shown = {t[0]["trace_id"]: len(t) for t in traces if t}
    _print_traces(traces, args.json)
    if not args.follow:
        return 0
    deadline = time.monotonic() + args.follow_seconds if args.follow_seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
            fresh = []
            for hops in _admin(endpoint, "traces?last=50")["traces"]:
                if hops and shown.get(hops[0]["trace_id"]) != len(hops):
                    shown[hops[0]["trace_id"]] = len(hops)
                    fresh.append(hops)
            _print_traces(fresh, args.json)
    except KeyboardInterrupt:
        pass
    return 0


def _print_traces(traces: list[list[dict[str, Any]]], as_json: bool) -> None:
    from localcloud import traceview

    for hops in traces:
        if as_json:
            print(json.dumps({"trace_id": hops[0]["trace_id"] if hops else None, "hops": hops}))
        else:
            out().print(traceview.render(hops))


# -- dlq ---------------------------------------------------------------------------------------
def _queues(sqs: Any) -> dict[str, dict[str, str]]:
    urls = sqs.list_queues().get("QueueUrls", [])
    return {
        url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for url in urls
    }


def _dead_letter_sources(queues: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """DLQ ARN -> source queue URLs (from the sources' redrive policies)."""
    sources: dict[str, list[str]] = {}
    for url, attributes in queues.items():
        policy = attributes.get("RedrivePolicy")
        if policy:
            sources.setdefault(json.loads(policy)["deadLetterTargetArn"], []).append(url)
    return sources


def _find_queue(queues: dict[str, dict[str, str]], name: str) -> str:
    for url, attributes in queues.items():
        if name in (url, url.rsplit("/", 1)[-1], attributes.get("QueueArn")):
            return url
    known = ", ".join(sorted(u.rsplit("/", 1)[-1] for u in queues)) or "(none)"
    raise UsageError(f"no queue {name!r}; queues: {known}")


def cmd_dlq(args: argparse.Namespace) -> int:
    endpoint = _endpoint(args)
    sqs = clients.client("sqs", endpoint)
    queues = _queues(sqs)
    sources = _dead_letter_sources(queues)
    if args.action == "list":
        dlqs = [u for u, a in queues.items() if a["QueueArn"] in sources]
        if not dlqs:
            out().print("no dead-letter queues (no queue has a redrive policy)")
        for url in sorted(dlqs):
            attributes = queues[url]
            feeding = ", ".join(s.rsplit("/", 1)[-1] for s in sources[attributes["QueueArn"]])
            out().print(
                f"{url.rsplit('/', 1)[-1]}  messages={attributes['ApproximateNumberOfMessages']}"
                f"  sources={feeding}"
            )
        return 0
    if not args.queue:
        raise UsageError(f"`localcloud dlq {args.action}` needs a QUEUE name")
    url = _find_queue(queues, args.queue)
    if args.action == "show":
        messages = _peek(sqs, url, args.max)
        for message in messages:
            if args.json:
                print(json.dumps(message))
            else:
                _print_message(message)
        if not messages:
            out().print(f"{args.queue} is empty")
        return 0
    target = _find_queue(queues, args.to) if args.to else None
    if target is None:
        source_urls = sources.get(queues[url]["QueueArn"], [])
        if len(source_urls) != 1:
            names = ", ".join(sorted(u.rsplit("/", 1)[-1] for u in source_urls)) or "none"
            raise UsageError(
                f"{args.queue} is the DLQ of {len(source_urls)} queues ({names}); name the one "
                f"to redrive to with --to QUEUE"
            )
        target = source_urls[0]
    moved = redrive(sqs, url, target)
    out().print(f"moved {moved} message(s) from {args.queue} to {target.rsplit('/', 1)[-1]}")
    return 0


def _print_message(message: dict[str, Any]) -> None:
    console = out()
    attributes = message.get("Attributes") or {}
    console.print(
        Text(f"{message['MessageId']}", style="bold")
        + Text(f"  received {attributes.get('ApproximateReceiveCount', '?')}x")
    )
    for key, value in sorted((message.get("MessageAttributes") or {}).items()):
        shown = value.get("StringValue", value.get("BinaryValue"))
        console.print(Text(f"  attribute {key} ({value.get('DataType')}): {shown}"))
    for key in ("SentTimestamp", "AWSTraceHeader", "MessageGroupId"):
        if key in attributes:
            console.print(Text(f"  {key}: {attributes[key]}", style="dim"))
    console.print(Text(f"  body: {message['Body'][:2000]}"))


def _peek(sqs: Any, url: str, limit: int) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for _ in range(max(1, limit // 10 + 2)):
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=2,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            break
        for message in batch:
            seen.setdefault(message["MessageId"], message)
        if len(seen) >= limit:
            break
    for message in seen.values():
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return list(seen.values())[:limit]


def redrive(sqs: Any, source_dlq: str, target: str) -> int:
    """Move every message from a DLQ back to a queue (StartMessageMoveTask's effect)."""
    moved = 0
    fifo = target.endswith(".fifo")
    while True:
        batch = sqs.receive_message(
            QueueUrl=source_dlq,
            MaxNumberOfMessages=10,
            VisibilityTimeout=30,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return moved
        for message in batch:
            params: dict[str, Any] = {"QueueUrl": target, "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                params["MessageAttributes"] = message["MessageAttributes"]
            header = message["Attributes"].get("AWSTraceHeader")
            if header:
                params["MessageSystemAttributes"] = {
                    "AWSTraceHeader": {"DataType": "String", "StringValue": header}
                }
            if fifo:
                params["MessageGroupId"] = message["Attributes"].get("MessageGroupId", "redrive")
                params["MessageDeduplicationId"] = message["MessageId"]
            sqs.send_message(**params)
            sqs.delete_message(QueueUrl=source_dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1


# -- replay ------------------------------------------------------------------------------------
def cmd_replay(args: argparse.Namespace) -> int:
    endpoint = _endpoint(args)
    events = clients.client("events", endpoint)
    archive = events.describe_archive(ArchiveName=args.archive)
    now = time.time()
    start = now - args.since if args.since else archive["CreationTime"].timestamp()
    name = args.name or f"{args.archive}-{int(now)}"
    destination: dict[str, Any] = {"Arn": archive["EventSourceArn"]}
    if args.rule:
        destination["FilterArns"] = args.rule
    events.start_replay(
        ReplayName=name,
        EventSourceArn=archive["ArchiveArn"],
        EventStartTime=start,
        EventEndTime=now,
        Destination=destination,
    )
    deadline = time.monotonic() + args.timeout
    state = "STARTING"
    while time.monotonic() < deadline:
        state = events.describe_replay(ReplayName=name)["State"]
        if state in ("COMPLETED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.1)
    out().print(f"replay {name}: {state}")
    return 0 if state == "COMPLETED" else 1


# -- demo --------------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    from localcloud.demo import run_demo

    return run_demo(Path(args.template), Path(args.events), stack=args.stack, port=args.port)


# -- parser ------------------------------------------------------------------------------------
def _endpoint_options(parser: argparse.ArgumentParser, target: bool = False) -> None:
    parser.add_argument("--endpoint", help=f"the AWS endpoint (default {DEFAULT_ENDPOINT})")
    if target:
        parser.add_argument(
            "--target",
            choices=["local", "localstack"],
            help="local: the local cloud at the default endpoint; localstack: LocalStack "
            "(LOCALSTACK_HOST, else localhost:4566)",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="localcloud",
        description="Event-driven AWS serverless on one machine: SQS, SNS, EventBridge and "
        "Lambda with AWS's delivery semantics, no Docker, no AWS account.",
    )
    parser.add_argument("--version", action="version", version=f"localcloud {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    up = sub.add_parser("up", help="run the local cloud in the foreground")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=4566)
    up.add_argument("--deploy", metavar="TEMPLATE", help="deploy this SAM template once up")
    up.add_argument("--stack", default="localcloud")
    up.set_defaults(func=cmd_up)

    dep = sub.add_parser("deploy", help="deploy a SAM template to an endpoint")
    dep.add_argument(
        "--template", default="infra/template.yaml", help="SAM template (default: %(default)s)"
    )
    dep.add_argument(
        "--stack", default="localcloud", help="stack name; prefixes resource names (%(default)s)"
    )
    dep.add_argument("--param", action="append", metavar="KEY=VALUE", help="parameter override")
    dep.add_argument("--delete", action="store_true", help="remove the stack's resources")
    _endpoint_options(dep, target=True)
    dep.set_defaults(func=cmd_deploy)

    inv = sub.add_parser("invoke", help="invoke a function; response on stdout, logs on stderr")
    inv.add_argument("function", help="folder name, logical id or function name")
    inv.add_argument("--event", help="event file, a case name under events/FUNCTION/, or -")
    inv.add_argument("--async", dest="asynchronous", action="store_true", help="Event invoke")
    inv.add_argument("--stack", default="localcloud")
    _endpoint_options(inv)
    inv.set_defaults(func=cmd_invoke)

    tr = sub.add_parser("trace", help="show where events went, hop by hop")
    tr.add_argument("id", nargs="?", help="a trace id (default: the latest traces)")
    tr.add_argument("--last", type=int, default=5)
    tr.add_argument("--follow", action="store_true", help="keep printing new hops")
    tr.add_argument("--follow-seconds", type=float, default=0, help="stop following after N s")
    tr.add_argument("--json", action="store_true", help="one JSON object per trace")
    _endpoint_options(tr)
    tr.set_defaults(func=cmd_trace)

    dlq = sub.add_parser("dlq", help="list, inspect and redrive dead-letter queues")
    dlq.add_argument("action", choices=["list", "show", "redrive"])
    dlq.add_argument("queue", nargs="?")
    dlq.add_argument("--to", help="redrive target (default: the DLQ's only source queue)")
    dlq.add_argument("--max", type=int, default=10)
    dlq.add_argument("--json", action="store_true")
    _endpoint_options(dlq)
    dlq.set_defaults(func=cmd_dlq)

    rep = sub.add_parser("replay", help="replay an EventBridge archive to its bus")
    rep.add_argument("archive")
    rep.add_argument("--since", type=float, help="replay the last N seconds (default: all)")
    rep.add_argument("--rule", action="append", help="only to this rule ARN (repeatable)")
    rep.add_argument("--name")
    rep.add_argument("--timeout", type=float, default=60)
    _endpoint_options(rep)
    rep.set_defaults(func=cmd_replay)

    demo = sub.add_parser("demo", help="deploy the user service locally and run it end to end")
    demo.add_argument("--template", default="infra/template.yaml")
    demo.add_argument("--events", default="events")
    demo.add_argument("--stack", default="localcloud")
    demo.add_argument("--port", type=int, default=0, help="0: a free port")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except LocalCloudError as exc:
        fail(str(exc))
        return 2
    except KeyboardInterrupt:
        err().print("interrupted")
        return 130
    except Exception as exc:
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError | BotoCoreError):
            fail(str(exc))
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
