"""The outcome of a deploy or destroy, with a human summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from localcloud.deploy.state import ResourceRecord


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
            lines.extend(f"  {key} = {value}" for key, value in sorted(self.outputs.items()))
        return "\n".join(lines)
