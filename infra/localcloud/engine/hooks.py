"""The engine's side of the moto seam: what the patched moto reports, handed to the right part.

``EngineHooks`` implements emulator/hooks.py's ``EmulatorHooks``: mapping changes go to the
event sources, function changes to the warmer, SNS deliveries to the SNS delivery, replays to
the EventBridge router, queue redrives and stream records to the trace store, schedule changes
to the timetable, S3 notifications to the S3 notifications, Step Functions executions (their
clients and trace hops) to the state machines, and user pools' Lambda triggers to the Cognito
triggers.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from localcloud import afterward, trace
from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.emulator.hooks import ReplayDone
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
from localcloud.engine.cognito import CognitoTriggers
from localcloud.engine.eventbridge import EventRouter
from localcloud.engine.log_subscriptions import LogSubscriptions
from localcloud.engine.s3 import S3Notifications
from localcloud.engine.schedules import Schedules
from localcloud.engine.sns import SnsDelivery
from localcloud.engine.sources import Sources
from localcloud.engine.stepfunctions import StateMachines
from localcloud.engine.warmup import Warmer
from localcloud.trace import HopKind, Outcome, TraceStore


class EngineHooks:
    """Routes the emulator's reports to the engine's parts."""

    def __init__(
        self,
        sources: Sources,
        sns: SnsDelivery,
        router: EventRouter,
        traces: TraceStore,
        warmer: Warmer,
        s3: S3Notifications,
        schedules: Schedules | None = None,
        states: StateMachines | None = None,
        cognito: CognitoTriggers | None = None,
        log_subscriptions: LogSubscriptions | None = None,
    ) -> None:
        self.cognito = cognito
        self.log_subscriptions = log_subscriptions
        self.s3 = s3
        self.states = states
        self.sources = sources
        self.warmer = warmer
        self.sns = sns
        self.router = router
        self.traces = traces
        self.schedules = schedules

    def check_mapping(self, source_arn: str) -> None:
        self.sources.check(source_arn)

    def mapping_changed(self, mapping: MappingView, deleted: bool) -> None:
        self.sources.changed(mapping, deleted)

    def function_changed(self, name: str) -> None:
        self.warmer.function_changed(name)

    def sns_deliver(
        self,
        subscription: SubscriptionView,
        publication: SnsPublication,
        context: trace.TraceContext | None,
    ) -> None:
        if publication.group_id is not None:
            # a FIFO topic's order is kept by delivering before the publish is answered
            self.sns.deliver_one(subscription, publication, context)
            return
        # AWS acknowledges and delivers afterwards: over HTTP, after the answer is sent.
        afterward.later(partial(self.sns.deliver_one, subscription, publication, context))

    def sns_filtered(
        self, subscription: SubscriptionView, context: trace.TraceContext | None
    ) -> None:
        self.sns.filtered(subscription, context)

    def replay(self, replay: ReplayView, done: ReplayDone) -> None:
        self.router.replay(replay, done)

    def redriven(self, queue_name: str, message: QueuedMessage) -> None:
        self.traces.record(
            HopKind.DLQ,
            "sqs",
            queue_name,
            context=trace.TraceContext.parse(message.trace_header),
            outcome=Outcome.ERROR,
            message_id=message.id,
            receive_count=message.receive_count,
            reason="maxReceiveCount reached (the queue's redrive policy)",
        )

    def stream_written(
        self,
        stream_arn: str,
        sequence_number: str,
        event_name: str,
        context: trace.TraceContext | None,
    ) -> trace.TraceContext | None:
        return self.traces.record(
            HopKind.STREAM,
            "dynamodb",
            stream_arn.split(":", 5)[-1].removeprefix("table/").split("/stream/")[0],
            context=context,
            event_name=event_name,
            sequence_number=sequence_number,
            stream=stream_arn,
        )

    def kinesis_written(
        self,
        stream_arn: str,
        shard_id: str,
        sequence_number: str,
        partition_key: str,
        context: trace.TraceContext | None,
    ) -> trace.TraceContext | None:
        return self.traces.record(
            HopKind.KINESIS,
            "kinesis",
            stream_arn.rsplit("/", 1)[-1],
            context=context,
            shard_id=shard_id,
            sequence_number=sequence_number,
            partition_key=partition_key,
        )

    def schedules_changed(self) -> None:
        if self.schedules is not None:
            self.schedules.changed()

    def _states(self) -> StateMachines:
        if self.states is None:
            raise RuntimeError(
                "EngineHooks was built without StateMachines (runtime.build adds it)"
            )
        return self.states

    def service_client(self, region: str, service: str) -> Any:
        return self._states().client(region, service)

    def execution_started(
        self, execution: ExecutionView, context: trace.TraceContext | None
    ) -> trace.TraceContext:
        return self._states().started(execution, context)

    def state_entered(
        self, execution_arn: str, state: str, state_type: str, context: trace.TraceContext
    ) -> trace.TraceContext:
        return self._states().entered(execution_arn, state, state_type, context)

    def execution_ended(self, execution: ExecutionView, context: trace.TraceContext) -> None:
        self._states().ended(execution, context)

    def s3_check_notifications(self, config: S3NotificationConfig) -> None:
        self.s3.check(config)

    def s3_notifications_put(
        self, config: S3NotificationConfig, context: trace.TraceContext | None
    ) -> None:
        self.s3.configured(config, context)

    def s3_object_event(self, event: S3ObjectEvent, context: trace.TraceContext | None) -> None:
        # S3 answers the write and notifies afterwards, as PutEvents and Publish deliver.
        afterward.later(partial(self.s3.object_event, event, context))

    def cognito_trigger(
        self, trigger: CognitoTrigger, context: trace.TraceContext | None
    ) -> dict[str, Any]:
        if self.cognito is None:
            raise RuntimeError(
                "EngineHooks was built without CognitoTriggers (runtime.build adds it)"
            )
        # Cognito waits for its triggers: the operation answers after the function ran.
        return self.cognito.run(trigger, context)

    def check_log_subscription(self, filter_pattern: str, destination_arn: str) -> None:
        if self.log_subscriptions is not None:
            self.log_subscriptions.check(filter_pattern)

    def log_events_put(
        self, batch: SubscribedLogEvents, context: trace.TraceContext | None
    ) -> None:
        if self.log_subscriptions is None:
            return
        # CloudWatch Logs delivers after PutLogEvents is answered, as S3 notifies after a write.
        afterward.later(partial(self.log_subscriptions.deliver, batch, context))
