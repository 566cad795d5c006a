"""Parameters against an operation's model: a wrong JSON type is a SerializationException, a
broken constraint a ValidationException worded as AWS's JSON services word it."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.gateway import constraints, model
from localcloud.gateway.errors import ConstraintError, SerializationError


def shape(service: str, operation: str) -> Any:
    found = model.operation(service, operation)
    assert found is not None
    return found.input_shape


def violation(service: str, operation: str, params: Any) -> str:
    with pytest.raises(ConstraintError) as caught:
        constraints.check(shape(service, operation), params)
    return str(caught.value)


def test_conforming_parameters_pass() -> None:
    constraints.check(shape("events", "PutRule"), {"Name": "ok.name-1", "State": "ENABLED"})


def test_a_pattern_violation_quotes_the_value_the_member_and_the_pattern() -> None:
    assert violation("events", "PutRule", {"Name": "bad name!"}) == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
    )


def test_every_violation_is_reported_in_one_message() -> None:
    message = violation("events", "PutRule", {"Name": "", "State": "ON"})
    assert message.startswith("3 validation errors detected: ")
    assert message.count("; ") == 2
    assert "Member must have length greater than or equal to 1" in message
    assert "Member must satisfy enum value set: [ENABLED, DISABLED" in message


def test_a_missing_required_member_is_null() -> None:
    assert violation("events", "PutRule", {}) == (
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_list_items_are_named_by_their_1_based_position() -> None:
    target = {"Id": "ok", "Arn": "arn:aws:sqs:us-east-1:0:q"}
    message = violation(
        "events", "PutTargets", {"Rule": "r", "Targets": [target, {**target, "Id": "no good"}]}
    )
    assert "Value 'no good' at 'targets.2.member.id'" in message


def test_a_null_list_item_is_a_violation() -> None:
    message = violation("events", "PutEvents", {"Entries": [None]})
    assert "Value null at 'entries.1.member'" in message


def test_numbers_report_their_range() -> None:
    message = violation(
        "lambda",
        "CreateFunction",
        {"FunctionName": "f", "Role": "arn:aws:iam::123456789012:role/r", "Timeout": 0},
    )
    assert (
        "Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    ) in message


def test_a_sensitive_value_is_not_quoted() -> None:
    params = {
        "FunctionName": "f",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Environment": {"Variables": {"1bad": "secret"}},
    }
    message = violation("lambda", "CreateFunction", params)
    assert "Value at 'environment.variables' failed to satisfy constraint: Map keys must" in message
    assert "secret" not in message


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"Entries": "e"}, "STRING_VALUE can not be converted to a list"),
        ({"Entries": [1]}, "NUMBER_VALUE can not be converted to a structure"),
        ({"Entries": [{"Source": ["a"]}]}, "Start of list found where not expected"),
        (
            {"Entries": [{"Source": {"a": 1}}]},
            "Start of structure or map found where not expected.",
        ),
        ({"Entries": [{"Source": True}]}, "BOOLEAN_VALUE can not be converted to String"),
    ],
)
def test_a_value_of_the_wrong_json_type_cannot_be_read(params: Any, complaint: str) -> None:
    with pytest.raises(SerializationError, match=complaint):
        constraints.check(shape("events", "PutEvents"), params)


def test_types_only_skips_the_constraints() -> None:
    constraints.check(shape("events", "PutRule"), {"Name": "bad name!"}, types_only=True)
    with pytest.raises(SerializationError):
        constraints.check(shape("events", "PutRule"), {"Name": 1}, types_only=True)


def test_members_the_model_does_not_know_are_ignored() -> None:
    constraints.check(shape("events", "PutRule"), {"Name": "r", "Colour": ["any", "thing"]})


LAMBDA_FUNCTION = {
    "FunctionName": "f",
    "Role": "arn:aws:iam::123456789012:role/r",
    "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="},
}


def test_a_list_of_scalars_breaking_its_member_is_one_violation_of_the_list() -> None:
    message = violation("lambda", "CreateFunction", {**LAMBDA_FUNCTION, "Architectures": ["foo"]})
    assert message == (
        "1 validation error detected: Value '[foo]' at 'architectures' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
        "[x86_64, arm64], Member must not be null]"
    )


def test_a_documented_constraint_wins_over_botocores_model() -> None:
    message = violation(
        "lambda", "CreateFunction", {**LAMBDA_FUNCTION, "EphemeralStorage": {"Size": 10241}}
    )
    assert message.endswith("Member must have value less than or equal to 10240")
    constraints.check(
        shape("lambda", "CreateFunction"), {**LAMBDA_FUNCTION, "EphemeralStorage": {"Size": 10240}}
    )
