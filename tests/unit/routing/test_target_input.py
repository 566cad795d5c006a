"""EventBridge target input: the event, Input, InputPath and InputTransformer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.routing import InvalidInputError, render_target_input, validate_target_input

EVENT: dict[str, Any] = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING", "count": 3, "tags": ["a", "b"]},
}
RULE_ARN = "arn:aws:events:us-east-1:123456789012:rule/my-rule"


def transformer(template: str, **paths: str) -> dict[str, Any]:
    return {"Id": "t1", "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}


def render(target: dict[str, Any]) -> str:
    validate_target_input(target)
    return render_target_input(target, EVENT, rule_arn=RULE_ARN, rule_name="my-rule")


def test_without_input_settings_the_target_gets_the_event() -> None:
    assert json.loads(render({"Id": "t1"})) == EVENT


def test_input_is_delivered_verbatim() -> None:
    assert render({"Id": "t1", "Input": '{"fixed":  true}'}) == '{"fixed":  true}'


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", EVENT),
        ("$.detail", EVENT["detail"]),
        ("$.detail.state", "RUNNING"),
        ("$.detail-type", "EC2 Instance State-change Notification"),
        ("$.resources[0]", EVENT["resources"][0]),
        ("$.detail.tags[1]", "b"),
        ("$['detail']['instance-id']", "i-0123456789"),
        ("$.detail.missing", None),
        ("$.detail.tags[5]", None),
    ],
)
def test_input_path_selects_part_of_the_event(path: str, expected: Any) -> None:
    assert json.loads(render({"Id": "t1", "InputPath": path})) == expected


def test_json_template_inserts_values_by_position() -> None:
    target = transformer(
        '{"instance": <instance>, "message": "<instance> is in state <state>", "n": <count>}',
        instance="$.detail.instance-id",
        state="$.detail.state",
        count="$.detail.count",
    )
    assert json.loads(render(target)) == {
        "instance": "i-0123456789",
        "message": "i-0123456789 is in state RUNNING",
        "n": 3,
    }


def test_json_template_inserts_objects_and_arrays_as_json() -> None:
    target = transformer('{"tags": <tags>, "text": "tags=<tags>"}', tags="$.detail.tags")
    assert json.loads(render(target)) == {"tags": ["a", "b"], "text": 'tags=["a", "b"]'}


def test_quoted_string_template_gives_a_json_string() -> None:
    target = transformer(
        '"<instance> is in state <state>"', instance="$.detail.instance-id", state="$.detail.state"
    )
    assert render(target) == '"i-0123456789 is in state RUNNING"'


def test_plain_text_template_inserts_raw_values() -> None:
    target = transformer(
        "Instance <instance> is <state> (<count>)",
        instance="$.detail.instance-id",
        state="$.detail.state",
        count="$.detail.count",
    )
    assert render(target) == "Instance i-0123456789 is RUNNING (3)"


def test_missing_paths_become_null_or_nothing() -> None:
    target = transformer('{"value": <gone>, "text": "[<gone>]"}', gone="$.detail.nothing")
    assert json.loads(render(target)) == {"value": None, "text": "[]"}
    assert render(transformer("x<gone>y", gone="$.nothing")) == "xy"


def test_strings_with_quotes_stay_valid_json_inside_strings() -> None:
    event = {**EVENT, "detail": {"note": 'say "hi"\\'}}
    target = transformer('{"text": "note: <note>"}', note="$.detail.note")
    rendered = render_target_input(target, event)
    assert json.loads(rendered) == {"text": 'note: say "hi"\\'}


def test_reserved_variables() -> None:
    target = transformer(
        '{"arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>", '
        '"at": <aws.events.event.ingestion-time>, "event": <aws.events.event.json>, '
        '"raw": <aws.events.event>}'
    )
    assert json.loads(render(target)) == {
        "arn": RULE_ARN,
        "name": "my-rule",
        "at": EVENT["time"],
        "event": EVENT,
        "raw": EVENT,
    }


def test_ingestion_time_can_be_given() -> None:
    # A template that is only a placeholder is a JSON value: the string arrives quoted.
    target = transformer("<aws.events.event.ingestion-time>")
    assert render_target_input(target, EVENT, ingestion_time="2030-01-01T00:00:00Z") == (
        '"2030-01-01T00:00:00Z"'
    )


def test_template_without_placeholders() -> None:
    assert render(transformer('{"static": 1}')) == '{"static": 1}'


# -- validation at PutTargets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ({"Id": "t1", "Input": "{}", "InputPath": "$"}, "only one of Input, InputPath"),
        ({"Id": "t1", "Input": "not json"}, "Input: not valid JSON"),
        ({"Id": "t1", "InputPath": "detail"}, "must start with '$'"),
        ({"Id": "t1", "InputPath": "$.a..b"}, "not a valid JSON path"),
        ({"Id": "t1", "InputPath": "$.a[x]"}, "not a valid JSON path"),
        ({"Id": "t1", "InputTransformer": {"InputPathsMap": {}}}, "InputTemplate is required"),
        (transformer("<x>", x="$.a[-1]"), "InputPathsMap['x']"),
        (transformer("<y>", x="$.a"), "uses <y>, which InputPathsMap does not define"),
        (transformer("<a b>", **{"a b": "$.a"}), "not a valid variable name"),
        (transformer("<aws.x>", **{"aws.x": "$.a"}), "not a valid variable name"),
        (transformer("<awsx>", **{"aws.": "$"}), "not a valid variable name"),
        (transformer("x" * 8193), "at most 8192"),
    ],
)
def test_malformed_input_settings_are_rejected(target: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        validate_target_input(target)
    assert message in str(raised.value)
    assert "t1" in str(raised.value)


def test_at_most_100_input_paths() -> None:
    paths = {f"v{i}": "$.detail" for i in range(100)}
    validate_target_input(transformer("<v0>", **paths))
    with pytest.raises(InvalidInputError, match="101 entries, at most 100"):
        validate_target_input(transformer("<v0>", **paths, v100="$.detail"))


def test_rendering_a_malformed_transformer_raises_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="does not define"):
        render_target_input(transformer("<nope>"), EVENT)


def test_template_that_is_not_json_as_a_whole_is_plain_text() -> None:
    target = transformer('{"a": 1} <state>', state="$.detail.state")
    assert render(target) == '{"a": 1} RUNNING'
