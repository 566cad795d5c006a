"""IAM kinds: roles (with inline and managed policies), inline policies, managed policies."""

from __future__ import annotations

import logging
from typing import Any

from botocore.exceptions import ClientError

from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    is_gone,
    policy_json,
    register,
    tag_list,
)

logger = logging.getLogger(__name__)


def _inline(props: dict[str, Any]) -> dict[str, str]:
    return {p["PolicyName"]: policy_json(p["PolicyDocument"]) for p in props.get("Policies") or []}


def _attach_managed(iam: Any, role: str, arn: str) -> None:
    """Attach a managed policy; an AWS-managed one the endpoint does not model is only logged.

    Emulators (moto without MOTO_IAM_LOAD_MANAGED_POLICIES, LocalStack variants) may not carry
    AWS's managed policies, and SAM adds AWSLambdaBasicExecutionRole to every generated role.
    """
    try:
        iam.attach_role_policy(RoleName=role, PolicyArn=arn)
    except ClientError as exc:
        if not (is_gone(exc) and arn.split(":")[4:5] == ["aws"]):
            raise
        logger.warning(
            "role %s: the endpoint has no AWS managed policy %s; not attached", role, arn
        )


@register
class Role(ResourceKind):
    type_name = "AWS::IAM::Role"
    replace_on = frozenset({"RoleName", "Path"})
    applies = frozenset(
        {
            "AssumeRolePolicyDocument",
            "Description",
            "ManagedPolicyArns",
            "MaxSessionDuration",
            "Path",
            "PermissionsBoundary",
            "Policies",
            "RoleName",
            "Tags",
        }
    )
    members = {"Policies": frozenset({"PolicyName", "PolicyDocument"})}

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("RoleName"), 64)
        arguments: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": policy_json(props["AssumeRolePolicyDocument"]),
            "Path": props.get("Path", "/"),
        }
        for key in ("Description", "MaxSessionDuration", "PermissionsBoundary"):
            if props.get(key) is not None:
                arguments[key] = props[key]
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        ctx.client("iam").create_role(**arguments)
        self._sync_policies(name, {}, props, ctx)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        iam = ctx.client("iam")
        diff = changed(old, new)
        if "AssumeRolePolicyDocument" in diff:
            iam.update_assume_role_policy(
                RoleName=physical_id, PolicyDocument=policy_json(new["AssumeRolePolicyDocument"])
            )
        if diff & {"Description", "MaxSessionDuration"}:
            iam.update_role(
                RoleName=physical_id,
                **{k: new[k] for k in ("Description", "MaxSessionDuration") if k in new},
            )
        if "PermissionsBoundary" in diff:
            if new.get("PermissionsBoundary"):
                iam.put_role_permissions_boundary(
                    RoleName=physical_id, PermissionsBoundary=new["PermissionsBoundary"]
                )
            else:
                ignore_gone(iam.delete_role_permissions_boundary, RoleName=physical_id)
        if "Tags" in diff:
            old_keys = {t["Key"] for t in tag_list(old.get("Tags"))}
            new_tags = tag_list(new.get("Tags"))
            gone = sorted(old_keys - {t["Key"] for t in new_tags})
            if gone:
                iam.untag_role(RoleName=physical_id, TagKeys=gone)
            if new_tags:
                iam.tag_role(RoleName=physical_id, Tags=new_tags)
        self._sync_policies(physical_id, old, new, ctx)
        return physical_id

    def _sync_policies(
        self, name: str, old: dict[str, Any], new: dict[str, Any], ctx: Context
    ) -> None:
        iam = ctx.client("iam")
        old_inline, new_inline = _inline(old), _inline(new)
        for policy, document in new_inline.items():
            if old_inline.get(policy) != document:
                iam.put_role_policy(RoleName=name, PolicyName=policy, PolicyDocument=document)
        for policy in set(old_inline) - set(new_inline):
            ignore_gone(iam.delete_role_policy, RoleName=name, PolicyName=policy)
        old_managed = set(old.get("ManagedPolicyArns") or [])
        new_managed = set(new.get("ManagedPolicyArns") or [])
        for arn in sorted(new_managed - old_managed):
            _attach_managed(iam, name, arn)
        for arn in sorted(old_managed - new_managed):
            ignore_gone(iam.detach_role_policy, RoleName=name, PolicyArn=arn)

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        iam = ctx.client("iam")
        attached = ignore_gone(iam.list_attached_role_policies, RoleName=physical_id)
        if attached is None:
            return
        for policy in attached["AttachedPolicies"]:
            ignore_gone(iam.detach_role_policy, RoleName=physical_id, PolicyArn=policy["PolicyArn"])
        for name in iam.list_role_policies(RoleName=physical_id)["PolicyNames"]:
            ignore_gone(iam.delete_role_policy, RoleName=physical_id, PolicyName=name)
        ignore_gone(iam.delete_role, RoleName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        role = ctx.client("iam").get_role(RoleName=physical_id)["Role"]
        return {"Arn": role["Arn"], "RoleId": role["RoleId"]}


_TARGETS = (
    ("Roles", "role", "RoleName"),
    ("Users", "user", "UserName"),
    ("Groups", "group", "GroupName"),
)


@register
class Policy(ResourceKind):
    """An inline policy put on roles, users and groups."""

    type_name = "AWS::IAM::Policy"
    replace_on = frozenset({"PolicyName"})
    applies = frozenset({"PolicyName", "PolicyDocument", *(prop for prop, _, _ in _TARGETS)})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        self._put(props, ctx)
        return str(props["PolicyName"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        self._remove(old, ctx, keep=new)
        self._put(new, ctx)
        return physical_id

    def _put(self, props: dict[str, Any], ctx: Context) -> None:
        iam = ctx.client("iam")
        document = policy_json(props["PolicyDocument"])
        for prop, kind, key in _TARGETS:
            for target in props.get(prop) or []:
                put = getattr(iam, f"put_{kind}_policy")
                put(**{key: target}, PolicyName=props["PolicyName"], PolicyDocument=document)

    def _remove(
        self, props: dict[str, Any], ctx: Context, keep: dict[str, Any] | None = None
    ) -> None:
        iam = ctx.client("iam")
        for prop, kind, key in _TARGETS:
            kept = set((keep or {}).get(prop) or [])
            for target in props.get(prop) or []:
                if target not in kept:
                    remove = getattr(iam, f"delete_{kind}_policy")
                    ignore_gone(remove, **{key: target}, PolicyName=props["PolicyName"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        self._remove(props, ctx)


@register
class ManagedPolicy(ResourceKind):
    """A customer managed policy, attached to the roles, users and groups it lists."""

    type_name = "AWS::IAM::ManagedPolicy"
    # IAM cannot change a policy's description, so a new one needs a new policy (as on AWS).
    replace_on = frozenset({"ManagedPolicyName", "Path", "Description"})
    applies = frozenset(
        {
            "ManagedPolicyName",
            "PolicyDocument",
            "Path",
            "Description",
            *(prop for prop, _, _ in _TARGETS),
        }
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, props.get("ManagedPolicyName"), 128)
        arguments: dict[str, Any] = {
            "PolicyName": name,
            "PolicyDocument": policy_json(props["PolicyDocument"]),
            "Path": props.get("Path", "/"),
        }
        if props.get("Description"):
            arguments["Description"] = props["Description"]
        arn = str(ctx.client("iam").create_policy(**arguments)["Policy"]["Arn"])
        self._attach(arn, {}, props, ctx)
        return arn

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        iam = ctx.client("iam")
        if "PolicyDocument" in changed(old, new):
            versions = iam.list_policy_versions(PolicyArn=physical_id)["Versions"]
            for version in versions:
                if not version["IsDefaultVersion"]:
                    iam.delete_policy_version(PolicyArn=physical_id, VersionId=version["VersionId"])
            iam.create_policy_version(
                PolicyArn=physical_id,
                PolicyDocument=policy_json(new["PolicyDocument"]),
                SetAsDefault=True,
            )
        self._attach(physical_id, old, new, ctx)
        return physical_id

    def _attach(self, arn: str, old: dict[str, Any], new: dict[str, Any], ctx: Context) -> None:
        iam = ctx.client("iam")
        for prop, kind, key in _TARGETS:
            before, after = set(old.get(prop) or []), set(new.get(prop) or [])
            for target in sorted(after - before):
                getattr(iam, f"attach_{kind}_policy")(**{key: target}, PolicyArn=arn)
            for target in sorted(before - after):
                ignore_gone(getattr(iam, f"detach_{kind}_policy"), **{key: target}, PolicyArn=arn)

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        self._attach(physical_id, props, {}, ctx)
        iam = ctx.client("iam")
        versions = ignore_gone(iam.list_policy_versions, PolicyArn=physical_id)
        for version in (versions or {}).get("Versions", []):
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=physical_id, VersionId=version["VersionId"])
        ignore_gone(iam.delete_policy, PolicyArn=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"PolicyArn": physical_id, "Arn": physical_id}
