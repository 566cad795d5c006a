"""The functions the engine can run: their configuration, code folders and failure settings.

``FunctionCatalog`` answers what the invoker and the sources ask about a function (its spec for
an execution environment, its asynchronous invoke config, its DLQ, how many environments it may
have), reading moto's state through emulator/backends.py. A function's code is a folder: the
deployer's local folder when it tagged one, else its zip extracted once per distinct zip.

What the function imports besides its code comes from builds (localcloud/build.py): each layer's
and the function's requirements.txt installed into the build cache, then the runtime's own boto3;
the worker sees those and nothing else of the local cloud's environment, as on AWS.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import random
import shutil
import sys
import tempfile
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from localcloud.arns import DEFAULT_REGION
from localcloud.build import BuildCache, BuildError, public_layer_packages, site_packages_dir
from localcloud.emulator import backends
from localcloud.emulator.views import FunctionView
from localcloud.engine.alias_routing import choose_version
from localcloud.engine.errors import FunctionBuildError, FunctionNotFoundError
from localcloud.engine.executor import FunctionSpec

log = logging.getLogger(__name__)


class FunctionCatalog:
    """Looks functions up by name or ARN and prepares what their environments need."""

    def __init__(
        self,
        max_concurrency: int,
        region: str = DEFAULT_REGION,
        builds: BuildCache | None = None,
        seed: int | None = None,
    ) -> None:
        self.max_concurrency = max_concurrency
        self.region = region
        self.builds = builds or BuildCache(report=log.warning)
        self._code_cache = Path(tempfile.mkdtemp(prefix="localcloud-code-"))
        self._extract_lock = threading.Lock()
        self._runtime_warned: set[str] = set()
        # The last spec made per function, with the view it was made from: every invocation
        # asks, and an unchanged configuration gets the same spec (its digest made once).
        self._specs: dict[str, tuple[FunctionView, FunctionSpec]] = {}
        # Draws the version of each invocation of an alias with weighted routing (``seed``
        # makes the sequence repeatable, for tests).
        self._draws = random.Random(seed)

    def function(self, name_or_arn: str) -> FunctionView:
        fn = backends.function(name_or_arn, self.region)
        if fn is None:
            raise FunctionNotFoundError(name_or_arn)
        return fn

    def route(self, name_or_arn: str) -> str:
        """What an invocation of ``name_or_arn`` runs: an alias with weighted routing names one
        of its two versions, drawn anew for each invocation; anything else names itself."""
        alias = backends.alias(name_or_arn, self.region)
        if alias is None or not alias.weights:
            return name_or_arn
        chosen = choose_version(alias.function_version, alias.weights, self._draws.random())
        unqualified = name_or_arn.rpartition(":")[0]
        return f"{unqualified}:{chosen}"

    def spec(self, name_or_arn: str) -> FunctionSpec:
        """The function's current configuration, as an execution environment needs it.

        An alias with weighted routing is routed here (``route``): each call may answer the
        other version, so ask once per invocation and keep what it answered.
        """
        fn = self.function(self.route(name_or_arn))
        if fn.version != "$LATEST":
            # Reserved concurrency is the function's, shared by every version: not the copy a
            # version took of it when it was published.
            shared = backends.reserved_concurrency(fn.arn, self.region)
            if shared != fn.reserved_concurrency:
                fn = replace(fn, reserved_concurrency=shared)
        # Each published version has its own spec (its own code and configuration).
        key = fn.arn if fn.version == "$LATEST" else f"{fn.arn}:{fn.version}"
        cached = self._specs.get(key)
        if cached is not None and cached[0] == fn:
            return cached[1]
        spec = self._spec(fn)
        self._specs[key] = (fn, spec)
        return spec

    def _spec(self, fn: FunctionView) -> FunctionSpec:
        code = self._code_path(fn)
        code_paths = [code]
        library_paths: list[str] = []
        for arn in fn.layer_arns:
            content = backends.layer_zip(arn, fn.region, fn.account_id)
            if content:
                layer_dir = Path(self._extract(content))
                code_paths += [
                    str(layer_dir / "python"),
                    str(site_packages_dir(layer_dir)),
                    str(layer_dir),
                ]
                # A layer's own requirements (SAM's BuildMethod python3.x), built once.
                library_paths += self._built(layer_dir, f"layer {arn}")
        # Public layers (Powertools) the deployer replaced by their package, in the build.
        packages = public_layer_packages(fn.public_layers_tag or "")
        library_paths += self._built(Path(code), f"function {fn.name}", packages)
        library_paths.append(str(self.builds.runtime_site()))
        self._check_runtime(fn)
        return FunctionSpec(
            name=fn.name,
            arn=fn.arn,
            handler=fn.handler,
            runtime=fn.runtime or "python3.12",
            timeout=fn.timeout,
            memory_size=fn.memory_size,
            environment=dict(fn.environment),
            code_paths=tuple(code_paths),
            library_paths=tuple(library_paths),
            reserved_concurrency=fn.reserved_concurrency,
            region=fn.region,
            account_id=fn.account_id,
            log_format=fn.logging_config.get("LogFormat", "Text"),
            application_log_level=fn.logging_config.get("ApplicationLogLevel"),
            system_log_level=fn.logging_config.get("SystemLogLevel"),
            version=fn.version,
        )

    def concurrency(self, name_or_arn: str) -> int:
        """How many invocations of the function, all its versions together, may run at once."""
        reserved = backends.reserved_concurrency(name_or_arn, self.region)
        return reserved if reserved is not None else self.max_concurrency

    def event_invoke_config(self, name_or_arn: str) -> Mapping[str, Any]:
        """The function's asynchronous invoke configuration ({} when none or no function)."""
        try:
            return self.function(name_or_arn).event_invoke_config
        except FunctionNotFoundError:
            return {}

    def dead_letter_target(self, name_or_arn: str) -> str | None:
        try:
            return self.function(name_or_arn).dead_letter_target
        except FunctionNotFoundError:
            return None

    def _check_runtime(self, fn: FunctionView) -> None:
        """Say once per function when its runtime is not the Python that runs it here."""
        here = f"python{sys.version_info.major}.{sys.version_info.minor}"
        runtime = fn.runtime or here
        if runtime != here and fn.name not in self._runtime_warned:
            self._runtime_warned.add(fn.name)
            log.warning(
                "function %s declares runtime %s; the local cloud runs it on %s (%s)",
                fn.name,
                runtime,
                here,
                sys.executable,
            )

    def _built(self, folder: Path, what: str, packages: tuple[str, ...] = ()) -> list[str]:
        """The site folder of ``folder``'s requirements.txt (and ``packages``), installed."""
        try:
            site = self.builds.site(folder, packages, what=what)
        except BuildError as exc:
            raise FunctionBuildError(str(exc)) from exc
        return [str(site)] if site is not None else []

    def _code_path(self, fn: FunctionView) -> str:
        if fn.code_path_tag and os.path.isdir(fn.code_path_tag):
            return fn.code_path_tag
        # moto already hashed the zip when it was uploaded: no need to hash it per invoke.
        return self._extract(fn.code_zip, fn.code_digest)

    def _extract(self, zipped: bytes, digest: str | None = None) -> str:
        """The folder holding a code zip's contents, extracted once per distinct zip."""
        digest = (digest or hashlib.sha256(zipped).hexdigest())[:16]
        target = self._code_cache / digest
        # Concurrent first invocations (an SQS mapping starts several batches at once) must
        # not race to extract the same zip: one extracts, the others wait and reuse it.
        with self._extract_lock:
            if not target.exists():
                staging = Path(tempfile.mkdtemp(dir=self._code_cache))
                if zipped:
                    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
                        archive.extractall(staging)
                staging.rename(target)
        return str(target)

    def close(self) -> None:
        shutil.rmtree(self._code_cache, ignore_errors=True)
