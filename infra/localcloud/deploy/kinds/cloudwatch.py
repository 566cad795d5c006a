"""CloudWatch kind: metric alarms (a single metric or metric math), with their actions and tags.

The local cloud publishes no AWS metrics, so an alarm stays in INSUFFICIENT_DATA unless metric
data is put for it (PutMetricData); it is created, described and deleted as on AWS.
"""

from __future__ import annotations

import json
from typing import Any

from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    pick,
    register,
    tag_list,
)
from localcloud.deploy.kinds.members import ApiParameter

# Properties passed to PutMetricAlarm under their own names.
_ALARM_PARAMETERS = (
    "ActionsEnabled",
    "AlarmActions",
    "AlarmDescription",
    "ComparisonOperator",
    "DatapointsToAlarm",
    "Dimensions",
    "EvaluateLowSampleCountPercentile",
    "EvaluationPeriods",
    "ExtendedStatistic",
    "InsufficientDataActions",
    "MetricName",
    "Metrics",
    "Namespace",
    "OKActions",
    "Period",
    "Statistic",
    "Threshold",
    "ThresholdMetricId",
    "TreatMissingData",
    "Unit",
)


@register
class Alarm(ResourceKind):
    type_name = "AWS::CloudWatch::Alarm"
    replace_on = frozenset({"AlarmName"})
    applies = frozenset({"AlarmName", "Tags", *_ALARM_PARAMETERS})
    members = {
        "Dimensions": ApiParameter("cloudwatch", "PutMetricAlarm", "Dimensions"),
        "Metrics": ApiParameter("cloudwatch", "PutMetricAlarm", "Metrics"),
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("AlarmName"), 255)
        arguments = self._put(name, props)
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        ctx.client("cloudwatch").put_metric_alarm(**arguments)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        # PutMetricAlarm on an existing name replaces its whole definition, as CloudFormation's
        # update does; tags are changed on their own since PutMetricAlarm sets them only once.
        cloudwatch = ctx.client("cloudwatch")
        cloudwatch.put_metric_alarm(**self._put(physical_id, new))
        if "Tags" in changed(old, new):
            arn = self._arn(physical_id, ctx)
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                cloudwatch.untag_resource(ResourceARN=arn, TagKeys=sorted(gone))
            if new.get("Tags"):
                cloudwatch.tag_resource(ResourceARN=arn, Tags=tag_list(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("cloudwatch").delete_alarms, AlarmNames=[physical_id])

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": self._arn(physical_id, ctx)}

    @staticmethod
    def _put(name: str, props: dict[str, Any]) -> dict[str, Any]:
        arguments = {"AlarmName": name, **pick(props, *_ALARM_PARAMETERS)}
        # CloudFormation's default; PutMetricAlarm would keep nothing of the previous value.
        arguments.setdefault("ActionsEnabled", True)
        return arguments

    @staticmethod
    def _arn(name: str, ctx: Context) -> str:
        return ctx.arn("cloudwatch", f"alarm:{name}")


@register
class Dashboard(ResourceKind):
    """A dashboard's body is stored and returned by GetDashboard; nothing renders it locally."""

    type_name = "AWS::CloudWatch::Dashboard"
    replace_on = frozenset({"DashboardName"})
    applies = frozenset({"DashboardName", "DashboardBody"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("DashboardName"), 255)
        self._put(name, props, ctx)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        self._put(physical_id, new, ctx)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("cloudwatch").delete_dashboards, DashboardNames=[physical_id])

    @staticmethod
    def _put(name: str, props: dict[str, Any], ctx: Context) -> None:
        body = props["DashboardBody"]
        ctx.client("cloudwatch").put_dashboard(
            DashboardName=name, DashboardBody=body if isinstance(body, str) else json.dumps(body)
        )
