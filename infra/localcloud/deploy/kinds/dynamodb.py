"""DynamoDB kind: tables with keys, billing mode, streams, TTL and global secondary indexes."""

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


def _stream(props: dict[str, Any]) -> dict[str, Any] | None:
    spec = props.get("StreamSpecification")
    if not spec:
        return None
    return {"StreamEnabled": True, "StreamViewType": spec["StreamViewType"]}


def _throughput(value: dict[str, Any]) -> dict[str, int]:
    return {
        "ReadCapacityUnits": int(value["ReadCapacityUnits"]),
        "WriteCapacityUnits": int(value["WriteCapacityUnits"]),
    }


# What an index passes on: its keys with ProvisionedThroughput made integers.
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")


def _index(index: dict[str, Any]) -> dict[str, Any]:
    converted = pick(index, "IndexName", "KeySchema", "Projection")
    if index.get("ProvisionedThroughput"):
        converted["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
    return converted


def _sse(spec: dict[str, Any]) -> dict[str, Any]:
    """SSESpecification as CreateTable/UpdateTable take it; a KMS key (e.g. a key of the same
    stack) is recorded on the table, the data is not encrypted locally."""
    converted: dict[str, Any] = {"Enabled": bool(spec.get("SSEEnabled", False))}
    if spec.get("SSEType"):
        converted["SSEType"] = spec["SSEType"]
    if spec.get("KMSMasterKeyId"):
        converted["KMSMasterKeyId"] = spec["KMSMasterKeyId"]
    return converted


@register
class Table(ResourceKind):
    type_name = "AWS::DynamoDB::Table"
    replace_on = frozenset({"TableName", "KeySchema", "LocalSecondaryIndexes"})
    applies = frozenset(
        {
            "AttributeDefinitions",
            "BillingMode",
            "DeletionProtectionEnabled",
            "GlobalSecondaryIndexes",
            "KeySchema",
            "LocalSecondaryIndexes",
            "ProvisionedThroughput",
            "SSESpecification",
            "StreamSpecification",
            "TableClass",
            "TableName",
            "Tags",
            "TimeToLiveSpecification",
        }
    )
    members = {
        "AttributeDefinitions": ApiParameter("dynamodb", "CreateTable", "AttributeDefinitions"),
        "KeySchema": ApiParameter("dynamodb", "CreateTable", "KeySchema"),
        "GlobalSecondaryIndexes": frozenset(_INDEX_KEYS),
        "LocalSecondaryIndexes": frozenset(_INDEX_KEYS),
        "ProvisionedThroughput": frozenset({"ReadCapacityUnits", "WriteCapacityUnits"}),
        "SSESpecification": frozenset({"SSEEnabled", "SSEType", "KMSMasterKeyId"}),
        "StreamSpecification": frozenset({"StreamViewType"}),
        "TimeToLiveSpecification": frozenset({"AttributeName", "Enabled"}),
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("TableName"), 255)
        arguments: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        if props.get("ProvisionedThroughput"):
            arguments["ProvisionedThroughput"] = _throughput(props["ProvisionedThroughput"])
        if props.get("GlobalSecondaryIndexes"):
            arguments["GlobalSecondaryIndexes"] = [
                _index(i) for i in props["GlobalSecondaryIndexes"]
            ]
        if props.get("LocalSecondaryIndexes"):
            arguments["LocalSecondaryIndexes"] = [_index(i) for i in props["LocalSecondaryIndexes"]]
        if _stream(props):
            arguments["StreamSpecification"] = _stream(props)
        if props.get("SSESpecification"):
            arguments["SSESpecification"] = _sse(props["SSESpecification"])
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        if props.get("DeletionProtectionEnabled") is not None:
            arguments["DeletionProtectionEnabled"] = bool(props["DeletionProtectionEnabled"])
        if props.get("TableClass"):
            arguments["TableClass"] = props["TableClass"]
        dynamodb = ctx.client("dynamodb")
        dynamodb.create_table(**arguments)
        dynamodb.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
        )
        self._ttl(name, {}, props, ctx)
        return name

    def _ttl(self, name: str, old: dict[str, Any], new: dict[str, Any], ctx: Context) -> None:
        before, after = old.get("TimeToLiveSpecification"), new.get("TimeToLiveSpecification")
        if before == after:
            return
        if after and after.get("Enabled"):
            spec = {"Enabled": True, "AttributeName": after["AttributeName"]}
        elif before and before.get("Enabled"):
            spec = {"Enabled": False, "AttributeName": before["AttributeName"]}
        else:
            return
        ctx.client("dynamodb").update_time_to_live(TableName=name, TimeToLiveSpecification=spec)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        dynamodb = ctx.client("dynamodb")
        diff = changed(old, new)
        table: dict[str, Any] = {}
        if diff & {"BillingMode", "ProvisionedThroughput"}:
            table["BillingMode"] = new.get("BillingMode", "PROVISIONED")
            if new.get("ProvisionedThroughput"):
                table["ProvisionedThroughput"] = _throughput(new["ProvisionedThroughput"])
        if "StreamSpecification" in diff:
            table["StreamSpecification"] = _stream(new) or {"StreamEnabled": False}
        if "DeletionProtectionEnabled" in diff:
            table["DeletionProtectionEnabled"] = bool(new.get("DeletionProtectionEnabled"))
        if "SSESpecification" in diff:
            table["SSESpecification"] = _sse(new.get("SSESpecification") or {})
        if table:
            dynamodb.update_table(TableName=physical_id, **table)
        if "GlobalSecondaryIndexes" in diff:
            self._indexes(physical_id, old, new, ctx)
        self._ttl(physical_id, old, new, ctx)
        if "Tags" in diff:
            arn = self.attributes(physical_id, new, ctx)["Arn"]
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                dynamodb.untag_resource(ResourceArn=arn, TagKeys=sorted(gone))
            if new.get("Tags"):
                dynamodb.tag_resource(ResourceArn=arn, Tags=tag_list(new["Tags"]))
        return physical_id

    def _indexes(self, name: str, old: dict[str, Any], new: dict[str, Any], ctx: Context) -> None:
        """Create, delete or re-create indexes: UpdateTable takes one index change per call."""
        dynamodb = ctx.client("dynamodb")
        before = {i["IndexName"]: _index(i) for i in old.get("GlobalSecondaryIndexes") or []}
        after = {i["IndexName"]: _index(i) for i in new.get("GlobalSecondaryIndexes") or []}
        for index_name in sorted(before):
            if index_name not in after or after[index_name] != before[index_name]:
                dynamodb.update_table(
                    TableName=name,
                    GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index_name}}],
                )
        for index_name in sorted(after):
            if before.get(index_name) != after[index_name]:
                dynamodb.update_table(
                    TableName=name,
                    AttributeDefinitions=new["AttributeDefinitions"],
                    GlobalSecondaryIndexUpdates=[{"Create": after[index_name]}],
                )

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("dynamodb").delete_table, TableName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        table = ctx.client("dynamodb").describe_table(TableName=physical_id)["Table"]
        attributes = {"Arn": table["TableArn"]}
        if table.get("LatestStreamArn"):
            attributes["StreamArn"] = table["LatestStreamArn"]
        return attributes
