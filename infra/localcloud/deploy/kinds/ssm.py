"""Systems Manager kind: Parameter Store parameters, which templates use to hand configuration
to functions (read with GetParameter at run time)."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    pick,
    register,
    tag_map,
)

# What PutParameter takes under the same names as the template.
_SETTINGS = ("Type", "Value", "Description", "AllowedPattern", "Tier", "DataType")


@register
class Parameter(ResourceKind):
    type_name = "AWS::SSM::Parameter"
    replace_on = frozenset({"Name"})
    applies = frozenset({"Name", "Tags", *_SETTINGS})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        if props.get("Type") not in ("String", "StringList"):
            # CloudFormation's own rule: a SecureString cannot be created from a template.
            raise DeployError(
                f"{logical_id}: Type must be String or StringList (got {props.get('Type')!r}); "
                "CloudFormation cannot create a SecureString parameter"
            )
        # Unnamed, CloudFormation's names start with "CFN-" (a name may not start with "ssm"
        # or "aws", as a stack's could).
        name = props.get("Name") or "CFN-" + ctx.name(logical_id, None, 2044)
        arguments = {"Name": name, **pick(props, *_SETTINGS)}
        if props.get("Tags"):
            arguments["Tags"] = [{"Key": k, "Value": v} for k, v in tag_map(props["Tags"]).items()]
        ctx.client("ssm").put_parameter(**arguments)
        return name

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ssm = ctx.client("ssm")
        diff = changed(old, new)
        if diff & set(_SETTINGS):
            ssm.put_parameter(Name=physical_id, Overwrite=True, **pick(new, *_SETTINGS))
        if "Tags" in diff:
            before, after = tag_map(old.get("Tags")), tag_map(new.get("Tags"))
            if set(before) - set(after):
                ssm.remove_tags_from_resource(
                    ResourceType="Parameter",
                    ResourceId=physical_id,
                    TagKeys=sorted(set(before) - set(after)),
                )
            if after:
                ssm.add_tags_to_resource(
                    ResourceType="Parameter",
                    ResourceId=physical_id,
                    Tags=[{"Key": k, "Value": v} for k, v in after.items()],
                )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("ssm").delete_parameter, Name=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Type": props.get("Type"), "Value": props.get("Value")}
