"""SQS kinds: queues (standard and FIFO, redrive policies as JSON) and queue policies."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.kinds.base import (
    AttachedPolicy,
    Context,
    ResourceKind,
    attribute_values,
    changed,
    ignore_gone,
    register,
    tag_map,
)

_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)
# What an attribute returns to when a template stops setting it.
_DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "262144",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "RedrivePolicy": "",
    "RedriveAllowPolicy": "",
}


def _fifo(props: dict[str, Any]) -> bool:
    return str(props.get("FifoQueue", "false")).lower() == "true"


@register
class Queue(ResourceKind):
    type_name = "AWS::SQS::Queue"
    replace_on = frozenset({"QueueName", "FifoQueue"})
    applies = frozenset({"QueueName", "FifoQueue", "Tags", *_ATTRIBUTES})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        fifo = _fifo(props)
        name = ctx.name(logical_id, props.get("QueueName"), 80, ".fifo" if fifo else "")
        attributes = attribute_values(props, _ATTRIBUTES)
        if fifo:
            attributes["FifoQueue"] = "true"
        arguments: dict[str, Any] = {"QueueName": name, "Attributes": attributes}
        if props.get("Tags"):
            arguments["tags"] = tag_map(props["Tags"])
        return str(ctx.client("sqs").create_queue(**arguments)["QueueUrl"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        sqs = ctx.client("sqs")
        before, after = attribute_values(old, _ATTRIBUTES), attribute_values(new, _ATTRIBUTES)
        updates = {k: v for k, v in after.items() if before.get(k) != v}
        updates.update({k: _DEFAULTS[k] for k in set(before) - set(after) if k in _DEFAULTS})
        if updates:
            sqs.set_queue_attributes(QueueUrl=physical_id, Attributes=updates)
        if "Tags" in changed(old, new):
            old_tags, new_tags = tag_map(old.get("Tags")), tag_map(new.get("Tags"))
            if set(old_tags) - set(new_tags):
                sqs.untag_queue(QueueUrl=physical_id, TagKeys=sorted(set(old_tags) - set(new_tags)))
            if new_tags:
                sqs.tag_queue(QueueUrl=physical_id, Tags=new_tags)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("sqs").delete_queue, QueueUrl=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        name = physical_id.rstrip("/").rsplit("/", 1)[-1]
        return {
            "Arn": ctx.arn("sqs", name),
            "QueueName": name,
            "QueueUrl": physical_id,
        }


@register
class QueuePolicy(AttachedPolicy):
    type_name = "AWS::SQS::QueuePolicy"
    targets = "Queues"
    applies = frozenset({"Queues", "PolicyDocument"})

    def apply(self, target: str, policy: str, ctx: Context) -> None:
        ctx.client("sqs").set_queue_attributes(QueueUrl=target, Attributes={"Policy": policy})

    def reset(self, target: str, ctx: Context) -> None:
        ignore_gone(
            ctx.client("sqs").set_queue_attributes, QueueUrl=target, Attributes={"Policy": ""}
        )
