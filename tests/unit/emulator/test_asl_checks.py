"""The definition checks Step Functions makes at CreateStateMachine and moto's parser does not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.emulator.asl import definition_problems


def problems(document: Any) -> list[str]:
    return definition_problems(json.dumps(document))


def test_a_valid_definition_with_every_kind_of_transition_has_no_problem() -> None:
    document = {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
                "Next": "Route",
            },
            "Route": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Fan"}],
                "Default": "Failed",
            },
            "Fan": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}],
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Succeed"}}},
                "End": True,
            },
            "Failed": {"Type": "Fail"},
        },
    }

    assert problems(document) == []


def test_text_that_is_not_json_is_an_invalid_json_description() -> None:
    found = definition_problems("{StartAt: A}")

    assert len(found) == 1 and found[0].startswith("INVALID_JSON_DESCRIPTION: ")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"Type": "Pass", "Next": "Nowhere"}, "Missing 'Next' target: Nowhere at /States/A/Next"),
        (
            {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Gone"}]},
            "Missing 'Next' target: Gone at /States/A/Choices/0/Next",
        ),
        (
            {"Type": "Task", "Resource": "r", "End": True, "Catch": [{"Next": "Gone"}]},
            "Missing 'Next' target: Gone at /States/A/Catch/0/Next",
        ),
        ({"Type": "Pass"}, "The field 'Next' or 'End' is required at /States/A"),
        ({"Type": "Task", "End": True}, "The field 'Resource' is required at /States/A"),
        ({"Type": "Paas", "End": True}, "(got 'Paas') at /States/A"),
    ],
)
def test_each_broken_state_is_named_with_its_path(state: dict[str, Any], expected: str) -> None:
    found = problems({"StartAt": "A", "States": {"A": state}})

    assert any(expected in problem for problem in found), found


def test_problems_inside_a_parallel_branch_carry_the_branch_path() -> None:
    document = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "X", "States": {"Y": {"Type": "Succeed"}}}],
                "End": True,
            }
        },
    }

    assert problems(document) == [
        "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: X at /States/Fan/Branches/0/StartAt"
    ]


def test_a_machine_without_states_is_refused() -> None:
    assert problems({"StartAt": "A", "States": {}}) == [
        "SCHEMA_VALIDATION_FAILED: The field 'States' must be a non-empty object at /"
    ]
