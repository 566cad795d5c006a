"""Kinesis kind: data streams (provisioned or on-demand), retention, encryption and tags.

A stream's shard count changes in place with UpdateShardCount (uniform scaling: the open shards
are split or merged, and an event source mapping reads the children after their parents), its
capacity mode with UpdateStreamMode, its retention with Increase/DecreaseStreamRetentionPeriod.
Encryption is recorded with StartStreamEncryption / StopStreamEncryption (DescribeStream shows
it); records are held in the local cloud's memory like every other service's data.
"""

from __future__ import annotations

from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    register,
    tag_map,
)

DEFAULT_RETENTION_HOURS = 24
MODES = ("PROVISIONED", "ON_DEMAND")


def _mode(props: dict[str, Any]) -> str:
    mode = str((props.get("StreamModeDetails") or {}).get("StreamMode") or "PROVISIONED")
    if mode not in MODES:
        raise DeployError(
            f"StreamModeDetails.StreamMode {mode!r} is not a Kinesis capacity mode; "
            f"use {' or '.join(MODES)}"
        )
    return mode


def _shards(props: dict[str, Any]) -> int:
    return int(props.get("ShardCount") or 1)


def _retention(props: dict[str, Any]) -> int:
    return int(props.get("RetentionPeriodHours") or DEFAULT_RETENTION_HOURS)


def _encryption(props: dict[str, Any]) -> dict[str, str] | None:
    spec = props.get("StreamEncryption")
    if not spec:
        return None
    if spec.get("EncryptionType") != "KMS" or not spec.get("KeyId"):
        raise DeployError(
            "StreamEncryption takes EncryptionType KMS and a KeyId; remove StreamEncryption "
            "for an unencrypted stream"
        )
    return {"EncryptionType": "KMS", "KeyId": str(spec["KeyId"])}


@register
class Stream(ResourceKind):
    type_name = "AWS::Kinesis::Stream"
    replace_on = frozenset({"Name"})
    applies = frozenset(
        {
            "Name",
            "RetentionPeriodHours",
            "ShardCount",
            "StreamEncryption",
            "StreamModeDetails",
            "Tags",
        }
    )
    members = {
        "StreamEncryption": frozenset({"EncryptionType", "KeyId"}),
        "StreamModeDetails": frozenset({"StreamMode"}),
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("Name"), 128)
        mode = _mode(props)
        encryption = _encryption(props)
        kinesis = ctx.client("kinesis")
        arguments: dict[str, Any] = {"StreamName": name, "StreamModeDetails": {"StreamMode": mode}}
        if mode == "PROVISIONED":
            arguments["ShardCount"] = _shards(props)
        kinesis.create_stream(**arguments)
        kinesis.get_waiter("stream_exists").wait(
            StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        if _retention(props) != DEFAULT_RETENTION_HOURS:
            self._retain(name, DEFAULT_RETENTION_HOURS, _retention(props), ctx)
        if encryption:
            kinesis.start_stream_encryption(StreamName=name, **encryption)
        if props.get("Tags"):
            kinesis.add_tags_to_stream(StreamName=name, Tags=tag_map(props["Tags"]))
        return name

    def _retain(self, name: str, before: int, after: int, ctx: Context) -> None:
        kinesis = ctx.client("kinesis")
        if after > before:
            kinesis.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=after)
        elif after < before:
            kinesis.decrease_stream_retention_period(StreamName=name, RetentionPeriodHours=after)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        kinesis = ctx.client("kinesis")
        diff = changed(old, new)
        arn = self.attributes(physical_id, new, ctx)["Arn"]
        if _mode(old) != _mode(new):
            kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": _mode(new)})
        if _mode(new) == "PROVISIONED" and _shards(old) != _shards(new):
            kinesis.update_shard_count(
                StreamName=physical_id,
                TargetShardCount=_shards(new),
                ScalingType="UNIFORM_SCALING",
            )
        self._retain(physical_id, _retention(old), _retention(new), ctx)
        if "StreamEncryption" in diff:
            before, after = _encryption(old), _encryption(new)
            if before:
                kinesis.stop_stream_encryption(StreamName=physical_id, **before)
            if after:
                kinesis.start_stream_encryption(StreamName=physical_id, **after)
        if "Tags" in diff:
            old_tags, new_tags = tag_map(old.get("Tags")), tag_map(new.get("Tags"))
            gone = sorted(set(old_tags) - set(new_tags))
            if gone:
                kinesis.remove_tags_from_stream(StreamName=physical_id, TagKeys=gone)
            if new_tags:
                kinesis.add_tags_to_stream(StreamName=physical_id, Tags=new_tags)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("kinesis").delete_stream,
            StreamName=physical_id,
            EnforceConsumerDeletion=True,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("kinesis", f"stream/{physical_id}"), "Name": physical_id}
