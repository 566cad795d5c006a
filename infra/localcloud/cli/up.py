"""`localcloud up`: run the local cloud in the foreground until SIGINT or SIGTERM.

``--debug FUNCTION[:PORT]`` keeps a function in debug mode while the cloud runs: each of its
workers starts under debugpy and waits for an IDE to attach, and its invocations have no timeout.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from localcloud.cli import background
from localcloud.cli.common import (
    Subparsers,
    err,
    settings,
    stack_option,
    warm_option,
    warm_stack,
)
from localcloud.cli.project import load_project, stack_name
from localcloud.engine.executor import FunctionSpec, InvocationResult
from localcloud.logview import log_line, plain_log_line, plain_log_lines

# A ready hook that runs longer than this is stopped (the cloud keeps serving).
INIT_HOOK_TIMEOUT_S = 300

if TYPE_CHECKING:
    from localcloud.server import LocalCloud

DEBUG_PORT = 5678  # debugpy's default, which IDE launch configurations assume


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


_printing = threading.Lock()
# The console invocations print on, with the stream it was made for: made again only when
# stderr is another stream (one per invocation cost ~25 us of the server's CPU).
_log_console: tuple[object, Console] | None = None


def _stderr_console() -> Console:
    """err()'s console, kept while stderr is the same stream (the caller holds _printing)."""
    global _log_console
    stream = sys.stderr
    if _log_console is None or _log_console[0] is not stream:
        _log_console = (stream, err())
    return _log_console[1]


def print_invocation(spec: FunctionSpec, result: InvocationResult, lines: Sequence[str]) -> None:
    """Print an invocation's log lines on stderr as it ends (a listener of the engine's logs)."""
    with _printing:
        console = _stderr_console()
        # Without colours (not a terminal: a log file, the bench) a line is its plain text,
        # which rich renders the same (its tabs expanded by columns, so with wide characters
        # rich renders it); rendering costs the server's CPU.
        plain = console.color_system is None
        if plain and all("\t" not in line or line.isascii() for line in lines):
            # In one write (stderr is line-buffered: a write a line was a system call a line),
            # the time and names put in words once.
            text = plain_log_lines(spec.name, result.request_id, lines)
            console.file.write("".join(f"{line}\n" for line in text))
            console.file.flush()
            return
        for line in lines:
            if plain and ("\t" not in line or line.isascii()):
                console.file.write(plain_log_line(spec.name, result.request_id, line) + "\n")
                continue
            console.print(
                log_line(spec.name, result.request_id, line, result.failed), soft_wrap=True
            )
        if plain:
            console.file.flush()


def run_init_hooks(folder: Path | None, endpoint_url: str, region: str) -> None:
    """Run the ready hooks (as LocalStack's init/ready.d): each executable or ``.py`` file of the
    folder, in name order, with the endpoint in its environment; a failing one is reported."""
    folder = folder if folder is not None else Path("init/ready.d")
    if not folder.is_dir():
        if folder != Path("init/ready.d"):
            err().print(Text(f"--init {folder}: no such folder", style="red"))
        return
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": endpoint_url,
        "LOCALCLOUD_ENDPOINT": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
    }
    for script in sorted(folder.iterdir()):
        if script.suffix == ".py":
            command = [sys.executable, str(script)]
        elif script.is_file() and os.access(script, os.X_OK):
            command = [str(script)]
        else:
            continue
        try:
            code = subprocess.run(command, env=env, timeout=INIT_HOOK_TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            err().print(
                Text(f"init {script.name}: stopped after {INIT_HOOK_TIMEOUT_S} s", style="red")
            )
            continue
        style = "green" if code == 0 else "red"
        err().print(Text(f"init {script.name}: exit {code}", style=style))


def _argv(args: argparse.Namespace) -> list[str]:
    """`up`'s options as a command line, for the background process."""
    argv = ["--host", args.host, "--port", str(args.port)]
    if args.stack:
        argv += ["--stack", args.stack]
    if args.deploy is not None:
        argv += ["--deploy", args.deploy] if args.deploy else ["--deploy"]
    if args.quiet:
        argv.append("--quiet")
    if args.init is not None:
        argv += ["--init", str(args.init)]
    if args.state:
        argv += ["--state", args.state]
    for function, port in args.debug:
        argv += ["--debug", f"{function}:{port}"]
    if args.warm:
        argv.append("--warm")
    if args.moto_api:
        argv.append("--moto-api")
    return argv


def debug_target(text: str) -> tuple[str, int]:
    """``FUNCTION[:PORT]`` from the command line (argparse's ``type``)."""
    function, colon, port = text.rpartition(":")
    if not colon or not port.isdigit():  # no port given (an ARN's last part is a name)
        return text, DEBUG_PORT
    if not function or not 1024 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected FUNCTION or FUNCTION:PORT with a port from 1024 to 65535"
        )
    return function, int(port)


