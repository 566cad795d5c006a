"""Dependency builds for functions and layers, as `sam build` makes them, cached by content.

A function's ``requirements.txt`` (in its CodeUri folder) and a layer's (in its ContentUri) are
installed with ``pip install --target`` (``uv pip`` when uv is on PATH) into a folder of the build
cache named by a digest of what goes in: the requirements file's bytes, any extra requirements
(a public Powertools layer stands for its package) and the Python that runs the handlers. The
same inputs give the same folder, so a rebuild with nothing changed is a file read and a stat;
functions sharing a CodeUri share one build. A build is made aside and renamed into place under
a file lock, so the deployer and a running cloud never both install the same one, and an
interrupted build leaves nothing that looks finished.

``runtime_site`` is the folder standing for what AWS's Python runtime ships besides the standard
library (boto3 and what it needs): symlinks to those packages in the local cloud's own
environment. Handlers see that folder and nothing else of the local cloud's environment.

Pure and stdlib-only: the deployer and the engine both use it.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from localcloud.errors import LocalCloudError

REQUIREMENTS = "requirements.txt"
# What AWS's Python runtime holds besides the standard library (its boto3 and dependencies).
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
# A public Powertools for AWS Lambda (Python) layer, any version, region and architecture
# (AWSLambdaPowertoolsPythonV2:79, AWSLambdaPowertoolsPythonV3-python312-arm64:7, ...).
POWERTOOLS_LAYER = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:017000801446:layer:"
    r"AWSLambdaPowertoolsPython(?P<major>V2|V3)[A-Za-z0-9_-]*:\d+$"
)
# What each public layer stands for, as a package installed into the function's build. The
# layers ship Powertools with its tracer, parser and validation extras.
PUBLIC_LAYER_PACKAGES = {
    "powertools-v2": "aws-lambda-powertools[tracer,parser,validation]>=2,<3",
    "powertools-v3": "aws-lambda-powertools[tracer,parser,validation]>=3,<4",
}
_DONE = ".complete"
_INSTALL_TIMEOUT_S = 900

Reporter = Callable[[str], None]


class BuildError(LocalCloudError):
    """Installing a function's or layer's requirements failed."""


def default_root() -> Path:
    """Where builds are kept unless LOCALCLOUD_BUILD_DIR says otherwise."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "localcloud" / "builds"


def python_tag(python: str = sys.executable) -> str:
    """The interpreter a build is for: wheels differ by version, implementation and machine."""
    if python == sys.executable:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return f"{sys.implementation.name}-{version}-{platform.machine()}"
    out = subprocess.run(
        [
            python,
            "-c",
            "import sys, platform; v = sys.version_info; "
            "print(f'{sys.implementation.name}-{v.major}.{v.minor}-{platform.machine()}')",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def site_packages_dir(layer_root: Path) -> Path:
    """Where a layer keeps packages for this Python (`python/lib/python3.X/site-packages`)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return layer_root / "python" / "lib" / version / "site-packages"


def public_layer(arn: str) -> str | None:
    """The name (a key of PUBLIC_LAYER_PACKAGES) of the public layer ``arn`` is, if any."""
    match = POWERTOOLS_LAYER.match(arn)
    return f"powertools-{match['major'].lower()}" if match else None


def public_layer_packages(names: str) -> tuple[str, ...]:
    """The packages standing for public layers named in ``names`` (space-separated)."""
    return tuple(PUBLIC_LAYER_PACKAGES[n] for n in names.split() if n in PUBLIC_LAYER_PACKAGES)


class BuildCache:
    """Builds kept under ``root``, one folder per distinct set of inputs."""

    def __init__(
        self,
        root: Path | None = None,
        python: str = sys.executable,
        report: Reporter | None = None,
    ) -> None:
        self.root = Path(root) if root else default_root()
        self.python = python
        self.report = report
        self._tag = python_tag(python)
        self._runtime_site: Path | None = None

    def key(self, requirements: bytes, extras: Iterable[str] = ()) -> str:
        digest = hashlib.sha256()
        digest.update(self._tag.encode() + b"\0")
        digest.update(requirements + b"\0")
        for extra in sorted(extras):
            digest.update(extra.encode() + b"\n")
        return digest.hexdigest()[:20]

    def site(self, folder: Path, extras: Iterable[str] = (), what: str = "") -> Path | None:
        """The site folder holding ``folder``'s requirements (plus ``extras``) installed.

        None when there is nothing to install. Built on first use; BuildError when it fails.
        """
        extras = tuple(extras)
        requirements = Path(folder) / REQUIREMENTS
        try:
            content = requirements.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            content = b""
        if not content.strip() and not extras:
            return None
        target = self.root / self.key(content, extras)
        if (target / _DONE).exists():
            return target / "site"
        return self._build(target, requirements if content.strip() else None, extras, what)

    def _build(
        self, target: Path, requirements: Path | None, extras: tuple[str, ...], what: str
    ) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f"{target.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (target / _DONE).exists():  # another process built it while this one waited
                return target / "site"
            label = what or str(requirements or " ".join(extras))
            self._say(f"build {label}: installing into {target} ...")
            started = time.monotonic()
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=self.root))
            try:
                self._install(staging / "site", requirements, extras, label)
                inputs = (requirements.read_text() if requirements else "") + "\n".join(extras)
                (staging / REQUIREMENTS).write_text(inputs)
                (staging / _DONE).write_text(self._tag + "\n")
                shutil.rmtree(target, ignore_errors=True)
                staging.rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self._say(f"build {label}: done in {time.monotonic() - started:.1f} s")
            return target / "site"

    def _install(
        self, site: Path, requirements: Path | None, extras: tuple[str, ...], label: str
    ) -> None:
        arguments = [*(["-r", str(requirements)] if requirements else []), *extras]
        uv = shutil.which("uv")
        if uv:
            command = [uv, "pip", "install", "--python", self.python, "--target", str(site)]
        else:
            command = [
                self.python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "--target",
                str(site),
            ]
        try:
            done = subprocess.run(
                [*command, *arguments],
                capture_output=True,
                text=True,
                timeout=_INSTALL_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BuildError(f"build {label}: could not run {command[0]}: {exc}") from exc
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
            raise BuildError(
                f"build {label}: installing its requirements failed (exit {done.returncode}); "
                f"fix the requirements and deploy again:\n{tail}"
            )

    def runtime_site(self) -> Path:
        """A folder of links to the packages AWS's Python runtime ships, from this environment."""
        if self._runtime_site is not None:
            return self._runtime_site
        sources: dict[str, str] = {}
        for name in RUNTIME_PACKAGES:
            spec = importlib.util.find_spec(name)
            if spec is None:
                continue
            if spec.submodule_search_locations:
                sources[name] = next(iter(spec.submodule_search_locations))
            elif spec.origin:
                sources[Path(spec.origin).name] = spec.origin
        digest = hashlib.sha256(repr(sorted(sources.items())).encode()).hexdigest()[:12]
        folder = self.root / f"runtime-{self._tag}-{digest}"
        if not folder.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".runtime-", dir=self.root))
            for name, source in sources.items():
                (staging / name).symlink_to(source)
            try:
                staging.rename(folder)
            except OSError:  # another process made it first: same links
                shutil.rmtree(staging, ignore_errors=True)
        self._runtime_site = folder
        return folder

    def _say(self, line: str) -> None:
        if self.report is not None:
            self.report(line)
