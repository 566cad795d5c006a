"""What the patched moto tells the local cloud, as one protocol.

The moto patches (emulator/moto_patches/) turn moto's objects into views (views.py) and call
these methods; the engine implements them (engine/hooks.py). Nothing here imports moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from localcloud.emulator.views import (
    MappingView,
    QueuedMessage,
    ReplayView,
    SnsPublication,
    SubscriptionView,
)
from localcloud.trace import TraceContext

# Called once a replay ends: None when it completed, else the reason it failed.
ReplayDone = Callable[[str | None], None]


class EmulatorHooks(Protocol):
    """The engine's side of the moto seam."""

    def check_mapping(self, source_arn: str) -> None:
        """Raise a LocalCloudError (saying what is supported) if no source reads the ARN."""

    def mapping_changed(self, mapping: MappingView, deleted: bool) -> None:
        """An event source mapping was created, updated or (``deleted``) removed."""

    def function_changed(self, name: str) -> None:
        """A function was created or its configuration changed."""

    def sns_deliver(
        self,
        subscription: SubscriptionView,
        publication: SnsPublication,
        context: TraceContext | None,
    ) -> None:
        """Deliver a message to an sqs or lambda subscription whose filter policy passed."""

    def sns_filtered(self, subscription: SubscriptionView, context: TraceContext | None) -> None:
        """The subscription's filter policy kept a message from it."""

    def replay(self, replay: ReplayView, done: ReplayDone) -> None:
        """Run a replay in the background; call ``done`` when it ends."""

    def redriven(self, queue_name: str, message: QueuedMessage) -> None:
        """The source queue's redrive policy moved ``message`` into the queue ``queue_name``."""

    def stream_written(
        self,
        stream_arn: str,
        sequence_number: str,
        event_name: str,
        context: TraceContext | None,
    ) -> TraceContext | None:
        """A table wrote a stream record (``context``: the write's); the record's own context."""

    def schedules_changed(self) -> None:
        """An EventBridge rule or a Scheduler schedule was created, changed or deleted."""
