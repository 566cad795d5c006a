"""The base of every resource kind, the context kinds work in, and the registry keyed by type.

A kind holds the policy for one CloudFormation type in four hooks: ``create`` returns the physical
id, ``update`` changes a resource in place, ``delete`` removes it, ``attributes`` gives its
Fn::GetAtt values. The engine owns ordering, hashing, replacement and state.

Each kind also declares, as data, the properties its hooks apply (``applies``, with ``members``
saying what inside a property is applied) and those it takes on purpose without applying
(``inert``, each with the reason); planning rejects every other property, so nothing in a
template is dropped without a word.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from botocore.exceptions import ClientError

from localcloud.clients import client
from localcloud.deploy.kinds.coerce import CoercingClient
from localcloud.deploy.kinds.members import Members, stray_members


@dataclass(frozen=True)
class Context:
    """Where and for which stack kinds apply resources."""

    endpoint_url: str
    region: str
    account_id: str
    stack: str
    partition: str = "aws"

    def client(self, service: str) -> Any:
        return CoercingClient(client(service, self.endpoint_url, self.region))

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account_id if account else ''}:{resource}"
        )

    def name(
        self,
        logical_id: str,
        given: Any,
        limit: int,
        suffix: str = "",
        lower: bool = False,
    ) -> str:
        """The resource's own name if given, else `{stack}-{LogicalId}` cut to ``limit``."""
        if given:
            return str(given)
        base = f"{self.stack}-{logical_id}"
        if lower:
            base = base.lower()
        room = limit - len(suffix)
        if len(base) > room:
            digest = hashlib.sha256(base.encode()).hexdigest()[:8]
            base = f"{base[: room - 9]}-{digest}"
        return base + suffix


class ResourceKind:
    """Base of the resource kinds; subclasses set ``type_name`` and implement the hooks."""

    type_name: ClassVar[str]
    # Properties whose change needs a new resource; None means every change does.
    replace_on: ClassVar[frozenset[str] | None] = frozenset()
    # The properties create/update pass on to the endpoint; planning rejects any other, so a kind
    # that declares nothing takes no property at all.
    applies: ClassVar[frozenset[str]] = frozenset()
    # Properties taken without being applied because applying them would change nothing locally:
    # property -> why. A property that matters on AWS but is not applied does not belong here.
    inert: ClassVar[Mapping[str, str]] = {}
    # What the kind applies inside an applied property, where the value has keys of its own: an
    # API parameter it is passed to whole (its botocore shape's members), or the keys picked.
    members: ClassVar[Mapping[str, Members]] = {}

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        """The properties (and keys inside them, as ``Name.Key``) in ``props`` this kind neither
        applies nor declares inert, sorted."""
        stray = set(props) - self.applies - set(self.inert)
        for name, members in self.members.items():
            if name in props:
                stray.update(stray_members(name, props[name], members))
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        """Create the resource; return its physical id (the value of Ref)."""
        raise NotImplementedError

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        """Change the resource in place from ``old`` to ``new``; return its physical id."""
        raise NotImplementedError

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        """Delete the resource; a resource that is already gone is not an error."""
        raise NotImplementedError

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """The Fn::GetAtt values (``Arn`` when the resource has one)."""
        return {}

    def fingerprint(self, props: dict[str, Any], ctx: Context) -> Any:
        """Extra input to the change hash beyond the properties (e.g. a code digest)."""
        return None


class AttachedPolicy(ResourceKind):
    """A policy document a template sets on a list of resources (SNS topics, SQS queues).

    Every listed resource gets the same document; one that leaves the list, or every one when
    the policy is deleted, gets its default back. Subclasses name the list and say how a policy
    is set and reset on one resource.
    """

    targets: ClassVar[str]

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        self.update(logical_id, "", {}, props, ctx)
        return ctx.name(logical_id, None, 128)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        for target in set(old.get(self.targets) or []) - set(new.get(self.targets) or []):
            self.reset(target, ctx)
        for target in new.get(self.targets) or []:
            self.apply(target, policy_json(new["PolicyDocument"]), ctx)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        for target in props.get(self.targets) or []:
            self.reset(target, ctx)

    def apply(self, target: str, policy: str, ctx: Context) -> None:
        """Set the policy (JSON) on one resource."""
        raise NotImplementedError

    def reset(self, target: str, ctx: Context) -> None:
        """Give one resource its default policy back; one already gone is not an error."""
        raise NotImplementedError


KINDS: dict[str, ResourceKind] = {}


def register[K: type[ResourceKind]](cls: K) -> K:
    """Class decorator adding a kind to the registry under its CloudFormation type."""
    KINDS[cls.type_name] = cls()
    return cls


def is_gone(exc: ClientError) -> bool:
    """Whether an AWS error says the resource does not exist."""
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return any(
        marker in code for marker in ("NotFound", "NoSuch", "NonExistent", "DoesNotExist", "404")
    )


def ignore_gone(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Call an AWS API, treating "does not exist" as success (deletes are idempotent)."""
    try:
        return call(*args, **kwargs)
    except ClientError as exc:
        if not is_gone(exc):
            raise
        return None


def as_json(value: Any) -> str:
    """A policy-like property as the JSON string the AWS APIs expect."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def attribute_values(props: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The properties ``names`` as the string attributes SNS and SQS take: booleans in lower
    case, documents as JSON, unset ones left out."""

    def text(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            return as_json(value)
        return str(value)

    return {name: text(props[name]) for name in names if props.get(name) is not None}


def policy_json(document: Any) -> str:
    """A policy document as JSON, with the current Version when the template leaves it out.

    SAM's policy templates emit documents without a Version; AWS defaults those, while some
    endpoints (moto) reject them.
    """
    if isinstance(document, dict) and "Statement" in document and "Version" not in document:
        document = {"Version": "2012-10-17", **document}
    return as_json(document)


def tag_list(tags: Any) -> list[dict[str, str]]:
    """CloudFormation tags (a list of Key/Value or a mapping) as a Key/Value list."""
    if isinstance(tags, dict):
        return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()]
    return [{"Key": str(t["Key"]), "Value": str(t["Value"])} for t in tags or []]


def tag_map(tags: Any) -> dict[str, str]:
    """CloudFormation tags as a mapping."""
    return {t["Key"]: t["Value"] for t in tag_list(tags)}


def pick(props: dict[str, Any], *names: str) -> dict[str, Any]:
    """The given properties that are set."""
    return {name: props[name] for name in names if props.get(name) is not None}


def changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Names of properties that differ between ``old`` and ``new``."""
    return {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
