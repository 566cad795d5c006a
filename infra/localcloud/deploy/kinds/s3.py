"""S3 kinds: buckets (versioning, public access block, default encryption, tags, event
notifications) and bucket policies."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    policy_json,
    register,
    tag_list,
)
from localcloud.deploy.kinds.members import ApiParameter

# CloudFormation's configuration lists: (its ARN key, the API's list name, the API's ARN key).
NOTIFICATION_KINDS = {
    "LambdaConfigurations": ("Function", "LambdaFunctionConfigurations", "LambdaFunctionArn"),
    "QueueConfigurations": ("Queue", "QueueConfigurations", "QueueArn"),
    "TopicConfigurations": ("Topic", "TopicConfigurations", "TopicArn"),
}


def notification_configuration(logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """A template's NotificationConfiguration as PutBucketNotificationConfiguration takes it:
    one ``Event`` per entry becomes ``Events``, ``Filter.S3Key.Rules`` ``Filter.Key.FilterRules``.
    """
    config: dict[str, Any] = {}
    for name, (arn_key, api_list, api_arn) in NOTIFICATION_KINDS.items():
        entries = []
        for index, entry in enumerate(props.get(name) or []):
            where = f"{logical_id}.NotificationConfiguration.{name}[{index}]"
            stray = sorted(set(entry) - {"Event", "Filter", arn_key})
            if stray or "Event" not in entry or arn_key not in entry:
                raise DeployError(
                    f"{where}: takes Event, {arn_key} and an optional Filter (got "
                    f"{', '.join(sorted(entry))}); fix the template"
                )
            item: dict[str, Any] = {api_arn: entry[arn_key], "Events": [entry["Event"]]}
            if entry.get("Filter"):
                key = entry["Filter"].get("S3Key") or {}
                if set(entry["Filter"]) != {"S3Key"} or set(key) - {"Rules"}:
                    raise DeployError(f"{where}.Filter: takes S3Key.Rules only; fix the template")
                item["Filter"] = {
                    "Key": {
                        "FilterRules": [
                            {"Name": rule["Name"], "Value": rule["Value"]}
                            for rule in key.get("Rules") or []
                        ]
                    }
                }
            entries.append(item)
        if entries:
            config[api_list] = entries
    event_bridge = props.get("EventBridgeConfiguration") or {}
    if set(event_bridge) - {"EventBridgeEnabled"}:
        raise DeployError(
            f"{logical_id}.NotificationConfiguration.EventBridgeConfiguration: takes "
            "EventBridgeEnabled only; fix the template"
        )
    if str(event_bridge.get("EventBridgeEnabled", "")).lower() == "true":
        config["EventBridgeConfiguration"] = {}
    return config


def encryption_configuration(logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """A template's BucketEncryption as PutBucketEncryption takes it: each rule's
    ``ServerSideEncryptionByDefault`` is the API's ``ApplyServerSideEncryptionByDefault``."""
    where = f"{logical_id}.BucketEncryption"
    if set(props) - {"ServerSideEncryptionConfiguration"}:
        raise DeployError(
            f"{where}: takes ServerSideEncryptionConfiguration only; fix the template"
        )
    rules = []
    for index, rule in enumerate(props.get("ServerSideEncryptionConfiguration") or []):
        default = rule.get("ServerSideEncryptionByDefault") or {}
        stray = sorted(set(rule) - {"ServerSideEncryptionByDefault", "BucketKeyEnabled"})
        stray += sorted(f"ServerSideEncryptionByDefault.{key}" for key in default)
        stray = [key for key in stray if not key.endswith((".SSEAlgorithm", ".KMSMasterKeyID"))]
        if stray or (default and "SSEAlgorithm" not in default):
            raise DeployError(
                f"{where}.ServerSideEncryptionConfiguration[{index}]: takes "
                "ServerSideEncryptionByDefault (SSEAlgorithm, KMSMasterKeyID) and "
                f"BucketKeyEnabled (got {', '.join(stray) or 'no SSEAlgorithm'}); fix the template"
            )
        item: dict[str, Any] = {}
        if default:
            item["ApplyServerSideEncryptionByDefault"] = dict(default)
        if "BucketKeyEnabled" in rule:
            item["BucketKeyEnabled"] = rule["BucketKeyEnabled"]
        rules.append(item)
    return {"Rules": rules}


