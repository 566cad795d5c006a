"""The outcome of a deploy or destroy, with a human summary."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from localcloud.deploy.state import ResourceRecord

# An API's URL on AWS: https://{api id}.execute-api.{region}.amazonaws.com[/{stage}][/{path}]
_EXECUTE_API = re.compile(
    r"^https://(?P<api>[a-z0-9]+)\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?P<rest>/.*)?$"
)

# A function URL on AWS: https://{url id}.lambda-url.{region}.on.aws/[{path}]
_LAMBDA_URL = re.compile(
    r"^https://(?P<url>[a-z0-9]+)\.lambda-url\.[a-z0-9-]+\.on\.aws(?P<rest>/.*)?$"
)


def local_url(value: str, endpoint_url: str) -> str | None:
    """The local cloud's URL for an API URL or a function URL on AWS (an output), or None."""
    found = _EXECUTE_API.match(value.strip())
    if found is None:
        url = _LAMBDA_URL.match(value.strip())
        if url is None:
            return None
        return f"{endpoint_url.rstrip('/')}/_aws/lambda-url/{url['url']}{url['rest'] or '/'}"
    return f"{endpoint_url.rstrip('/')}/_aws/execute-api/{found['api']}{found['rest'] or ''}"


@dataclass
class DeployReport:
    """What a deploy or destroy did to a stack."""

    stack: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)
    resources: dict[str, ResourceRecord] = field(default_factory=dict)
    # One line per template property deployed without being applied (--allow-unsupported).
    warnings: list[str] = field(default_factory=list)
    # Outputs that are API URLs on AWS: the same API's URL on the local cloud.
    local_urls: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        """Human text: what was created, updated and removed (or "no changes"), and the outputs."""
        lines = [f"stack {self.stack}:"]
        if not self.changed:
            lines.append(f"  no changes ({len(self.unchanged)} resources up to date)")
        for verb, names in (
            ("created", self.created),
            ("updated", self.updated),
            ("removed", self.removed),
        ):
            for name in names:
                record = self.resources.get(name)
                kind = f" ({record.type})" if record else ""
                lines.append(f"  {verb:8} {name}{kind}")
        if self.changed and self.unchanged:
            lines.append(f"  unchanged {len(self.unchanged)} resources")
        if self.outputs:
            lines.append("outputs:")
            for key, value in sorted(self.outputs.items()):
                lines.append(f"  {key} = {value}")
                if key in self.local_urls:
                    lines.append(f"  {' ' * len(key)}   local: {self.local_urls[key]}")
        return "\n".join(lines)
