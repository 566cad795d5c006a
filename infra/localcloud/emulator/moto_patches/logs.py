"""CloudWatch Logs patches: subscription filters that name a Lambda function deliver through
the engine.

- moto invokes a subscribed function itself, inside PutLogEvents and without the filter's
  pattern; here the events go to the hooks instead, which match the pattern and invoke the
  function asynchronously as CloudWatch Logs does (its retries and DLQ apply). Kinesis, Firehose
  and log-group destinations keep moto's own delivery.
- A filter naming a function is checked by the hooks before moto stores it: a pattern the
  engine does not match is refused (InvalidParameterException) rather than matched loosely.
"""

from __future__ import annotations

from typing import Any

from moto.logs import models as logs_models
from moto.logs.exceptions import InvalidParameterException

from localcloud import trace
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import SubscribedLogEvents
from localcloud.errors import LocalCloudError

Backend = logs_models.LogsBackend
Stream = logs_models.LogStream


def _service(arn: str) -> str:
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else ""


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("logs")
    put_subscription_filter = Backend.put_subscription_filter
    send_log_events = Stream._send_log_events

    @group.function(Backend, "put_subscription_filter")
    def put_filter(
        self: Any,
        log_group_name: str,
        filter_name: str,
        filter_pattern: str,
        destination_arn: str,
        role_arn: str,
    ) -> Any:
        if _service(destination_arn) == "lambda":
            try:
                hooks.check_log_subscription(filter_pattern or "", destination_arn)
            except LocalCloudError as exc:
                raise InvalidParameterException(str(exc)) from exc
        return put_subscription_filter(
            self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn
        )

    @group.function(Stream, "_send_log_events")
    def send(
        self: Any,
        service: str,
        destination_arn: str,
        filter_name: str,
        log_events: list[dict[str, Any]],
    ) -> None:
        if service != "lambda":
            send_log_events(self, service, destination_arn, filter_name, log_events)
            return
        subscription = self.log_group.subscription_filters.get(filter_name)
        batch = SubscribedLogEvents(
            region=self.region,
            account_id=self.account_id,
            log_group=self.log_group.name,
            log_stream=self.log_stream_name,
            filter_name=filter_name,
            filter_pattern=(subscription.filter_pattern if subscription else "") or "",
            destination_arn=destination_arn,
            events=tuple(
                (int(e["id"]), int(e["timestamp"]), str(e["message"])) for e in log_events
            ),
        )
        hooks.log_events_put(batch, trace.current())

    return group
