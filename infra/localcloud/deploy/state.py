"""Stack state: what a deploy created, kept at the endpoint so every client deploying there sees it.

The state is JSON in the S3 bucket `localcloud-stacks`, key `<stack>.json`: for each logical id its
type, physical id, ARN, attributes (for GetAtt) and a hash of its resolved properties.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from localcloud.clients import client

STATE_BUCKET = "localcloud-stacks"
STATE_VERSION = 1


def properties_hash(properties: Any) -> str:
    """A stable digest of resolved properties (key order does not matter)."""
    text = json.dumps(properties, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class ResourceRecord:
    """One deployed resource. Readable as a mapping too (`record["physical_id"]`)."""

    type: str
    physical_id: str
    arn: str | None = None
    properties_hash: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    depends_on: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Any:
        return asdict(self)[key]

    def get(self, key: str, default: Any = None) -> Any:
        return asdict(self).get(key, default)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceRecord:
        return cls(
            type=data["type"],
            physical_id=data["physical_id"],
            arn=data.get("arn"),
            properties_hash=data.get("properties_hash", ""),
            properties=data.get("properties", {}),
            attributes=data.get("attributes", {}),
            depends_on=list(data.get("depends_on", [])),
        )


@dataclass
class StackState:
    """The resources and outputs of one stack at one endpoint."""

    stack: str
    resources: dict[str, ResourceRecord] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "stack": self.stack,
            "resources": {lid: record.to_json() for lid, record in self.resources.items()},
            "outputs": self.outputs,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StackState:
        return cls(
            stack=data["stack"],
            resources={
                lid: ResourceRecord.from_json(record)
                for lid, record in data.get("resources", {}).items()
            },
            outputs=dict(data.get("outputs", {})),
        )

    def function(self, name: str) -> str | None:
        """The physical name of the stack's function called ``name``, or None.

        ``name`` is a logical id (``WelcomeEmailFunction``) or the code folder's name
        (``welcome_email``), which by convention is the logical id in PascalCase, with or without
        a ``Function`` suffix.
        """
        for logical in (name, _pascal(name), _pascal(name) + "Function"):
            record = self.resources.get(logical)
            if record is not None and record.type == "AWS::Lambda::Function":
                return str(record.physical_id)
        return None


def _pascal(name: str) -> str:
    """``welcome_email`` or ``welcome-email`` as ``WelcomeEmail``."""
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def _key(stack: str) -> str:
    return f"{stack}.json"


def read_state(endpoint_url: str, stack: str, region: str) -> StackState | None:
    """The saved state of ``stack``, or None if it was never deployed (or was destroyed)."""
    s3 = client("s3", endpoint_url, region)
    try:
        body = s3.get_object(Bucket=STATE_BUCKET, Key=_key(stack))["Body"].read()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "NoSuchBucket", "404"}:
            return None
        raise
    return StackState.from_json(json.loads(body))


def write_state(endpoint_url: str, state: StackState, region: str) -> None:
    """Save ``state`` at the endpoint, creating the state bucket on first use."""
    s3 = client("s3", endpoint_url, region)
    try:
        s3.head_bucket(Bucket=STATE_BUCKET)
    except ClientError:
        arguments: dict[str, Any] = {"Bucket": STATE_BUCKET}
        if region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**arguments)
    s3.put_object(
        Bucket=STATE_BUCKET,
        Key=_key(state.stack),
        Body=json.dumps(state.to_json(), indent=1, sort_keys=True).encode(),
        ContentType="application/json",
    )


def delete_state(endpoint_url: str, stack: str, region: str) -> None:
    """Forget ``stack`` at the endpoint."""
    s3 = client("s3", endpoint_url, region)
    try:
        s3.delete_object(Bucket=STATE_BUCKET, Key=_key(stack))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
