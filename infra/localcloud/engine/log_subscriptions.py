"""CloudWatch Logs subscription filters whose destination is a Lambda function.

The moto seam reports the events put into a log group (a function's own logs written by
engine/logs.py, or PutLogEvents) once per filter naming a function. Here the filter's pattern
picks the events; if any are left they become one ``{"awslogs": ...}`` event (log_shapes.py),
recorded as a ``deliver`` hop and handed to the invoker asynchronously, so the function's retry
policy, destinations and dead-letter queue apply. A filter that keeps every event back is a
``filter`` hop; a destination that is gone is recorded as a drop.
"""

from __future__ import annotations

import functools
import json

from localcloud import trace
from localcloud.emulator.views import SubscribedLogEvents
from localcloud.engine import log_shapes
from localcloud.engine.errors import FunctionNotFoundError, LogFilterPatternError
from localcloud.engine.log_filters import LogFilter, compile_pattern
from localcloud.engine.senders import AsyncInvoke
from localcloud.trace import HopKind, Outcome, TraceStore


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> LogFilter:
    return compile_pattern(pattern)


class LogSubscriptions:
    """Checks subscription filters and delivers the events they select to functions."""

    def __init__(self, invoker: AsyncInvoke, traces: TraceStore) -> None:
        self.invoker = invoker
        self.traces = traces

    def check(self, filter_pattern: str) -> None:
        """Raise LogFilterPatternError for a pattern the engine does not match."""
        _compiled(filter_pattern)

    def deliver(self, batch: SubscribedLogEvents, context: trace.TraceContext | None) -> None:
        """Invoke the filter's function with the events its pattern selects, if any."""
        try:
            selector = _compiled(batch.filter_pattern)
        except LogFilterPatternError:
            # Checked when the filter was put; one stored another way is not matched loosely.
            selector = None
        selected = [
            log_shapes.LogEvent(
                id=log_shapes.event_id(timestamp, number), timestamp=timestamp, message=message
            )
            for number, timestamp, message in batch.events
            if selector is not None and selector.matches(message)
        ]
        if not selected:
            self.traces.record(
                HopKind.FILTER,
                "logs",
                batch.log_group,
                context=context,
                outcome=Outcome.MISS,
                subscription_filter=batch.filter_name,
                events=len(batch.events),
            )
            return
        data = log_shapes.subscription_data(
            owner=batch.account_id,
            log_group=batch.log_group,
            log_stream=batch.log_stream,
            filter_names=[batch.filter_name],
            events=selected,
        )
        hop = self.traces.record(
            HopKind.DELIVER,
            "logs",
            batch.destination_arn,
            context=context,
            log_group=batch.log_group,
            subscription_filter=batch.filter_name,
            events=len(selected),
        )
        payload = json.dumps(log_shapes.awslogs_event(data)).encode()
        try:
            self.invoker.invoke_async(batch.destination_arn, payload, hop)
        except FunctionNotFoundError as exc:
            self.traces.record(
                HopKind.DROP,
                "logs",
                batch.destination_arn,
                context=hop,
                outcome=Outcome.ERROR,
                reason=f"the subscription filter's function is gone: {exc}",
            )