def register(subparsers: Subparsers) -> None:
    """Add `up` and its options."""
    parser = subparsers.add_parser("up", help="run the local cloud in the foreground")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (%(default)s)")
    parser.add_argument("--port", type=int, default=4566, help="port to serve on (%(default)s)")
    parser.add_argument(
        "--deploy",
        nargs="?",
        const="",
        metavar="TEMPLATE",
        help="deploy this SAM template once up (without TEMPLATE: template.yaml or .yml here, "
        "with samconfig.toml's stack name and parameter overrides)",
    )
    parser.add_argument(
        "--detach",
        action="store_true",
        help="run in the background (pid and log under ~/.local/state/localcloud); "
        "`localcloud stop` stops it",
    )
    parser.add_argument(
        "--state",
        metavar="DIR",
        help="keep the whole state in DIR: loaded at start, saved at a clean stop and every "
        "LOCALCLOUD_STATE_INTERVAL_S seconds (default: $LOCALCLOUD_STATE_DIR, else nothing kept)",
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="do not print handlers' output as invocations happen (`localcloud logs` reads it)",
    )
    parser.add_argument(
        "--init",
        metavar="DIR",
        type=Path,
        help="run the scripts in DIR once the cloud is ready (default: ./init/ready.d if present)",
    )
    parser.add_argument(
        "--debug",
        action="append",
        type=debug_target,
        default=[],
        metavar="FUNCTION[:PORT]",
        help=f"run FUNCTION under debugpy on 127.0.0.1:PORT (default {DEBUG_PORT}): each "
        "invocation waits for an IDE to attach and has no timeout; a function name, or with "
        "--deploy also a logical id or code folder; repeatable",
    )
    stack_option(parser, "stack name for --deploy and --debug (default: %(default)s)")
    parser.add_argument(
        "--moto-api",
        action="store_true",
        help="serve moto's /moto-api/ admin paths (reset and the rest; moto's own test suites "
        "need them): anyone reaching the port can then wipe every resource (LOCALCLOUD_MOTO_API=1)",
    )
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

    if args.detach:
        pid, url, log = background.start(_argv(args), args.port)
        print(f"localcloud ready on {url}", flush=True)
        err().print(f"running in the background (pid {pid}, log {log}); `localcloud stop` stops it")
        return 0
    config = settings(args)
    if args.state:
        config = dataclasses.replace(config, state_dir=args.state)
    if args.moto_api:
        config = dataclasses.replace(config, moto_api=True)
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
    # Each event allocates a few hundred objects (requests, views, hops): at the default first
    # threshold (700) the collector ran 183 times in a 2,000-event fan-out, 4.5% of the server's
    # CPU; at 10,000, 12 times (1.2%). Cycles of garbage wait a little longer, nothing more.
    gc.set_threshold(10_000, 10, 10)
    try:
        if args.deploy is not None:
            from localcloud.deploy import deploy

            project = load_project(args.deploy or None)
            assert project.template is not None  # load_project raised otherwise
            report = deploy(
                project.template,
                cloud.endpoint_url,
                stack=stack_name(args, project),
                parameters=project.parameter_overrides(),
            )
            err().print(report.summary())
            if config.warm:  # ready means warm: wait for the stack's environments
                warm_stack(cloud.endpoint_url, report)
        if not args.quiet:
            cloud.running().logs.listen(print_invocation)
        if config.state_dir:
            loaded = "restored from" if cloud.restored_from else "nothing saved yet in"
            err().print(f"state: {loaded} {config.state_dir}; saved there at a clean stop")
        for function, port in args.debug:
            start_debugging(
                cloud, function, port, stack_name(args), deployed=args.deploy is not None
            )
        print(f"localcloud ready on {cloud.endpoint_url}", flush=True)
        run_init_hooks(args.init, cloud.endpoint_url, cloud.region)
        while not stop.wait(0.5):
            pass
        err().print("stopping")
    finally:
        cloud.stop()
    return 0


def start_debugging(
    cloud: LocalCloud, function: str, port: int, stack: str, deployed: bool
) -> None:
    """Put ``function`` in debug mode and say what to attach to."""
    name = function
    if deployed:  # a logical id or code folder resolves once the stack is there
        from localcloud.deploy import resolve_function

        name = resolve_function(cloud.endpoint_url, function, stack)
    state = cloud.running().debugging.start(name, port, deployed=False)
    where = f"{state.function}: its invocations wait for a debugger on 127.0.0.1:{port}"
    if state.code_path and not state.local_code:
        where += f" (code extracted to {state.code_path}: map your folder to it)"
    err().print(f"{where}; no timeout while in debug mode", markup=False)
