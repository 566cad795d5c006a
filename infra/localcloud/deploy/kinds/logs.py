"""CloudWatch Logs kinds: log groups with retention, KMS key, class and tags; subscription
filters."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    register,
    tag_map,
)


@register
class LogGroup(ResourceKind):
    type_name = "AWS::Logs::LogGroup"
    replace_on = frozenset({"LogGroupName", "KmsKeyId", "LogGroupClass"})
    applies = frozenset({"LogGroupName", "KmsKeyId", "LogGroupClass", "RetentionInDays", "Tags"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("LogGroupName"), 512)
        arguments: dict[str, Any] = {"logGroupName": name}
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
        # Set only at creation, hence in replace_on.
        if props.get("KmsKeyId"):
            arguments["kmsKeyId"] = props["KmsKeyId"]
        if props.get("LogGroupClass"):
            arguments["logGroupClass"] = props["LogGroupClass"]
        logs = ctx.client("logs")
        logs.create_log_group(**arguments)
        if props.get("RetentionInDays") is not None:
            logs.put_retention_policy(
                logGroupName=name, retentionInDays=int(props["RetentionInDays"])
            )
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        logs = ctx.client("logs")
        diff = changed(old, new)
        if "RetentionInDays" in diff:
            if new.get("RetentionInDays") is None:
                logs.delete_retention_policy(logGroupName=physical_id)
            else:
                logs.put_retention_policy(
                    logGroupName=physical_id, retentionInDays=int(new["RetentionInDays"])
                )
        if "Tags" in diff:
            arn = self.attributes(physical_id, new, ctx)["Arn"].removesuffix(":*")
            gone = sorted(set(tag_map(old.get("Tags"))) - set(tag_map(new.get("Tags"))))
            if gone:
                logs.untag_resource(resourceArn=arn, tagKeys=gone)
            if new.get("Tags"):
                logs.tag_resource(resourceArn=arn, tags=tag_map(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("logs").delete_log_group, logGroupName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("logs", f"log-group:{physical_id}:*")}


@register
class SubscriptionFilter(ResourceKind):
    """A log group's subscription filter. A Lambda destination is invoked by the engine with the
    events the pattern selects (term patterns only: engine/log_filters.py); Kinesis and Firehose
    destinations are moto's."""

    type_name = "AWS::Logs::SubscriptionFilter"
    replace_on = frozenset({"FilterName", "LogGroupName"})
    applies = frozenset(
        {"DestinationArn", "FilterName", "FilterPattern", "LogGroupName", "RoleArn"}
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("FilterName"), 512)
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
        ignore_gone(
            ctx.client("logs").delete_subscription_filter,
            logGroupName=props["LogGroupName"],
            filterName=physical_id,
        )

    @staticmethod
    def _put(name: str, props: dict[str, Any], ctx: Context) -> None:
        arguments: dict[str, Any] = {
            "logGroupName": props["LogGroupName"],
            "filterName": name,
            "filterPattern": props.get("FilterPattern", ""),
            "destinationArn": props["DestinationArn"],
        }
        if props.get("RoleArn"):
            arguments["roleArn"] = props["RoleArn"]
        ctx.client("logs").put_subscription_filter(**arguments)
