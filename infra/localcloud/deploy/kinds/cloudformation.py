"""CloudFormation kind: nested stacks (what SAM makes of ``AWS::Serverless::Application``).

A nested stack is deployed by the same deployer as a stack of its own, named after its parent
and logical id, from the local template file its TemplateURL names (made absolute at planning:
deploy/nested.py). ``Ref`` is its stack ARN; ``Fn::GetAtt Child.Outputs.Name`` its outputs.
Redeploying the parent redeploys the child whenever a file beside its template changed (the
child's own deploy leaves unchanged resources alone); removing it removes its resources.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import Context, ResourceKind, register


def _parameters(props: dict[str, Any]) -> dict[str, str]:
    values = props.get("Parameters") or {}
    return {
        str(name): ",".join(map(str, value)) if isinstance(value, list) else str(value)
        for name, value in values.items()
    }


def _stack_name(physical_id: str) -> str:
    """The stack name inside a stack ARN (``arn:...:stack/NAME/ID``)."""
    return physical_id.split(":stack/", 1)[-1].split("/", 1)[0]


@register
class NestedStack(ResourceKind):
    type_name = "AWS::CloudFormation::Stack"
    replace_on = frozenset()
    applies = frozenset({"TemplateURL", "Parameters"})
    inert = {
        "Tags": "stack tags (SAM adds lambda:createdBy) are not copied onto the nested stack's "
        "resources locally; nothing in the local cloud reads them",
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        name = ctx.name(logical_id, None, 128)
        self._deploy(logical_id, name, props, ctx)
        stack_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{ctx.account_id}/{ctx.region}/{name}")
        return ctx.arn("cloudformation", f"stack/{name}/{stack_id}")

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        self._deploy(logical_id, _stack_name(physical_id), new, ctx)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        from localcloud.deploy.engine import destroy  # the engine imports the kinds

        destroy(ctx.endpoint_url, _stack_name(physical_id), ctx.region)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        from localcloud.deploy.engine import load_stack_state

        state = load_stack_state(ctx.endpoint_url, _stack_name(physical_id), ctx.region)
        outputs = state.outputs if state is not None else {}
        return {f"Outputs.{name}": value for name, value in outputs.items()}

    def fingerprint(self, props: dict[str, Any], ctx: Context) -> Any:
        # The child's template and code live beside it: any change there redeploys it.
        folder = Path(str(props.get("TemplateURL", ""))).parent
        digest = hashlib.sha256()
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()

    @staticmethod
    def _deploy(logical_id: str, name: str, props: dict[str, Any], ctx: Context) -> None:
        from localcloud.deploy.engine import deploy

        template = Path(str(props["TemplateURL"]))
        if not template.is_file():
            raise DeployError(
                f"{logical_id}: the nested template {template} is gone; restore it or remove "
                "the resource"
            )
        deploy(
            template, ctx.endpoint_url, stack=name, parameters=_parameters(props), region=ctx.region
        )
