"""Exports the JSON Schemas of the domain events to ``events/schemas/<Name>.json``.

Run ``python -m shared.schemas`` from ``functions/`` after changing a contract (``--check`` only
compares); a unit test fails while the committed schemas differ from the models.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shared.contracts import USER_EVENT_MODELS

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "events" / "schemas"


def schemas() -> dict[str, dict[str, Any]]:
    """Every event's JSON Schema, keyed by event name."""
    return {model.__name__: model.model_json_schema() for model in USER_EVENT_MODELS}


def render(schema: dict[str, Any]) -> str:
    """The committed text of one schema: stable key order, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def stale(directory: Path) -> list[str]:
    """Names whose file in ``directory`` is missing or differs from the model."""
    return [
        name
        for name, schema in schemas().items()
        if not (directory / f"{name}.json").is_file()
        or (directory / f"{name}.json").read_text() != render(schema)
    ]


def write(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = directory / f"{name}.json"
        path.write_text(render(schema))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: write the schemas, or with ``--check`` report stale ones and exit 1."""
    parser = argparse.ArgumentParser(prog="python -m shared.schemas", description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="output folder")
    parser.add_argument("--check", action="store_true", help="only compare, exit 1 if stale")
    args = parser.parse_args(argv)
    if args.check:
        outdated = stale(args.dir)
        for name in outdated:
            print(f"{args.dir / name}.json is out of date; run python -m shared.schemas")
        return 1 if outdated else 0
    for path in write(args.dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
