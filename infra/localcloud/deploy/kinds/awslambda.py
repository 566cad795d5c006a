"""Lambda kinds: functions (code zipped from CodeUri), layers, permissions, event source mappings,
event invoke configs, versions and aliases.

Every function with local code is tagged `localcloud:code-path` with the absolute code folder: the
local cloud runs code straight from there, so edits apply without a redeploy; other endpoints ignore
the tag. A public Powertools layer (no endpoint but AWS holds it) is left out of `Layers` and named
in the tag `localcloud:public-layers` instead: the local cloud installs the package it stands for
into the function's build.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from localcloud.build import public_layer
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    pick,
    register,
    tag_map,
)
from localcloud.deploy.kinds.members import ApiParameter
from localcloud.deploy.packaging import Package, inline_package, local_code_path, package

CODE_PATH_TAG = "localcloud:code-path"
PUBLIC_LAYERS_TAG = "localcloud:public-layers"

# CloudFormation property -> UpdateFunctionConfiguration/CreateFunction parameter
_CONFIG = {
    "Description": "Description",
    "Handler": "Handler",
    "Runtime": "Runtime",
    "Role": "Role",
    "Timeout": "Timeout",
    "MemorySize": "MemorySize",
    "Environment": "Environment",
    "Layers": "Layers",
    "DeadLetterConfig": "DeadLetterConfig",
    "TracingConfig": "TracingConfig",
    "EphemeralStorage": "EphemeralStorage",
    "KmsKeyArn": "KMSKeyArn",
    "LoggingConfig": "LoggingConfig",
    "VpcConfig": "VpcConfig",
    "ImageConfig": "ImageConfig",
    "FileSystemConfigs": "FileSystemConfigs",
    "SnapStart": "SnapStart",
}
# What a configuration value returns to when a template stops setting it.
_CONFIG_RESETS: dict[str, Any] = {
    "Environment": {"Variables": {}},
    "Layers": [],
    "DeadLetterConfig": {},
    "Description": "",
}
_INT_CONFIG = {"Timeout", "MemorySize"}


def _split_function(name_or_arn: str) -> tuple[str, str | None]:
    """A function name or ARN, and the qualifier an ARN may carry (`...:function:name:alias`)."""
    parts = name_or_arn.split(":")
    if name_or_arn.startswith("arn:") and len(parts) == 8:
        return ":".join(parts[:7]), parts[7]
    if not name_or_arn.startswith("arn:") and len(parts) == 2:
        return parts[0], parts[1]
    return name_or_arn, None


def _function_name(name_or_arn: str) -> str:
    """The bare function name of a name or (possibly qualified) ARN."""
    base, _ = _split_function(name_or_arn)
    return base.rsplit(":", 1)[-1] if base.startswith("arn:") else base


def _configuration(props: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for prop, parameter in _CONFIG.items():
        if props.get(prop) is None:
            continue
        value = props[prop]
        if prop in _INT_CONFIG:
            value = int(value)
        if prop == "Environment":
            variables = value.get("Variables") or {}
            value = {"Variables": {str(k): str(v) for k, v in variables.items()}}
        if prop == "Layers":
            value = [arn for arn in value if not (isinstance(arn, str) and public_layer(arn))]
        config[parameter] = value
    return config


def public_layers(props: dict[str, Any]) -> list[str]:
    """The public layers (by name in localcloud.build) among a function's Layers."""
    names = [public_layer(arn) for arn in props.get("Layers") or [] if isinstance(arn, str)]
    return [name for name in names if name]


def _code(props: dict[str, Any], key: str = "Code") -> tuple[dict[str, Any], Package | None]:
    """The Code argument for Lambda and, for local or inline code, its package."""
    location = props.get(key) or {}
    folder = local_code_path(location)
    if folder is not None:
        built = package(folder)
        return {"ZipFile": built.zip_bytes}, built
    if isinstance(location, dict) and location.get("ZipFile") is not None:
        built = inline_package(str(location["ZipFile"]), props.get("Runtime"))
        return {"ZipFile": built.zip_bytes}, built
    return dict(location), None


