"""KMS kinds: customer managed keys and their aliases.

Templates declare a key to name it in a queue's, topic's, table's or bucket's encryption
settings, or for functions to call Encrypt/Decrypt with. The key is made in the emulator, so
those calls work and the other kinds accept its id, ARN or alias; the services that take it do
not encrypt their data at rest locally.
"""

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
    tag_map,
)

# CloudFormation's window when PendingWindowInDays is left out.
_PENDING_WINDOW_DAYS = 30


def _enabled(props: dict[str, Any]) -> bool:
    return str(props.get("Enabled", True)).lower() == "true"


def _rotation(props: dict[str, Any]) -> bool:
    return str(props.get("EnableKeyRotation", False)).lower() == "true"


def _kms_tags(tags: Any) -> list[dict[str, str]]:
    return [{"TagKey": key, "TagValue": value} for key, value in tag_map(tags).items()]


@register
class Key(ResourceKind):
    type_name = "AWS::KMS::Key"
    replace_on = frozenset({"KeySpec", "KeyUsage", "MultiRegion"})
    applies = frozenset(
        {
            "Description",
            "Enabled",
            "EnableKeyRotation",
            "KeyPolicy",
            "KeySpec",
            "KeyUsage",
            "MultiRegion",
            "PendingWindowInDays",
            "Tags",
        }
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        window = int(props.get("PendingWindowInDays", _PENDING_WINDOW_DAYS))
        if not 7 <= window <= 30:
            raise DeployError(
                f"{logical_id}: PendingWindowInDays must be 7 to 30 (got {window}); "
                "fix the template"
            )
        arguments: dict[str, Any] = {
            "KeySpec": props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            "KeyUsage": props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            "MultiRegion": str(props.get("MultiRegion", False)).lower() == "true",
        }
        if props.get("Description"):
            arguments["Description"] = props["Description"]
        if props.get("KeyPolicy"):
            arguments["Policy"] = as_json(props["KeyPolicy"])
        if props.get("Tags"):
            arguments["Tags"] = _kms_tags(props["Tags"])
        kms = ctx.client("kms")
        key_id = str(kms.create_key(**arguments)["KeyMetadata"]["KeyId"])
        if _rotation(props):
            kms.enable_key_rotation(KeyId=key_id)
        if not _enabled(props):
            kms.disable_key(KeyId=key_id)
        return key_id

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        kms = ctx.client("kms")
        diff = changed(old, new)
        if "Description" in diff:
            kms.update_key_description(KeyId=physical_id, Description=new.get("Description", ""))
        if "KeyPolicy" in diff and new.get("KeyPolicy"):
            kms.put_key_policy(
                KeyId=physical_id, PolicyName="default", Policy=as_json(new["KeyPolicy"])
            )
        if _enabled(old) != _enabled(new):
            (kms.enable_key if _enabled(new) else kms.disable_key)(KeyId=physical_id)
        if _rotation(old) != _rotation(new):
            if _rotation(new):
                kms.enable_key_rotation(KeyId=physical_id)
            else:
                kms.disable_key_rotation(KeyId=physical_id)
        if "Tags" in diff:
            gone = sorted(set(tag_map(old.get("Tags"))) - set(tag_map(new.get("Tags"))))
            if gone:
                kms.untag_resource(KeyId=physical_id, TagKeys=gone)
            if new.get("Tags"):
                kms.tag_resource(KeyId=physical_id, Tags=_kms_tags(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        # As on AWS a key is not deleted at once: it is scheduled for deletion after the window.
        ignore_gone(
            ctx.client("kms").schedule_key_deletion,
            KeyId=physical_id,
            PendingWindowInDays=int(props.get("PendingWindowInDays", _PENDING_WINDOW_DAYS)),
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("kms", f"key/{physical_id}"), "KeyId": physical_id}


@register
class Alias(ResourceKind):
    type_name = "AWS::KMS::Alias"
    replace_on = frozenset({"AliasName"})
    applies = frozenset({"AliasName", "TargetKeyId"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = str(props["AliasName"])
        if not name.startswith("alias/") or name.startswith("alias/aws/"):
            raise DeployError(
                f"{logical_id}: AliasName must start with 'alias/' and not 'alias/aws/' "
                f"(got {name!r}); fix the template"
            )
        ctx.client("kms").create_alias(AliasName=name, TargetKeyId=props["TargetKeyId"])
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("kms").update_alias(AliasName=physical_id, TargetKeyId=new["TargetKeyId"])
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("kms").delete_alias, AliasName=physical_id)
