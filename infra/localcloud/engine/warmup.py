"""Warm starts: one environment per function, its init phase done before the first request.

Lambda's provisioned concurrency initializes environments ahead of traffic, so the first
request finds the handler's imports (Powertools, pydantic: hundreds of milliseconds) done. Here
``Warmer.warm(names)`` does that on request (``localcloud deploy --warm``, through
``POST /_localcloud/warm``), and with ``warm_on_change`` (``localcloud up --warm``) every
function is warmed in the background whenever it is created or its configuration changes. The
environment is told ``AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency``, as Lambda tells
provisioned ones, so code may prepare more at init when traffic is known to come.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Protocol

from localcloud.engine.errors import EngineError
from localcloud.engine.executor import FunctionSpec

log = logging.getLogger(__name__)

CHANGE_SETTLE_S = 0.3  # after a change, wait this long for the next before warming


class Specs(Protocol):
    def spec(self, name_or_arn: str) -> FunctionSpec: ...


class Environments(Protocol):
    def warm(self, spec: FunctionSpec) -> float | None: ...


@dataclass
class WarmReport:
    """What a warm-up did: init seconds per function warmed now, the already warm, failures."""

    warmed: dict[str, float] = field(default_factory=dict)
    already: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


class Warmer:
    """Starts functions' environments ahead of their first request."""

    def __init__(self, catalog: Specs, executor: Environments, warm_on_change: bool) -> None:
        self.catalog = catalog
        self.executor = executor
        self.warm_on_change = warm_on_change

    def warm(self, names: list[str]) -> WarmReport:
        """Warm each function (by name or ARN), in parallel; wait until all are done."""
        report = WarmReport()
        lock = threading.Lock()

        def one(name: str) -> None:
            try:
                took = self.executor.warm(self.catalog.spec(name))
            except EngineError as exc:
                with lock:
                    report.failed[name] = str(exc)
                return
            with lock:
                if took is None:
                    report.already.append(name)
                else:
                    report.warmed[name] = took

        threads = [threading.Thread(target=one, args=(name,), daemon=True) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return report

    def function_changed(self, name: str) -> None:
        """A function was created or reconfigured: warm it in the background if asked to."""
        if not self.warm_on_change:
            return

        def warm() -> None:
            report = self.warm([name])
            for function, reason in report.failed.items():
                log.warning("warm start of %s failed: %s", function, reason)

        # A deployer reconfigures right after it creates: one warm-up for both, mostly.
        timer = threading.Timer(CHANGE_SETTLE_S, warm)
        timer.name, timer.daemon = f"warm-{name}", True
        timer.start()
