"""Secrets Manager kind: secrets with a given or generated value, which functions read at run
time (GetSecretValue, Powertools' ``parameters.get_secret``) or templates resolve through
``{{resolve:secretsmanager:...}}``.

A generated value is drawn once, by the emulator's GetRandomPassword with every option of
GenerateSecretString passed on, and kept across redeploys until GenerateSecretString changes.
"""

from __future__ import annotations

import json
from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    register,
    tag_list,
    tag_map,
)

# GenerateSecretString's options that GetRandomPassword takes under the same names.
_PASSWORD_OPTIONS = (
    "ExcludeCharacters",
    "ExcludeLowercase",
    "ExcludeNumbers",
    "ExcludePunctuation",
    "ExcludeUppercase",
    "IncludeSpace",
    "PasswordLength",
    "RequireEachIncludedType",
)


def secret_value(logical_id: str, props: dict[str, Any], ctx: Context) -> str | None:
    """The secret's string: SecretString as given, or one generated per GenerateSecretString
    (the password alone, or SecretStringTemplate with GenerateStringKey set to it)."""
    given, generate = props.get("SecretString"), props.get("GenerateSecretString")
    if given is not None and generate is not None:
        raise DeployError(
            f"{logical_id}: SecretString and GenerateSecretString cannot both be set; keep one"
        )
    if generate is None:
        return None if given is None else str(given)
    template, key = generate.get("SecretStringTemplate"), generate.get("GenerateStringKey")
    if (template is None) != (key is None):
        raise DeployError(
            f"{logical_id}: GenerateSecretString needs SecretStringTemplate and GenerateStringKey "
            "together (or neither, for a bare password); fix the template"
        )
    options = {name: generate[name] for name in _PASSWORD_OPTIONS if name in generate}
    password = str(ctx.client("secretsmanager").get_random_password(**options)["RandomPassword"])
    if template is None:
        return password
    try:
        document = json.loads(template)
    except (TypeError, ValueError) as exc:
        raise DeployError(
            f"{logical_id}: GenerateSecretString.SecretStringTemplate must be a JSON object "
            f"(got {template!r})"
        ) from exc
    if not isinstance(document, dict):
        raise DeployError(
            f"{logical_id}: GenerateSecretString.SecretStringTemplate must be a JSON object "
            f"(got {template!r})"
        )
    document[str(key)] = password
    return json.dumps(document)


@register
class Secret(ResourceKind):
    type_name = "AWS::SecretsManager::Secret"
    replace_on = frozenset({"Name"})
    applies = frozenset(
        {"Name", "Description", "SecretString", "GenerateSecretString", "KmsKeyId", "Tags"}
    )
    members = {
        "GenerateSecretString": frozenset(
            {*_PASSWORD_OPTIONS, "SecretStringTemplate", "GenerateStringKey"}
        )
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {"Name": ctx.name(logical_id, props.get("Name"), 512)}
        value = secret_value(logical_id, props, ctx)
        if value is not None:
            arguments["SecretString"] = value
        if props.get("Description"):
            arguments["Description"] = props["Description"]
        if props.get("KmsKeyId"):
            arguments["KmsKeyId"] = props["KmsKeyId"]
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        return str(ctx.client("secretsmanager").create_secret(**arguments)["ARN"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        secrets = ctx.client("secretsmanager")
        diff = changed(old, new)
        settings: dict[str, Any] = {}
        if "Description" in diff:
            settings["Description"] = new.get("Description", "")
        if "KmsKeyId" in diff and new.get("KmsKeyId"):
            settings["KmsKeyId"] = new["KmsKeyId"]
        if settings:
            secrets.update_secret(SecretId=physical_id, **settings)
        # A generated value is drawn again only when what generates it changes.
        if diff & {"SecretString", "GenerateSecretString"}:
            value = secret_value(logical_id, new, ctx)
            if value is not None:
                secrets.put_secret_value(SecretId=physical_id, SecretString=value)
        if "Tags" in diff:
            gone = sorted(set(tag_map(old.get("Tags"))) - set(tag_map(new.get("Tags"))))
            if gone:
                secrets.untag_resource(SecretId=physical_id, TagKeys=gone)
            if new.get("Tags"):
                secrets.tag_resource(SecretId=physical_id, Tags=tag_list(new["Tags"]))
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        # Without recovery, so a redeploy may create a secret of the same name at once.
        ignore_gone(
            ctx.client("secretsmanager").delete_secret,
            SecretId=physical_id,
            ForceDeleteWithoutRecovery=True,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Id": physical_id}
