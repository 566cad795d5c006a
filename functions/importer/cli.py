"""Command line importer: ``python -m importer.cli FILE --topic-arn ARN`` (run from functions/).

Publishes the file's sign-ups in batches of ten to the topic (and to the bus, unless ``--no-bus``),
keeps rejected rows in the rejects queue when one is given, prints the report as JSON (rejects also
on stderr). Exits 2 if the file could not be imported, 1 with ``--strict`` if any row was rejected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path

from importer import wiring
from importer.core import run_import
from shared.errors import UserServiceError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="python -m importer.cli", description=__doc__)
    parser.add_argument("file", type=Path, help="CSV with columns email,name,country")
    parser.add_argument(
        "--topic-arn",
        default=os.environ.get("SIGNUPS_TOPIC_ARN"),
        required="SIGNUPS_TOPIC_ARN" not in os.environ,
        help="ARN of the user-signups topic (default: $SIGNUPS_TOPIC_ARN)",
    )
    parser.add_argument(
        "--bus-name",
        default=os.environ.get("EVENT_BUS_NAME", "users"),
        help="also put the sign-ups on this EventBridge bus (default: users)",
    )
    parser.add_argument("--no-bus", action="store_true", help="publish to the topic only")
    parser.add_argument(
        "--rejects-queue-url",
        default=os.environ.get("IMPORT_REJECTS_QUEUE_URL"),
        help="SQS queue that keeps rejected rows (default: $IMPORT_REJECTS_QUEUE_URL)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if any row is rejected")
    parser.add_argument("--correlation-id", default=None, help="default: a new uuid")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one import; the exit status says whether every row went through."""
    args = build_parser().parse_args(argv)
    try:
        text = args.file.read_text(encoding="utf-8-sig")
        report = run_import(
            text,
            source=str(args.file),
            correlation_id=args.correlation_id or f"import-{uuid.uuid4()}",
            publishers=wiring.publishers(args.topic_arn, None if args.no_bus else args.bus_name),
            rejects=wiring.reject_sink(args.rejects_queue_url),
        )
    except (OSError, UserServiceError) as error:
        print(f"importer: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.to_json(), indent=2))
    for reject in report.rejects:
        print(f"importer: row {reject.row} rejected: {reject.reason}", file=sys.stderr)
    return 1 if args.strict and report.rejects else 0


if __name__ == "__main__":
    sys.exit(main())
