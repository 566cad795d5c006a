"""Layers a template names by ARN: supplied from a local folder, or checked before applying.

On AWS a function may name any layer version it can read, by ARN. Here a layer ARN is one of:
a public Powertools layer (the Lambda kind stands its package in for it, see kinds/awslambda.py),
a layer the cloud already holds, or one the user supplies from a folder (`deploy --layer
ARN=DIR`), which is deployed with the stack as a layer of its own. Anything else is an error
before anything is applied, rather than a CreateFunction failing half-way through the deploy.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from localcloud.build import public_layer
from localcloud.deploy.errors import TemplateError

_FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")


class LayerNotFoundError(TemplateError):
    """A function names a layer version the endpoint does not hold and nobody supplied."""


def _layer_lists(template: dict[str, Any]) -> list[list[Any]]:
    """Every Layers list of the template's functions (and of Globals.Function)."""
    lists = []
    globals_function = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_function, dict) and isinstance(globals_function.get("Layers"), list):
        lists.append(globals_function["Layers"])
    for resource in template.get("Resources", {}).values():
        layers = resource.get("Properties", {}).get("Layers")
        if resource.get("Type") in _FUNCTION_TYPES and isinstance(layers, list):
            lists.append(layers)
    return lists


def supply_layers(template: dict[str, Any], supplied: dict[str, Path]) -> dict[str, Any]:
    """A copy of ``template`` where each supplied layer ARN is a layer of the stack, from DIR."""
    if not supplied:
        return template
    template = copy.deepcopy(template)
    used: dict[str, str] = {}
    for layers in _layer_lists(template):
        for index, arn in enumerate(layers):
            if not isinstance(arn, str) or arn not in supplied:
                continue
            logical_id = used.setdefault(
                arn, "SuppliedLayer" + hashlib.sha256(arn.encode()).hexdigest()[:10]
            )
            layers[index] = {"Ref": logical_id}
    for arn, logical_id in used.items():
        name = arn.split(":")[6] if arn.count(":") >= 7 else logical_id
        template["Resources"][logical_id] = {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {"LayerName": name, "ContentUri": str(Path(supplied[arn]).resolve())},
        }
    return template


def check_layers(resources: dict[str, dict[str, Any]], lam: Any, endpoint_url: str) -> None:
    """LayerNotFoundError for the first layer ARN the endpoint does not hold."""
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        for arn in resource.get("Properties", {}).get("Layers") or []:
            if not isinstance(arn, str) or public_layer(arn):
                continue
            layer, _, version = arn.rpartition(":")
            try:
                lam.get_layer_version(LayerName=layer, VersionNumber=int(version))
            except (ClientError, ValueError) as exc:
                raise LayerNotFoundError(
                    f"function {logical_id!r} uses layer {arn}, which {endpoint_url} does not "
                    "hold; nothing was applied. Supply its content from a folder (laid out as "
                    f"the layer's zip, e.g. python/...): localcloud deploy --layer {arn}=DIR, "
                    'or layers = "ARN=DIR" under [default.deploy.parameters] in samconfig.toml'
                ) from exc
