"""EventBridge kinds: event buses, rules with their targets, archives."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    as_json,
    changed,
    ignore_gone,
    register,
    tag_list,
)

# Target properties that pass to PutTargets unchanged (CloudFormation uses the API's names).
_TARGET_KEYS = (
    "Id",
    "Arn",
    "RoleArn",
    "Input",
    "InputPath",
    "InputTransformer",
    "RetryPolicy",
    "DeadLetterConfig",
    "SqsParameters",
    "HttpParameters",
    "KinesisParameters",
    "EcsParameters",
    "BatchParameters",
    "RunCommandParameters",
    "SageMakerPipelineParameters",
    "RedshiftDataParameters",
    "AppSyncParameters",
)

# Rule properties that pass to PutRule unchanged (EventPattern is turned to JSON first).
_RULE_SETTINGS = ("ScheduleExpression", "Description", "RoleArn")


def _bus_name(value: Any) -> str:
    """An EventBusName property may hold a name or an ARN; the rule APIs take either."""
    return str(value or "default")


def _target(target: dict[str, Any]) -> dict[str, Any]:
    converted = {key: target[key] for key in _TARGET_KEYS if target.get(key) is not None}
    if isinstance(converted.get("Input"), dict | list):
        converted["Input"] = as_json(converted["Input"])
    return converted


@register
class EventBus(ResourceKind):
    type_name = "AWS::Events::EventBus"
    replace_on = frozenset({"Name", "EventSourceName"})
    applies = frozenset({"Name", "EventSourceName", "Description", "Tags"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {"Name": props["Name"]}
        if props.get("EventSourceName"):
            arguments["EventSourceName"] = props["EventSourceName"]
        if props.get("Description"):
            arguments["Description"] = props["Description"]
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        ctx.client("events").create_event_bus(**arguments)
        return str(props["Name"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        events = ctx.client("events")
        arn = self.attributes(physical_id, new, ctx)["Arn"]
        if "Tags" in changed(old, new):
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                events.untag_resource(ResourceARN=arn, TagKeys=sorted(gone))
            if new.get("Tags"):
                events.tag_resource(ResourceARN=arn, Tags=tag_list(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("events").delete_event_bus, Name=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("events", f"event-bus/{physical_id}"), "Name": physical_id}


@register
class Rule(ResourceKind):
    type_name = "AWS::Events::Rule"
    replace_on = frozenset({"Name", "EventBusName"})
    applies = frozenset(
        {"Name", "EventBusName", "State", "EventPattern", "Targets", "Tags", *_RULE_SETTINGS}
    )
    members = {"Targets": frozenset(_TARGET_KEYS)}

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("Name"), 64)
        self._put(name, {}, props, ctx)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        self._put(physical_id, old, new, ctx)
        return physical_id

    def _put(self, name: str, old: dict[str, Any], new: dict[str, Any], ctx: Context) -> None:
        # PutRule and PutTargets are upserts, so create and update are the same calls.
        events = ctx.client("events")
        bus = _bus_name(new.get("EventBusName"))
        arguments: dict[str, Any] = {
            "Name": name,
            "EventBusName": bus,
            "State": new.get("State", "ENABLED"),
        }
        if new.get("EventPattern") is not None:
            arguments["EventPattern"] = as_json(new["EventPattern"])
        for key in _RULE_SETTINGS:
            if new.get(key) is not None:
                arguments[key] = new[key]
        if new.get("Tags") and not old:
            arguments["Tags"] = tag_list(new["Tags"])
        arn = str(events.put_rule(**arguments)["RuleArn"])
        if old and "Tags" in changed(old, new):
            # PutRule takes tags only when it creates the rule.
            untagged = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if untagged:
                events.untag_resource(ResourceARN=arn, TagKeys=sorted(untagged))
            if new.get("Tags"):
                events.tag_resource(ResourceARN=arn, Tags=tag_list(new["Tags"]))
        before = {t["Id"]: _target(t) for t in old.get("Targets") or []}
        after = {t["Id"]: _target(t) for t in new.get("Targets") or []}
        gone = sorted(set(before) - set(after))
        if gone:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=gone)
        put = [target for target_id, target in after.items() if before.get(target_id) != target]
        if put:
            response = events.put_targets(Rule=name, EventBusName=bus, Targets=put)
            if response.get("FailedEntryCount"):
                raise DeployError(f"PutTargets failed: {response['FailedEntries']}")

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        events = ctx.client("events")
        bus = _bus_name(props.get("EventBusName"))
        listed = ignore_gone(events.list_targets_by_rule, Rule=physical_id, EventBusName=bus)
        if listed is None:
            return
        ids = [target["Id"] for target in listed.get("Targets", [])]
        if ids:
            events.remove_targets(Rule=physical_id, EventBusName=bus, Ids=ids)
        ignore_gone(events.delete_rule, Name=physical_id, EventBusName=bus)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        bus = _bus_name(props.get("EventBusName")).rsplit("/", 1)[-1]
        path = f"rule/{physical_id}" if bus == "default" else f"rule/{bus}/{physical_id}"
        return {"Arn": ctx.arn("events", path)}


@register
class Archive(ResourceKind):
    type_name = "AWS::Events::Archive"
    replace_on = frozenset({"ArchiveName", "SourceArn"})
    applies = frozenset(
        {"ArchiveName", "SourceArn", "Description", "EventPattern", "RetentionDays"}
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("ArchiveName"), 48)
        arguments: dict[str, Any] = {"ArchiveName": name, "EventSourceArn": props["SourceArn"]}
        arguments.update(self._settings(props))
        ctx.client("events").create_archive(**arguments)
        return name

    def _settings(self, props: dict[str, Any]) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        if props.get("Description") is not None:
            settings["Description"] = props["Description"]
        if props.get("EventPattern") is not None:
            settings["EventPattern"] = as_json(props["EventPattern"])
        if props.get("RetentionDays") is not None:
            settings["RetentionDays"] = int(props["RetentionDays"])
        return settings

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("events").update_archive(ArchiveName=physical_id, **self._settings(new))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("events").delete_archive, ArchiveName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("events", f"archive/{physical_id}"), "ArchiveName": physical_id}
