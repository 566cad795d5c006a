"""Dynamic references: ``{{resolve:ssm:...}}``, ``{{resolve:ssm-secure:...}}`` and
``{{resolve:secretsmanager:...}}`` inside a resource's property strings, replaced by the value
they name when the resource is applied (after the intrinsics are resolved).

The parsing is pure: values come from a ``Source`` the engine backs with the emulator's SSM and
Secrets Manager, so unit tests pass a fake.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from botocore.exceptions import ClientError

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import Context

_REFERENCE = re.compile(r"\{\{resolve:([A-Za-z-]+):([^{}]*)\}\}")
# The segments of a Secrets Manager ARN (arn:partition:secretsmanager:region:account:secret:name).
_ARN_SEGMENTS = 7


class Source(Protocol):
    """Where dynamic references read their values."""

    def parameter(self, name: str, version: str | None, decrypt: bool) -> str:
        """An SSM parameter's value (the latest, or ``version``)."""
        ...

    def secret(self, secret_id: str, stage: str | None, version_id: str | None) -> str:
        """A secret's SecretString (AWSCURRENT, or the given stage or version)."""
        ...


def has_references(value: Any) -> bool:
    """Whether ``value`` holds a dynamic reference anywhere."""
    if isinstance(value, str):
        return _REFERENCE.search(value) is not None
    if isinstance(value, dict):
        return any(has_references(item) for item in value.values())
    if isinstance(value, list):
        return any(has_references(item) for item in value)
    return False


def resolve_references(value: Any, source: Source, where: str) -> Any:
    """``value`` with every dynamic reference in its strings replaced by its value."""
    if isinstance(value, str):
        return _REFERENCE.sub(lambda match: _value(match, source, where), value)
    if isinstance(value, dict):
        return {key: resolve_references(item, source, where) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_references(item, source, where) for item in value]
    return value


def _value(match: re.Match[str], source: Source, where: str) -> str:
    service, reference = match.group(1), match.group(2)
    if service in ("ssm", "ssm-secure"):
        name, version = _ssm_parts(reference)
        if not name:
            raise DeployError(f"{where}: {match.group(0)} names no parameter")
        return source.parameter(name, version, decrypt=service == "ssm-secure")
    if service == "secretsmanager":
        return _secret_value(match.group(0), reference, source, where)
    raise DeployError(
        f"{where}: {match.group(0)} uses the dynamic reference service {service!r}; the deployer "
        "resolves ssm, ssm-secure and secretsmanager"
    )


def _ssm_parts(reference: str) -> tuple[str, str | None]:
    name, _, version = reference.rpartition(":")
    if name and version.isdigit():
        return name, version
    return reference, None


def _secret_value(text: str, reference: str, source: Source, where: str) -> str:
    segments = reference.split(":")
    count = _ARN_SEGMENTS if reference.startswith("arn:") else 1
    secret_id, rest = ":".join(segments[:count]), segments[count:]
    if not secret_id or len(rest) > 4:
        raise DeployError(
            f"{where}: {text} is not of the form "
            "{{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:version-id}}"
        )
    field, key, stage, version_id = [*rest, "", "", "", ""][:4]
    if field not in ("", "SecretString"):
        raise DeployError(f"{where}: {text}: only SecretString can be referenced (got {field!r})")
    if stage and version_id:
        raise DeployError(f"{where}: {text}: give a version stage or a version id, not both")
    secret = source.secret(secret_id, stage or None, version_id or None)
    if not key:
        return secret
    try:
        document = json.loads(secret)
    except ValueError as exc:
        raise DeployError(
            f"{where}: {text} asks for the JSON key {key!r}, but secret {secret_id!r} is not JSON"
        ) from exc
    if not isinstance(document, dict) or key not in document:
        raise DeployError(f"{where}: {text}: secret {secret_id!r} has no JSON key {key!r}")
    item = document[key]
    return item if isinstance(item, str) else json.dumps(item)


class ClientSource:
    """Values read from the endpoint the stack is deployed to."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def parameter(self, name: str, version: str | None, decrypt: bool) -> str:
        try:
            answer = self._ctx.client("ssm").get_parameter(
                Name=f"{name}:{version}" if version else name, WithDecryption=decrypt
            )
        except ClientError as exc:
            raise DeployError(
                f"dynamic reference to SSM parameter {name!r}"
                f"{f' version {version}' if version else ''} failed: {_cause(exc)}; "
                "create the parameter first"
            ) from exc
        return str(answer["Parameter"]["Value"])

    def secret(self, secret_id: str, stage: str | None, version_id: str | None) -> str:
        arguments = {"SecretId": secret_id}
        if stage:
            arguments["VersionStage"] = stage
        if version_id:
            arguments["VersionId"] = version_id
        try:
            answer = self._ctx.client("secretsmanager").get_secret_value(**arguments)
        except ClientError as exc:
            raise DeployError(
                f"dynamic reference to secret {secret_id!r} failed: {_cause(exc)}; create the "
                "secret first (a secret of the same stack: make the resource DependsOn it)"
            ) from exc
        if "SecretString" not in answer:
            raise DeployError(f"secret {secret_id!r} holds binary data, not a SecretString")
        return str(answer["SecretString"])


def _cause(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
