"""CloudWatch patches: an alarm's state as AWS keeps it.

- A new alarm starts in INSUFFICIENT_DATA, not moto's OK: no metric has been evaluated yet (and
  the local cloud publishes no AWS metrics, so it stays there until metric data is put).
- PutMetricAlarm on an existing alarm replaces its definition and keeps its state, where moto
  builds a fresh alarm in OK.
"""

from __future__ import annotations

from typing import Any

from moto.cloudwatch.models import CloudWatchBackend

from localcloud.emulator.patching import Patches

_STATE = ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp")


def patches() -> Patches:
    group = Patches("cloudwatch")
    put_metric_alarm = CloudWatchBackend.put_metric_alarm

    @group.function(CloudWatchBackend, "put_metric_alarm")
    def put(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        before = self.alarms.get(name)
        alarm = put_metric_alarm(self, name, *args, **kwargs)
        if before is not None:
            for field in _STATE:
                setattr(alarm, field, getattr(before, field))
        else:
            alarm.state_value = "INSUFFICIENT_DATA"
        return alarm

    return group
