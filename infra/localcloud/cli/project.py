"""The SAM project a command works on: found in the current folder as `sam` finds it.

The template is `--template`, else `template.yaml` or `template.yml` here (this repository's own
`infra/template.yaml` last). Its folder is the project's: `samconfig.toml` there (or here) gives
the stack name, parameter overrides and supplied layers of `[default.deploy.parameters]` when
the command line does not, and sample events are looked up in its `events/` folder.
"""

from __future__ import annotations

import argparse
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localcloud.cli.common import UsageError

DEFAULT_STACK = "localcloud"
TEMPLATE_NAMES = ("template.yaml", "template.yml")
# This repository's layout, kept so `make deploy` and habits keep working from its root.
FALLBACK_TEMPLATE = Path("infra/template.yaml")
SAMCONFIG = "samconfig.toml"


@dataclass(frozen=True)
class Project:
    """A template, its folder, and what samconfig.toml says about deploying it."""

    template: Path | None
    folder: Path
    deploy_parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def stack_name(self) -> str | None:
        value = self.deploy_parameters.get("stack_name")
        return str(value) if value else None

    def parameter_overrides(self) -> dict[str, str]:
        value = self.deploy_parameters.get("parameter_overrides")
        if not value:
            return {}
        items = value if isinstance(value, list) else shlex.split(str(value))
        return parse_overrides([str(item) for item in items], f"{SAMCONFIG} parameter_overrides")

    def layers(self) -> list[str]:
        value = self.deploy_parameters.get("layers")
        if not value:
            return []
        items = value if isinstance(value, list) else shlex.split(str(value))
        # Folders in samconfig.toml are relative to the project, not to where the command runs.
        result = []
        for item in items:
            arn, sep, folder = str(item).partition("=")
            result.append(f"{arn}{sep}{self.folder / folder}" if sep else str(item))
        return result

    def event_folders(self) -> list[Path]:
        """Where `invoke --event CASE` looks for events/FUNCTION/CASE.json, in order."""
        folders = [self.folder / "events", Path("events")]
        if self.folder.name == "infra":  # this repository keeps events/ beside infra/
            folders.insert(1, self.folder.parent / "events")
        return list(dict.fromkeys(folders))


def find_template(given: str | None, required: bool = True) -> Path | None:
    """The template ``--template`` names, else the one found here; UsageError when none."""
    if given:
        path = Path(given)
        if not path.is_file():
            raise UsageError(f"template {path} not found; pass --template PATH")
        return path
    for candidate in (*(Path(name) for name in TEMPLATE_NAMES), FALLBACK_TEMPLATE):
        if candidate.is_file():
            return candidate
    if required:
        raise UsageError(
            f"no template.yaml or template.yml in {Path.cwd()}; run this in a SAM project's "
            "folder or pass --template PATH"
        )
    return None


def load_project(given_template: str | None = None, required: bool = True) -> Project:
    """The project of ``--template`` (or of the current folder), with its samconfig.toml."""
    template = find_template(given_template, required)
    folder = template.parent.resolve() if template else Path.cwd()
    deploy_parameters: dict[str, Any] = {}
    for config in dict.fromkeys((folder / SAMCONFIG, Path.cwd() / SAMCONFIG)):
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text())
            except tomllib.TOMLDecodeError as exc:
                raise UsageError(f"{config} is not valid TOML ({exc}); fix it") from exc
            section = data.get("default", {}).get("deploy", {}).get("parameters", {})
            if not isinstance(section, dict):
                raise UsageError(f"{config}: [default.deploy.parameters] must be a table")
            deploy_parameters = section
            break
    return Project(template, folder, deploy_parameters)


def parse_overrides(items: list[str], where: str = "--parameter-overrides") -> dict[str, str]:
    """Parameter overrides as SAM spells them: `Key=Value` or `ParameterKey=K,ParameterValue=V`."""
    values: dict[str, str] = {}
    for item in items:
        if item.startswith("ParameterKey="):
            key_part, sep, value_part = item.partition(",ParameterValue=")
            key, value = key_part.removeprefix("ParameterKey="), value_part
        else:
            key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{where} takes Key=Value items, got {item!r}")
        values[key] = value
    return values


def stack_name(args: argparse.Namespace, project: Project | None = None) -> str:
    """--stack, else samconfig.toml's stack_name, else the default."""
    if getattr(args, "stack", None):
        return str(args.stack)
    if project is None:
        try:
            project = load_project(getattr(args, "template", None), required=False)
        except UsageError:
            return DEFAULT_STACK
    return project.stack_name or DEFAULT_STACK
