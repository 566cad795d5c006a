"""EventBridge Scheduler kinds: schedule groups and schedules.

A schedule's properties are CreateSchedule's parameters under the same names; UpdateSchedule
replaces every setting at once, so an update passes them all again. Its Target goes to the API
whole (its members are the API shape's). ``Ref`` is the name; the ARN is ``Fn::GetAtt Arn``.
"""

from __future__ import annotations

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

# Settings CreateSchedule and UpdateSchedule both take, under their property names.
_SETTINGS = (
    "Description",
    "EndDate",
    "FlexibleTimeWindow",
    "KmsKeyArn",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "State",
    "Target",
)


@register
class ScheduleGroup(ResourceKind):
    type_name = "AWS::Scheduler::ScheduleGroup"
    replace_on = frozenset({"Name"})
    applies = frozenset({"Name", "Tags"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("Name"), 64)
        arguments: dict[str, Any] = {"Name": name}
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        ctx.client("scheduler").create_schedule_group(**arguments)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        if "Tags" in changed(old, new):
            scheduler = ctx.client("scheduler")
            arn = self.attributes(physical_id, new, ctx)["Arn"]
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                scheduler.untag_resource(ResourceArn=arn, TagKeys=sorted(gone))
            if new.get("Tags"):
                scheduler.tag_resource(ResourceArn=arn, Tags=tag_list(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("scheduler").delete_schedule_group, Name=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("scheduler", f"schedule-group/{physical_id}"), "State": "ACTIVE"}


@register
class Schedule(ResourceKind):
    type_name = "AWS::Scheduler::Schedule"
    replace_on = frozenset({"Name", "GroupName"})
    applies = frozenset({"Name", "GroupName", *_SETTINGS})
    members = {
        "Target": ApiParameter("scheduler", "CreateSchedule", "Target"),
        "FlexibleTimeWindow": ApiParameter("scheduler", "CreateSchedule", "FlexibleTimeWindow"),
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("Name"), 64)
        ctx.client("scheduler").create_schedule(Name=name, **self._arguments(props))
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("scheduler").update_schedule(Name=physical_id, **self._arguments(new))
        return physical_id

    def _arguments(self, props: dict[str, Any]) -> dict[str, Any]:
        arguments = pick(props, *_SETTINGS)
        arguments["GroupName"] = str(props.get("GroupName") or "default")
        return arguments

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("scheduler").delete_schedule,
            Name=physical_id,
            GroupName=str(props.get("GroupName") or "default"),
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        group = str(props.get("GroupName") or "default")
        return {"Arn": ctx.arn("scheduler", f"schedule/{group}/{physical_id}")}
