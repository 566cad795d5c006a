"""SES kind: email identities (addresses and domains)."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.kinds.base import Context, ResourceKind, ignore_gone, register


@register
class EmailIdentity(ResourceKind):
    type_name = "AWS::SES::EmailIdentity"
    # Only the identity itself is applied; DKIM, feedback and MAIL FROM settings are rejected at
    # planning (they matter on AWS) unless the deploy allows unsupported properties.
    replace_on = frozenset({"EmailIdentity"})
    applies = frozenset({"EmailIdentity"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        identity = str(props["EmailIdentity"])
        ses = ctx.client("ses")
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
        return identity

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("ses").delete_identity, Identity=physical_id)
