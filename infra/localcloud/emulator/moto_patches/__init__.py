"""The patches the local cloud puts into moto (pinned in pyproject.toml), one module per service.

``MotoPatches(hooks, clock)`` builds every group (Step Functions' waits read the cloud's clock);
``apply()`` applies them all (or none, if one target is missing) and ``undo()`` restores moto as
it was, so a ``mock_aws`` block after a stopped local cloud runs on moto's own code. One local
cloud per process holds them at a time.
tests/unit/emulator/test_moto_surface.py checks every target and signature relied on.
"""

from __future__ import annotations

import threading

from localcloud.clock import Clock
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.moto_patches import (
    apigateway,
    awslambda,
    cloudwatch,
    cognito,
    dynamodb,
    events,
    kinesis,
    logs,
    perf,
    s3,
    schedules,
    server,
    sns,
    sqs,
    stepfunctions,
)
from localcloud.emulator.patching import Patch, Patches
from localcloud.errors import LocalCloudError

_holder_lock = threading.Lock()
_holder: MotoPatches | None = None


class PatchesInUseError(LocalCloudError):
    """Another local cloud in this process holds moto's patches."""


class MotoPatches:
    """Every patch group of the local cloud, routed to one set of hooks."""

    def __init__(self, hooks: EmulatorHooks, clock: Clock | None = None) -> None:
        self.groups: list[Patches] = [
            awslambda.patches(hooks),
            events.patches(hooks),
            sns.patches(hooks),
            *sqs.patches(hooks),
            perf.patches(),
            server.patches(),
            apigateway.patches(),
            dynamodb.patches(hooks),
            schedules.patches(hooks),
            stepfunctions.patches(hooks, clock),
            s3.patches(hooks),
            cloudwatch.patches(),
            cognito.patches(hooks),
            logs.patches(hooks),
            kinesis.patches(hooks),
        ]

    @property
    def patches(self) -> list[Patch]:
        return [patch for group in self.groups for patch in group]

    def apply(self) -> None:
        global _holder
        with _holder_lock:
            if _holder is not None:
                raise PatchesInUseError(
                    "a local cloud is already running in this process: stop it first, or "
                    "point clients at its endpoint"
                )
            done: list[Patches] = []
            try:
                for group in self.groups:
                    group.apply()
                    done.append(group)
            except BaseException:
                for group in reversed(done):
                    group.undo()
                raise
            _holder = self

    def undo(self) -> None:
        global _holder
        with _holder_lock:
            for group in reversed(self.groups):
                group.undo()
            if _holder is self:
                _holder = None
