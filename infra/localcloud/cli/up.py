"""`localcloud up`: run the local cloud in the foreground until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import signal
import sys
import threading
from pathlib import Path

from localcloud.cli.common import Subparsers, err, settings, stack_option, warm_option, warm_stack


class OneLineFormatter(logging.Formatter):
    """Log records as one line each: a failed request or thread is reported, not dumped."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"localcloud: {record.levelname.lower()}: {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            line += f" ({type(exc).__name__}: {exc})"
        return line.replace("\n", " ")


def _thread_error(hook: threading.ExceptHookArgs) -> None:
    name = hook.thread.name if hook.thread else "thread"
    sys.stderr.write(f"localcloud: error: {name}: {hook.exc_type.__name__}: {hook.exc_value}\n")


def one_line_errors() -> None:
    """While `up` runs, errors from request and engine threads print one line, no traceback
    (LOCALCLOUD_DEBUG=1 keeps the tracebacks: the caller then skips this)."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    threading.excepthook = _thread_error


def register(subparsers: Subparsers) -> None:
    """Add `up` and its options."""
    parser = subparsers.add_parser("up", help="run the local cloud in the foreground")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (%(default)s)")
    parser.add_argument("--port", type=int, default=4566, help="port to serve on (%(default)s)")
    parser.add_argument("--deploy", metavar="TEMPLATE", help="deploy this SAM template once up")
    stack_option(parser, "stack name for --deploy (default: %(default)s)")
    warm_option(
        parser,
        "start one environment per function with its init (imports) done whenever a function "
        "is created or reconfigured, like provisioned concurrency (LOCALCLOUD_WARM=1)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Serve until stopped; print one ready line on stdout once requests are accepted."""
    # imported here so the other commands start without loading moto
    from localcloud.server import LocalCloud

    config = settings(args)
    if args.warm:
        config = dataclasses.replace(config, warm=True)
    if not config.debug:
        one_line_errors()
    stop = threading.Event()
    # installed before starting, so a signal during start-up stops cleanly rather than with a
    # KeyboardInterrupt traceback
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    cloud = LocalCloud(host=args.host, port=args.port, settings=config).start()
    # moto, botocore and Flask leave ~250,000 long-lived objects from start-up that every full
    # garbage collection would walk again while events flow: out of the collector's sight.
    gc.freeze()
    try:
        if args.deploy:
            from localcloud.deploy import deploy

            report = deploy(Path(args.deploy), cloud.endpoint_url, stack=args.stack)
            err().print(report.summary())
            if config.warm:  # ready means warm: wait for the stack's environments
                warm_stack(cloud.endpoint_url, report)
        print(f"localcloud ready on {cloud.endpoint_url}", flush=True)
        while not stop.wait(0.5):
            pass
        err().print("stopping")
    finally:
        cloud.stop()
    return 0
