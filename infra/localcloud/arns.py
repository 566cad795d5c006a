"""ARNs: parsed in one place, with no moto and no I/O.

``arn:partition:service:region:account:resource``; the resource keeps its own separators
(``function:name``, ``event-bus/name``, a queue name).
"""

from __future__ import annotations

from typing import NamedTuple

# The account every local resource lives in (moto's default account).
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


class Arn(NamedTuple):
    service: str
    region: str
    account: str
    resource: str

    @property
    def name(self) -> str:
        """The resource's name: after the last ``:`` or ``/`` of the resource part."""
        return self.resource.replace("/", ":").rsplit(":", 1)[-1]


def parse_arn(arn: str) -> Arn:
    """The parts of an ARN; ValueError when ``arn`` is not one."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    return Arn(parts[2], parts[3], parts[4], parts[5])


def service_of(arn: str) -> str:
    """The service an ARN names (``sqs``, ``lambda``...), or ``""`` when it is not an ARN."""
    parts = arn.split(":", 3)
    return parts[2] if len(parts) > 3 and parts[0] == "arn" else ""


def function_name(name_or_arn: str) -> str:
    """A Lambda function's name from its name or (possibly qualified) ARN."""
    if not name_or_arn.startswith("arn:"):
        return name_or_arn
    parts = name_or_arn.split(":")
    return parts[6] if len(parts) > 6 else name_or_arn
