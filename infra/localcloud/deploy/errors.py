"""Errors the deployer raises: every one derives from DeployError, itself a LocalCloudError.

Messages name the resource and the cause and say what to do about it.
"""

from __future__ import annotations

from typing import NamedTuple

from localcloud.errors import LocalCloudError


class DeployError(LocalCloudError):
    """Base of every deployer error."""


class TemplateError(DeployError):
    """The template cannot be deployed as written: bad YAML, bad shape, bad intrinsic, bad Ref."""


class UnsupportedResourceError(TemplateError):
    """A resource type the deployer has no kind for; raised before anything is applied."""

    def __init__(
        self, logical_id: str, resource_type: str, supported: list[str], why: str | None = None
    ) -> None:
        self.logical_id = logical_id
        self.resource_type = resource_type
        if why is not None:
            super().__init__(
                f"resource {logical_id!r} has type {resource_type!r}, which the deployer "
                f"refuses: {why}; nothing was applied"
            )
            return
        super().__init__(
            f"resource {logical_id!r} has type {resource_type!r}, which the deployer does not "
            f"support; nothing was applied. Supported types: {', '.join(sorted(supported))}"
        )


class UnsupportedProperty(NamedTuple):
    """A template property no deploy kind applies."""

    logical_id: str
    resource_type: str
    name: str

    def warning(self) -> str:
        """The line a deploy that allows unsupported properties warns with."""
        return (
            f"resource {self.logical_id!r} ({self.resource_type}): property {self.name!r} is "
            "not applied by the deployer; deployed without it"
        )


class UnsupportedPropertyError(TemplateError):
    """Template properties no deploy kind applies, all of them at once; raised while planning,
    before anything is applied."""

    def __init__(self, properties: list[UnsupportedProperty]) -> None:
        self.properties = properties
        listing = "\n".join(f"  {p.logical_id} ({p.resource_type}): {p.name}" for p in properties)
        count = f"{len(properties)} template propert{'y is' if len(properties) == 1 else 'ies are'}"
        super().__init__(
            f"{count} not applied by the deployer; nothing was applied:\n{listing}\n"
            "Remove them from the template, or deploy anyway without them with "
            "`localcloud deploy --allow-unsupported` (deploy(..., allow_unsupported=True)), "
            "which warns about each one instead."
        )


class CodeNotFoundError(DeployError):
    """A function's or layer's CodeUri/ContentUri folder does not exist."""


class EndpointUnreachableError(DeployError):
    """Nothing answers at the endpoint URL."""

    def __init__(self, endpoint_url: str) -> None:
        self.endpoint_url = endpoint_url
        super().__init__(
            f"cannot reach the endpoint {endpoint_url}: is the local cloud running? "
            "start it with `localcloud up`"
        )


class PartialDeployError(DeployError):
    """A resource failed mid-apply; what was applied is recorded so the next deploy resumes."""

    def __init__(
        self,
        stack: str,
        applied: list[str],
        failed: str,
        cause: str,
        not_attempted: list[str],
    ) -> None:
        self.stack = stack
        self.applied = applied
        self.failed = failed
        self.cause = cause
        self.not_attempted = not_attempted
        super().__init__(
            f"stack {stack!r} was partly deployed: resource {failed!r} failed: {cause}\n"
            f"  applied: {', '.join(applied) or '(none)'}\n"
            f"  failed: {failed}\n"
            f"  not attempted: {', '.join(not_attempted) or '(none)'}\n"
            "The applied part is saved in the stack state; fix the cause and deploy again "
            "to resume."
        )


class UnknownFunctionError(DeployError):
    """No deployed function answers to a name; the message lists the deployed ones."""

    def __init__(self, name: str, deployed: list[str]) -> None:
        self.name = name
        self.deployed = deployed
        listing = "\n  ".join(sorted(deployed)) or "(none: deploy first with `localcloud deploy`)"
        super().__init__(f"unknown function {name!r}. Deployed functions:\n  {listing}")