def _lambda_sha(built: Package) -> str:
    """The digest Lambda reports as CodeSha256 (base64 of the zip's sha256)."""
    return base64.b64encode(hashlib.sha256(built.zip_bytes).digest()).decode()


def _wait_updated(lam: Any, name: str) -> None:
    """Wait until a code update settles: AWS rejects a configuration update while one runs."""
    lam.get_waiter("function_updated_v2").wait(
        FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120}
    )


@register
class Function(ResourceKind):
    type_name = "AWS::Lambda::Function"
    replace_on = frozenset({"FunctionName", "PackageType"})
    applies = frozenset(
        {
            "FunctionName",
            "Code",
            "PackageType",
            "Architectures",
            "Tags",
            "ReservedConcurrentExecutions",
            *_CONFIG,
        }
    )
    # The configuration and a non-local Code pass to CreateFunction whole.
    members = {
        "Code": ApiParameter("lambda", "CreateFunction", "Code"),
        **{prop: ApiParameter("lambda", "CreateFunction", name) for prop, name in _CONFIG.items()},
    }

    def fingerprint(self, props: dict[str, Any], ctx: Context) -> Any:
        _, built = _code(props)
        return built.sha256 if built else None

    def _tags(self, props: dict[str, Any]) -> dict[str, str]:
        tags = tag_map(props.get("Tags"))
        folder = local_code_path(props.get("Code"))
        if folder is not None:
            tags[CODE_PATH_TAG] = str(folder)
        if public_layers(props):
            tags[PUBLIC_LAYERS_TAG] = " ".join(public_layers(props))
        return tags

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        lam = ctx.client("lambda")
        name = ctx.name(logical_id, props.get("FunctionName"), 64)
        code, _ = _code(props)
        arguments: dict[str, Any] = {
            "FunctionName": name,
            "Code": code,
            "PackageType": props.get("PackageType", "Zip"),
            **_configuration(props),
        }
        if props.get("Architectures"):
            arguments["Architectures"] = props["Architectures"]
        tags = self._tags(props)
        if tags:
            arguments["Tags"] = tags
        lam.create_function(**arguments)
        if props.get("ReservedConcurrentExecutions") is not None:
            lam.put_function_concurrency(
                FunctionName=name,
                ReservedConcurrentExecutions=int(props["ReservedConcurrentExecutions"]),
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
        lam = ctx.client("lambda")
        diff = changed(old, new)
        code, built = _code(new)
        current = lam.get_function_configuration(FunctionName=physical_id)
        if built is not None and current.get("CodeSha256") != _lambda_sha(built):
            lam.update_function_code(FunctionName=physical_id, ZipFile=built.zip_bytes)
            _wait_updated(lam, physical_id)
        elif built is None and "Code" in diff:
            lam.update_function_code(FunctionName=physical_id, **code)
            _wait_updated(lam, physical_id)
        before, after = _configuration(old), _configuration(new)
        if before != after:
            update = dict(after)
            for parameter in set(before) - set(after):
                if parameter in _CONFIG_RESETS:
                    update[parameter] = _CONFIG_RESETS[parameter]
            lam.update_function_configuration(FunctionName=physical_id, **update)
        if "ReservedConcurrentExecutions" in diff:
            if new.get("ReservedConcurrentExecutions") is None:
                lam.delete_function_concurrency(FunctionName=physical_id)
            else:
                lam.put_function_concurrency(
                    FunctionName=physical_id,
                    ReservedConcurrentExecutions=int(new["ReservedConcurrentExecutions"]),
                )
        old_tags, new_tags = self._tags(old), self._tags(new)
        if old_tags != new_tags:
            arn = self.attributes(physical_id, new, ctx)["Arn"]
            gone = sorted(set(old_tags) - set(new_tags))
            if gone:
                lam.untag_resource(Resource=arn, TagKeys=gone)
            if new_tags:
                lam.tag_resource(Resource=arn, Tags=new_tags)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("lambda").delete_function, FunctionName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": ctx.arn("lambda", f"function:{physical_id}")}


# Layer properties that pass to PublishLayerVersion unchanged.
_LAYER_SETTINGS = ("Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo")


@register
class LayerVersion(ResourceKind):
    """A layer version; versions are immutable, so every change publishes a new one."""

    type_name = "AWS::Lambda::LayerVersion"
    replace_on = None
    applies = frozenset({"LayerName", "Content", *_LAYER_SETTINGS})

    def fingerprint(self, props: dict[str, Any], ctx: Context) -> Any:
        _, built = _code(props, "Content")
        return built.sha256 if built else None

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        content, _ = _code(props, "Content")
        arguments: dict[str, Any] = {
            "LayerName": ctx.name(logical_id, props.get("LayerName"), 64),
            "Content": content,
            **pick(props, *_LAYER_SETTINGS),
        }
        return str(ctx.client("lambda").publish_layer_version(**arguments)["LayerVersionArn"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        layer_arn, _, number = physical_id.rpartition(":")
        ignore_gone(
            ctx.client("lambda").delete_layer_version,
            LayerName=layer_arn,
            VersionNumber=int(number),
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"LayerVersionArn": physical_id}


# Permission properties that pass to AddPermission unchanged.
_PERMISSION_SETTINGS = (
    "SourceArn",
    "SourceAccount",
    "EventSourceToken",
    "FunctionUrlAuthType",
    "PrincipalOrgID",
    "InvokedViaFunctionUrl",
)


@register
class Permission(ResourceKind):
    """A statement in a function's resource policy; any change replaces the statement."""

    type_name = "AWS::Lambda::Permission"
    replace_on = None
    applies = frozenset({"FunctionName", "Action", "Principal", *_PERMISSION_SETTINGS})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        statement = ctx.name(logical_id, None, 100)
        function, qualifier = _split_function(str(props["FunctionName"]))
        arguments: dict[str, Any] = {
            "FunctionName": function,
            "StatementId": statement,
            "Action": props["Action"],
            "Principal": props["Principal"],
            **pick(props, *_PERMISSION_SETTINGS),
        }
        if qualifier:
            arguments["Qualifier"] = qualifier
        ctx.client("lambda").add_permission(**arguments)
        return statement

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        function, qualifier = _split_function(str(props["FunctionName"]))
        arguments: dict[str, Any] = {"FunctionName": function, "StatementId": physical_id}
        if qualifier:
            arguments["Qualifier"] = qualifier
        ignore_gone(ctx.client("lambda").remove_permission, **arguments)


# What a mapping reads from: set at creation only, so a change replaces the mapping.
_MAPPING_SOURCE = (
    "EventSourceArn",
    "StartingPosition",
    "StartingPositionTimestamp",
    "Queues",
    "Topics",
)
# What UpdateEventSourceMapping can change in place.
_MAPPING_SETTINGS = (
    "BatchSize",
    "BisectBatchOnFunctionError",
    "DestinationConfig",
    "Enabled",
    "FilterCriteria",
    "FunctionName",
    "FunctionResponseTypes",
    "MaximumBatchingWindowInSeconds",
    "MaximumRecordAgeInSeconds",
    "MaximumRetryAttempts",
    "ParallelizationFactor",
    "ScalingConfig",
    "TumblingWindowInSeconds",
)
_MAPPING_RESETS: dict[str, Any] = {
    "FilterCriteria": {"Filters": []},
    "FunctionResponseTypes": [],
    "ScalingConfig": {},
    "Enabled": True,
}


@register
class EventSourceMapping(ResourceKind):
    type_name = "AWS::Lambda::EventSourceMapping"
    replace_on = frozenset(_MAPPING_SOURCE)
    applies = frozenset({*_MAPPING_SOURCE, *_MAPPING_SETTINGS})
    members = {
        name: ApiParameter("lambda", "CreateEventSourceMapping", name)
        for name in (*_MAPPING_SOURCE, *_MAPPING_SETTINGS)
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments = pick(props, *_MAPPING_SOURCE, *_MAPPING_SETTINGS)
        response = ctx.client("lambda").create_event_source_mapping(**arguments)
        return str(response["UUID"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        settings = pick(new, *_MAPPING_SETTINGS)
        for key in changed(old, new):
            if key not in settings and key in _MAPPING_RESETS:
                settings[key] = _MAPPING_RESETS[key]
        ctx.client("lambda").update_event_source_mapping(UUID=physical_id, **settings)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("lambda").delete_event_source_mapping, UUID=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {
            "Id": physical_id,
            "EventSourceMappingArn": ctx.arn("lambda", f"event-source-mapping:{physical_id}"),
        }


_INVOKE_SETTINGS = ("DestinationConfig", "MaximumEventAgeInSeconds", "MaximumRetryAttempts")


@register
class EventInvokeConfig(ResourceKind):
    """Asynchronous invocation settings: retries, event age and destinations."""

    type_name = "AWS::Lambda::EventInvokeConfig"
    replace_on = frozenset({"FunctionName", "Qualifier"})
    applies = frozenset({"FunctionName", "Qualifier", *_INVOKE_SETTINGS})
    members = {
        "DestinationConfig": ApiParameter(
            "lambda", "PutFunctionEventInvokeConfig", "DestinationConfig"
        )
    }

    def _put(self, props: dict[str, Any], ctx: Context) -> None:
        ctx.client("lambda").put_function_event_invoke_config(
            FunctionName=_function_name(str(props["FunctionName"])),
            Qualifier=str(props.get("Qualifier", "$LATEST")),
            **pick(props, *_INVOKE_SETTINGS),
        )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        self._put(props, ctx)
        return f"{_function_name(str(props['FunctionName']))}:{props.get('Qualifier', '$LATEST')}"

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        self._put(new, ctx)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("lambda").delete_function_event_invoke_config,
            FunctionName=_function_name(str(props["FunctionName"])),
            Qualifier=str(props.get("Qualifier", "$LATEST")),
        )


@register
class Version(ResourceKind):
    """A published function version (minimal: published once, replaced on any change)."""

    type_name = "AWS::Lambda::Version"
    replace_on = None
    applies = frozenset({"FunctionName", "Description"})
    inert = {
        "CodeSha256": "CloudFormation only compares it with the function's code before "
        "publishing; the local deployer publishes the code the function has, and any change "
        "to the property publishes a new version",
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments = {
            "FunctionName": _function_name(str(props["FunctionName"])),
            **pick(props, "Description"),
        }
        return str(ctx.client("lambda").publish_version(**arguments)["FunctionArn"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        function, version = _split_function(physical_id)
        if version:
            ignore_gone(
                ctx.client("lambda").delete_function, FunctionName=function, Qualifier=version
            )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        function, version = _split_function(physical_id)
        return {"Version": version or "$LATEST", "FunctionArn": function}


_ALIAS_SETTINGS = ("Description", "RoutingConfig")


@register
class Alias(ResourceKind):
    type_name = "AWS::Lambda::Alias"
    replace_on = frozenset({"Name", "FunctionName"})
    applies = frozenset({"Name", "FunctionName", "FunctionVersion", *_ALIAS_SETTINGS})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        response = ctx.client("lambda").create_alias(
            FunctionName=_function_name(str(props["FunctionName"])),
            Name=props["Name"],
            FunctionVersion=str(props["FunctionVersion"]),
            **pick(props, *_ALIAS_SETTINGS),
        )
        return str(response["AliasArn"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        ctx.client("lambda").update_alias(
            FunctionName=_function_name(str(new["FunctionName"])),
            Name=new["Name"],
            FunctionVersion=str(new["FunctionVersion"]),
            **pick(new, *_ALIAS_SETTINGS),
        )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("lambda").delete_alias,
            FunctionName=_function_name(str(props["FunctionName"])),
            Name=props["Name"],
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"AliasArn": physical_id, "Arn": physical_id}


def code_folder(props: dict[str, Any]) -> Path | None:
    """The local code folder of a function's resolved properties, if it has one."""
    return local_code_path(props.get("Code"))
