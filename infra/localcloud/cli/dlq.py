"""`localcloud dlq`: list dead-letter queues, show their messages, redrive them."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.text import Text

from localcloud import clients
from localcloud.cli.common import (
    Subparsers,
    UsageError,
    endpoint,
    endpoint_options,
    out,
    region_option,
)
from localcloud.ops.dlq import Queues, move, peek, queue_name

# Bodies longer than this are cut in `dlq show`: the point is to recognise a message.
BODY_SHOWN = 2000


def register(subparsers: Subparsers) -> None:
    """Add `dlq` and its options."""
    parser = subparsers.add_parser("dlq", help="list, inspect and redrive dead-letter queues")
    parser.add_argument(
        "action",
        choices=["list", "show", "redrive"],
        help="list the DLQs; show a DLQ's messages; redrive them to a queue",
    )
    parser.add_argument("queue", nargs="?", help="the DLQ's name, URL or ARN (show, redrive)")
    parser.add_argument(
        "--to", help="redrive target (default: each message back to the queue it came from)"
    )
    parser.add_argument(
        "--rate", type=int, help="redrive: move at most N messages per second (1 to 500)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="redrive: wait at most S seconds for the move to end (%(default)s)",
    )
    parser.add_argument("--max", type=int, default=10, help="show at most N messages (%(default)s)")
    parser.add_argument("--json", action="store_true", help="show: one JSON object per message")
    region_option(parser)
    endpoint_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the action against the queues at the endpoint."""
    sqs = clients.client("sqs", endpoint(args), args.region)
    queues = Queues.read(sqs)
    if args.action == "list":
        return list_dlqs(queues)
    if not args.queue:
        raise UsageError(f"`localcloud dlq {args.action}` needs a QUEUE name")
    url = queues.find(args.queue)
    if args.action == "show":
        return show(sqs, url, args)
    return redrive(sqs, queues, url, args)


def redrive(sqs: Any, queues: Queues, url: str, args: argparse.Namespace) -> int:
    """Move the DLQ's messages with a message move task; 1 when the task failed."""
    target = queues.find(args.to) if args.to else one_source(queues, url)
    outcome = move(
        sqs,
        queues.attributes[url]["QueueArn"],
        queues.attributes[target]["QueueArn"] if target else None,
        rate=args.rate,
        timeout_s=args.timeout,
    )
    to = queue_name(target) if target else "the queues they came from"
    out().print(
        f"moved {outcome.moved} message(s) from {args.queue} to {to} ({outcome.status.lower()})"
    )
    if outcome.failure:
        out().print(f"the move failed: {outcome.failure}", style="red")
        return 1
    return 0


def list_dlqs(queues: Queues) -> int:
    """One line per DLQ: its message count and the queues feeding it."""
    dlqs = queues.dead_letter_queues()
    if not dlqs:
        out().print("no dead-letter queues (no queue has a redrive policy)")
    for url in dlqs:
        count = queues.attributes[url]["ApproximateNumberOfMessages"]
        feeding = ", ".join(queue_name(s) for s in queues.sources(url))
        out().print(f"{queue_name(url)}  messages={count}  sources={feeding}")
    return 0


def one_source(queues: Queues, dlq_url: str) -> str | None:
    """The queue feeding the DLQ when it is the only one (messages sent straight to the DLQ go
    there too); None when there are several: each message goes back where it came from."""
    sources = queues.sources(dlq_url)
    if len(sources) > 1:
        return None
    if not sources:
        raise UsageError(
            f"{queue_name(dlq_url)} is no queue's dead-letter queue (no redrive policy names "
            "it): SQS moves messages out of dead-letter queues only"
        )
    return sources[0]


def show(sqs: Any, url: str, args: argparse.Namespace) -> int:
    """Print up to --max messages of the queue, leaving them in it."""
    messages = peek(sqs, url, args.max)
    for message in messages:
        if args.json:
            print(json.dumps(message))
        else:
            print_message(message)
    if not messages:
        out().print(f"{args.queue} is empty")
    return 0


def print_message(message: dict[str, Any]) -> None:
    """A message as its id and receive count, its attributes, and its (cut) body."""
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
    console.print(Text(f"  body: {message['Body'][:BODY_SHOWN]}"))
