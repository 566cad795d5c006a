"""Checks of an Amazon States Language definition that moto's parser does not make.

moto's interpreter parses a definition's grammar at CreateStateMachine, but takes a ``StartAt``
or ``Next`` that names no state, a state with neither ``Next`` nor ``End`` and a Task without a
``Resource``, and fails only when an execution gets there. Step Functions refuses them at once
(``InvalidDefinition``, with a code such as ``MISSING_TRANSITION_TARGET`` and the JSON path of
the field); so does ``definition_problems``. Pure: no moto here.
"""

from __future__ import annotations

import json
from typing import Any

STATE_TYPES = frozenset({"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"})
# States that end a branch by themselves (no Next, no End).
TERMINAL_TYPES = frozenset({"Succeed", "Fail", "Choice"})


def definition_problems(text: str) -> list[str]:
    """What Step Functions would refuse in ``text``, each as ``CODE: what, at /path``."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        return [f"INVALID_JSON_DESCRIPTION: {exc}"]
    problems: list[str] = []
    _machine(document, "", problems)
    return problems


def _machine(document: Any, path: str, problems: list[str]) -> None:
    if not isinstance(document, dict):
        problems.append(f"SCHEMA_VALIDATION_FAILED: a state machine must be an object at {path}/")
        return
    states = document.get("States")
    start = document.get("StartAt")
    if not isinstance(start, str):
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required at {path}/")
    if not isinstance(states, dict) or not states:
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: The field 'States' must be a non-empty object at {path}/"
        )
        return
    if isinstance(start, str) and start not in states:
        problems.append(
            f"MISSING_TRANSITION_TARGET: Missing 'StartAt' target: {start} at {path}/StartAt"
        )
    for name, state in states.items():
        _state(name, state, set(states), f"{path}/States/{name}", problems)


def _state(name: str, state: Any, names: set[str], path: str, problems: list[str]) -> None:
    if not isinstance(state, dict):
        problems.append(f"SCHEMA_VALIDATION_FAILED: state {name} must be an object at {path}")
        return
    kind = state.get("Type")
    if kind not in STATE_TYPES:
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: The value of the field 'Type' must be one of "
            f"{', '.join(sorted(STATE_TYPES))} (got {kind!r}) at {path}"
        )
        return
    targets = [(f"{path}/Next", state.get("Next"))]
    if kind == "Choice":
        choices = state.get("Choices")
        if not isinstance(choices, list) or not choices:
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: The field 'Choices' must be a non-empty array at {path}"
            )
            choices = []
        for index, choice in enumerate(choices):
            if isinstance(choice, dict):
                targets.append((f"{path}/Choices/{index}/Next", choice.get("Next")))
        targets.append((f"{path}/Default", state.get("Default")))
    for index, catcher in enumerate(state.get("Catch") or []):
        if isinstance(catcher, dict):
            targets.append((f"{path}/Catch/{index}/Next", catcher.get("Next")))
    for where, target in targets:
        if target is not None and target not in names:
            field = where.rsplit("/", 1)[-1]
            problems.append(
                f"MISSING_TRANSITION_TARGET: Missing '{field}' target: {target} at {where}"
            )
    if kind not in TERMINAL_TYPES and state.get("Next") is None and state.get("End") is not True:
        problems.append(
            f"SCHEMA_VALIDATION_FAILED: The field 'Next' or 'End' is required at {path}"
        )
    if kind == "Task" and not state.get("Resource"):
        problems.append(f"SCHEMA_VALIDATION_FAILED: The field 'Resource' is required at {path}")
    if kind == "Parallel":
        branches = state.get("Branches")
        if not isinstance(branches, list) or not branches:
            problems.append(
                "SCHEMA_VALIDATION_FAILED: The field 'Branches' must be a non-empty array "
                f"at {path}"
            )
            branches = []
        for index, branch in enumerate(branches):
            _machine(branch, f"{path}/Branches/{index}", problems)
    if kind == "Map":
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if processor is None:
            problems.append(
                f"SCHEMA_VALIDATION_FAILED: The field 'ItemProcessor' is required at {path}"
            )
        else:
            field = "ItemProcessor" if "ItemProcessor" in state else "Iterator"
            _machine(processor, f"{path}/{field}", problems)
