"""Helpers for the deployer's integration tests: template copies, unique stacks, AWS clients."""

from __future__ import annotations

import itertools
import shutil
import socket
from pathlib import Path
from typing import Any

from localcloud.clients import client

TEMPLATES = Path(__file__).parent / "templates"
EVERY_KIND = TEMPLATES / "every_kind"
_counter = itertools.count(1)


def unique_stack(prefix: str) -> str:
    """A stack name no other test uses in this run (resource names derive from it)."""
    return f"{prefix}{next(_counter)}"


def aws(service: str, endpoint_url: str) -> Any:
    return client(service, endpoint_url, "us-east-1")


def copy_every_kind(destination: Path) -> Path:
    """A private copy of the every-kind template folder; returns the template path."""
    shutil.copytree(EVERY_KIND, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return destination / "template.yaml"


def remove_block(template: Path) -> None:
    """Drop the lines between `# BEGIN removable` and `# END removable` from a template."""
    lines = template.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "BEGIN removable" in line)
    end = next(i for i, line in enumerate(lines) if "END removable" in line)
    template.write_text("".join(lines[:start] + lines[end + 1 :]))


def write_template(folder: Path, text: str, functions: tuple[str, ...] = ()) -> Path:
    """Write ``text`` as folder/template.yaml, with a tiny code folder per name in ``functions``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in functions:
        (folder / name).mkdir(exist_ok=True)
        (folder / name / "app.py").write_text("def handler(event, context):\n    return event\n")
    path = folder / "template.yaml"
    path.write_text(text)
    return path


def closed_port_url() -> str:
    """The URL of a local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
