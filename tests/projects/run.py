"""localcloud on SAM projects that are not this repository, installed as a user installs it.

Builds localcloud's wheel, installs it into a fresh virtualenv outside the repository (nothing of
the repository on the path), then for a temporary copy of each project here: `localcloud up` on
a free port, `localcloud deploy` (which builds the functions' and layers' requirements),
`localcloud invoke` with the project's events, checking each answer, and for the projects with a
scenario (scenarios.py) what a developer does next: requests to the API URLs `deploy` printed,
uploads, events, `localcloud schedule run`, with the end state and `localcloud trace` checked.
Exits 1 on any failure.

Downloads come from the package index and are cached (pip's cache, localcloud's build cache), so
a second run is fast. `make test-projects` runs it; CI runs that after `make test`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from scenarios import SCENARIOS, Deployed

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
READY_TIMEOUT_S = 120
COMMAND_TIMEOUT_S = 600
# The whole run stops by itself: a command still running when this is spent is ended, and the
# projects not yet started are reported as not run (a normal run takes 1.5 to 3 minutes).
BUDGET_S = 600
_deadline = time.monotonic() + BUDGET_S


@dataclass(frozen=True)
class Invocation:
    """`localcloud invoke FUNCTION --event EVENT`, and what its output must hold."""

    function: str
    event: str
    expected: tuple[str, ...]
    exit_code: int = 0


# project folder -> what to invoke there after `up` and `deploy`
PROJECTS = {
    "root-src": [
        Invocation("Slugify", "title", ('"slug": "hello-world-any-sam-project"',)),
    ],
    "flat-no-moto": [
        Invocation(
            "ImportsMoto",
            "any",
            ("Runtime.ImportModuleError", "No module named 'moto'"),
            exit_code=1,
        ),
    ],
    "layered": [
        Invocation(
            "Report",
            "two-rows",
            ('"greeting": "hello from samconfig"', "| apples |       3 |"),
        ),
    ],
    "public-layer": [
        Invocation("Hello", "ada", ('"hello": "Ada"', '"powertools": "aws_lambda_powertools')),
    ],
    "http-crud": [
        Invocation(
            "BookmarksFunction", "get-missing", ('"statusCode": 404', "no bookmark does-not-exist")
        ),
    ],
    "media-pipeline": [
        Invocation("CleanupFunction", "quarantined", ('"status": "quarantined"', '"removed": []')),
    ],
    "order-workflow": [
        Invocation(
            "ValidateOrderFunction", "large-order", ('"total": 1388.5', '"needs_approval": true')
        ),
    ],
}


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    timeout = max(1.0, min(COMMAND_TIMEOUT_S, _deadline - time.monotonic()))
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        return subprocess.CompletedProcess(
            command, 124, "", f"{stderr}\ntimed out after {timeout:.0f} s"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def install(workdir: Path, env: dict[str, str]) -> Path:
    """A fresh virtualenv with localcloud installed from its wheel; its bin folder."""
    started = time.monotonic()
    dist = workdir / "dist"
    # From a clean copy: an in-tree build would leave build/ in the repository, and stale files
    # there could end up in the wheel.
    source = workdir / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "bench"
        ),
    )
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        workdir,
        env,
    )
    if built.returncode != 0:
        sys.exit(f"building the wheel failed:\n{built.stderr}")
    wheel = next(dist.glob("localcloud-*.whl"))
    venv = workdir / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], workdir, env)
    if installed.returncode != 0:
        sys.exit(f"installing {wheel.name} failed:\n{installed.stderr}")
    print(f"installed {wheel.name} into {venv} in {time.monotonic() - started:.1f} s", flush=True)
    return venv / "bin"


def check_project(name: str, bin_dir: Path, workdir: Path, env: dict[str, str]) -> list[str]:
    """Up, deploy and invoke one project in a copy of it; the failures found."""
    project = workdir / name
    shutil.copytree(HERE / name, project)
    localcloud = str(bin_dir / "localcloud")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    up = subprocess.Popen(
        [localcloud, "up", "--port", str(port), "--quiet"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Read the cloud's output all along, so its pipe never fills, and see it become ready.
    said: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert up.stdout is not None
        for line in up.stdout:
            said.append(line)
            if line.startswith("localcloud ready on"):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    failures: list[str] = []
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.wait(0.2):
            if up.poll() is not None:
                return [f"{name}: `localcloud up` exited ({up.returncode}):\n{''.join(said)}"]
            if time.monotonic() > deadline:
                return [f"{name}: `localcloud up` was not ready in {READY_TIMEOUT_S} s"]
        started = time.monotonic()
        deployed = _run([localcloud, "deploy", "--endpoint", endpoint], project, env)
        print(f"{name}: deploy exit {deployed.returncode} in {time.monotonic() - started:.1f} s")
        print("  " + deployed.stderr.strip().replace("\n", "\n  "), flush=True)
        if deployed.returncode != 0:
            return [f"{name}: deploy failed:\n{deployed.stdout}{deployed.stderr}"]
        for case in PROJECTS[name]:
            command = [localcloud, "invoke", case.function, "--event", case.event]
            started = time.monotonic()
            answer = _run([*command, "--endpoint", endpoint], project, env)
            took = time.monotonic() - started
            print(f"{name}: invoke {case.function} -> exit {answer.returncode} ({took:.1f} s)")
            print(f"  {answer.stdout.strip()}", flush=True)
            missing = [text for text in case.expected if text not in answer.stdout]
            if answer.returncode != case.exit_code or missing:
                failures.append(
                    f"{name}: {' '.join(command)}: exit {answer.returncode} (expected "
                    f"{case.exit_code}), missing {missing}\n{answer.stdout}{answer.stderr}"
                )
        if name in SCENARIOS:
            started = time.monotonic()
            try:
                found = SCENARIOS[name](
                    Deployed(name, project, endpoint, localcloud, env, deployed.stdout)
                )
            except Exception:  # a scenario that breaks is a failure, and the next project runs
                found = [f"{name}: the scenario raised\n{traceback.format_exc()}"]
            took = time.monotonic() - started
            print(f"{name}: scenario {'passed' if not found else 'FAILED'} in {took:.1f} s")
            failures += found
    finally:
        up.terminate()
        try:
            up.wait(timeout=30)
        except subprocess.TimeoutExpired:
            up.kill()
    return failures


def main() -> int:
    # Nothing of the repository or of the caller's virtualenv may leak into the fresh install.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory(prefix="localcloud-projects-") as tmp:
        workdir = Path(tmp)
        bin_dir = install(workdir, env)
        failures = []
        for name in PROJECTS:
            if time.monotonic() > _deadline:
                failures.append(f"{name}: not run, the run's {BUDGET_S} s were spent")
                continue
            failures += check_project(name, bin_dir, workdir, env)
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    print("projects: all passed" if not failures else f"projects: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
