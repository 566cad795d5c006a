"""What the patched moto tells the local cloud, as one protocol.

The moto patches (emulator/moto_patches/) turn moto's objects into views (views.py) and call
these methods; the engine implements them (engine/hooks.py). Nothing here imports moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.emulator.views import (
    ExecutionView,
    MappingView,
    QueuedMessage,
    ReplayView,
    S3NotificationConfig,
    S3ObjectEvent,
    SnsPublication,
    SubscribedLogEvents,
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

    def kinesis_written(
        self,
        stream_arn: str,
        shard_id: str,
        sequence_number: str,
        partition_key: str,
        context: TraceContext | None,
    ) -> TraceContext | None:
        """PutRecord(s) wrote a Kinesis record (``context``: the write's); the record's own."""

    def schedules_changed(self) -> None:
        """An EventBridge rule or a Scheduler schedule was created, changed or deleted."""

    def service_client(self, region: str, service: str) -> Any:
        """A boto3 client aimed at the local cloud itself (for a state machine's Task states)."""

    def execution_started(
        self, execution: ExecutionView, context: TraceContext | None
    ) -> TraceContext:
        """A Step Functions execution started (``context``: the request or delivery that
        started it); returns the context its states are recorded under."""

    def state_entered(
        self, execution_arn: str, state: str, state_type: str, context: TraceContext
    ) -> TraceContext:
        """An execution entered a state; returns the context the state's calls carry."""

    def execution_ended(self, execution: ExecutionView, context: TraceContext) -> None:
        """An execution ended (succeeded, failed, timed out or was stopped)."""

    def s3_check_notifications(self, config: S3NotificationConfig) -> None:
        """Raise a LocalCloudError (S3's InvalidArgument) for a configuration S3 refuses."""

    def s3_notifications_put(
        self, config: S3NotificationConfig, context: TraceContext | None
    ) -> None:
        """A bucket's notification configuration was put (its queues and topics get a test)."""

    def s3_object_event(self, event: S3ObjectEvent, context: TraceContext | None) -> None:
        """An object of a bucket with a notification configuration was created or removed."""

    def cognito_trigger(
        self, trigger: CognitoTrigger, context: TraceContext | None
    ) -> dict[str, Any]:
        """Run a user pool's Lambda trigger now and return the ``response`` its function
        answered; raise a LocalCloudError (Cognito's UserLambdaValidationException, ...) when
        the function failed or answered something Cognito cannot read."""

    def check_log_subscription(self, filter_pattern: str, destination_arn: str) -> None:
        """Raise a LocalCloudError (saying what is supported) for a subscription filter whose
        pattern is not matched locally, before moto stores it."""

    def log_events_put(self, batch: SubscribedLogEvents, context: TraceContext | None) -> None:
        """Events were put into a log group one of whose subscription filters names a function."""
