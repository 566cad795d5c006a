"""pytest fixtures for the local cloud (registered as the `localcloud` pytest11 plugin).

- ``localcloud``: a LocalCloud on a free port for the whole session.
- ``deployed_stack``: the template named by ``--localcloud-template`` (default
  infra/template.yaml) deployed to that cloud, with its outputs and resources;
  ``--localcloud-allow-unsupported`` lets it deploy properties the deployer does not apply
  (left out, with a warning each) instead of failing.
- ``traces``: a TraceProbe to assert where events went, waiting with a deadline.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from localcloud.trace import Hop, HopKind, Outcome, TraceStore


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--localcloud-template",
        default="infra/template.yaml",
        help="SAM template the deployed_stack fixture deploys",
    )
    parser.addoption(
        "--localcloud-isolate",
        action="store_true",
        help="give every test module a clean cloud: deployed_stack resets the cloud and deploys "
        "again per module (default: one deploy for the session)",
    )
    parser.addoption(
        "--localcloud-allow-unsupported",
        action="store_true",
        help="let deployed_stack deploy a template with properties the deployer does not "
        "apply, printing a warning for each",
    )


class TraceProbe:
    """Assertions over the trace store: what reached which function, how often, how it ended."""

    def __init__(self, store: TraceStore) -> None:
        self.store = store

    def hops(
        self,
        kind: HopKind | str | None = None,
        resource: str | None = None,
        outcome: Outcome | str | None = None,
    ) -> list[Hop]:
        """The hops of every trace with this kind, resource (a substring) and outcome.

        A plain string matches as the enum member of that value does (``"invoke"`` is
        ``HopKind.INVOKE``).
        """

        def wanted(hop: Hop) -> bool:
            return (
                (kind is None or hop.kind == kind)
                and (resource is None or resource in hop.resource)
                and (outcome is None or hop.outcome == outcome)
            )

        return self.store.find(wanted)

    def invocations(self, function: str, outcome: Outcome | str | None = None) -> list[Hop]:
        return self.hops(HopKind.INVOKE, function, outcome)

    def wait_for(
        self, condition: Callable[[], Any], timeout: float = 15.0, message: str = "condition"
    ) -> Any:
        """Wait until ``condition()`` is truthy (re-checked at every hop) and return its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {message}")
            self.store.wait(lambda: False, min(remaining, 0.1))

    def path(self, trace_id: str) -> list[tuple[str, str, str]]:
        """(kind, service, resource) of a trace's hops in time order."""
        hops = sorted(self.store.get(trace_id) or [], key=lambda h: h.at)
        return [(h.kind, h.service, h.resource) for h in hops]

    def trace_of(self, hop: Hop) -> list[Hop]:
        return sorted(self.store.get(hop.trace_id) or [], key=lambda h: h.at)


@dataclass
class DeployedStack:
    cloud: Any
    outputs: dict[str, str]
    resources: dict[str, Any]
    functions: dict[str, str] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        return self.cloud.client(service)


@pytest.fixture(scope="session")
def localcloud() -> Iterator[Any]:
    from localcloud.server import LocalCloud

    cloud = LocalCloud(port=0).start()
    try:
        yield cloud
    finally:
        cloud.stop()


def _stack_scope(fixture_name: str, config: pytest.Config) -> Literal["module", "session"]:
    """deployed_stack's scope: per module with --localcloud-isolate, else the session."""
    return "module" if config.getoption("--localcloud-isolate") else "session"


@pytest.fixture
def localcloud_reset(localcloud: Any) -> Any:
    """A clean cloud for this test: every resource, trace, poller, pending retry and warm worker
    of the session's cloud is forgotten first (a few milliseconds)."""
    localcloud.running().reset()
    return localcloud


@pytest.fixture(scope=_stack_scope)
def deployed_stack(localcloud: Any, request: pytest.FixtureRequest) -> DeployedStack:
    from localcloud.deploy import deploy

    if request.config.getoption("--localcloud-isolate"):
        localcloud.running().reset()  # each module deploys to a clean cloud
    template = Path(request.config.getoption("--localcloud-template"))
    if not template.is_absolute():
        template = Path(request.config.rootpath) / template
    report = deploy(
        template,
        localcloud.endpoint_url,
        stack="e2e",
        allow_unsupported=bool(request.config.getoption("--localcloud-allow-unsupported")),
    )
    _print_warnings(request.config, report.warnings)
    functions = {
        logical: record.physical_id
        for logical, record in report.resources.items()
        if record.type == "AWS::Lambda::Function"
    }
    return DeployedStack(localcloud, dict(report.outputs), dict(report.resources), functions)


def _print_warnings(config: pytest.Config, warnings: list[str]) -> None:
    """Print the deploy's warnings on the terminal, past output capturing, so a run shows them
    whether or not a test fails (not as Python warnings, which projects may turn into errors)."""
    if not warnings:
        return
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture is not None else nullcontext():
        for warning in warnings:
            line = f"localcloud: warning: {warning}"
            if reporter is not None:
                reporter.write_line(line, yellow=True)
            else:
                print(line, file=sys.stderr)


@pytest.fixture
def traces(localcloud: Any) -> TraceProbe:
    return TraceProbe(localcloud.traces)