@register
class Bucket(ResourceKind):
    type_name = "AWS::S3::Bucket"
    replace_on = frozenset({"BucketName"})
    applies = frozenset(
        {
            "BucketName",
            "BucketEncryption",
            "PublicAccessBlockConfiguration",
            "Tags",
            "VersioningConfiguration",
            "NotificationConfiguration",
        }
    )
    members = {
        # The rules inside are checked by encryption_configuration, whose names differ from S3's.
        "BucketEncryption": frozenset({"ServerSideEncryptionConfiguration"}),
        "NotificationConfiguration": frozenset(NOTIFICATION_KINDS) | {"EventBridgeConfiguration"},
        "PublicAccessBlockConfiguration": ApiParameter(
            "s3", "PutPublicAccessBlock", "PublicAccessBlockConfiguration"
        ),
        # MfaDelete needs a device's code with each call, which no deploy has.
        "VersioningConfiguration": frozenset({"Status"}),
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("BucketName"), 63, lower=True)
        arguments: dict[str, Any] = {"Bucket": name}
        if ctx.region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
        ctx.client("s3").create_bucket(**arguments)
        self.update(logical_id, name, {}, props, ctx)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        s3 = ctx.client("s3")
        diff = changed(old, new)
        if "VersioningConfiguration" in diff and new.get("VersioningConfiguration"):
            s3.put_bucket_versioning(
                Bucket=physical_id,
                VersioningConfiguration={"Status": new["VersioningConfiguration"]["Status"]},
            )
        if "PublicAccessBlockConfiguration" in diff:
            if new.get("PublicAccessBlockConfiguration"):
                s3.put_public_access_block(
                    Bucket=physical_id,
                    PublicAccessBlockConfiguration=new["PublicAccessBlockConfiguration"],
                )
            else:
                ignore_gone(s3.delete_public_access_block, Bucket=physical_id)
        if "BucketEncryption" in diff:
            if new.get("BucketEncryption"):
                s3.put_bucket_encryption(
                    Bucket=physical_id,
                    ServerSideEncryptionConfiguration=encryption_configuration(
                        logical_id, new["BucketEncryption"]
                    ),
                )
            else:
                ignore_gone(s3.delete_bucket_encryption, Bucket=physical_id)
        if "Tags" in diff:
            if new.get("Tags"):
                s3.put_bucket_tagging(Bucket=physical_id, Tagging={"TagSet": tag_list(new["Tags"])})
            else:
                s3.delete_bucket_tagging(Bucket=physical_id)
        if "NotificationConfiguration" in diff:
            s3.put_bucket_notification_configuration(
                Bucket=physical_id,
                NotificationConfiguration=notification_configuration(
                    logical_id, new.get("NotificationConfiguration") or {}
                ),
            )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        s3 = ctx.client("s3")
        # A bucket must be empty before it can go, old versions included.
        paginator = s3.get_paginator("list_object_versions")
        try:
            pages = list(paginator.paginate(Bucket=physical_id))
        except s3.exceptions.NoSuchBucket:
            return
        for page in pages:
            objects = [
                {"Key": item["Key"], "VersionId": item["VersionId"]}
                for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if objects:
                s3.delete_objects(Bucket=physical_id, Delete={"Objects": objects, "Quiet": True})
        ignore_gone(s3.delete_bucket, Bucket=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            "Arn": f"arn:{ctx.partition}:s3:::{physical_id}",
            "DomainName": f"{physical_id}.s3.amazonaws.com",
            "RegionalDomainName": f"{physical_id}.s3.{ctx.region}.amazonaws.com",
            "DualStackDomainName": f"{physical_id}.s3.dualstack.{ctx.region}.amazonaws.com",
            "WebsiteURL": f"http://{physical_id}.s3-website-{ctx.region}.amazonaws.com",
        }


@register
class BucketPolicy(ResourceKind):
    type_name = "AWS::S3::BucketPolicy"
    replace_on = frozenset({"Bucket"})
    applies = frozenset({"Bucket", "PolicyDocument"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        return self.update(logical_id, str(props["Bucket"]), {}, props, ctx)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("s3").put_bucket_policy(
            Bucket=new["Bucket"], Policy=policy_json(new["PolicyDocument"])
        )
        return str(new["Bucket"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("s3").delete_bucket_policy, Bucket=props["Bucket"])
