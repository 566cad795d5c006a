"""Lambda event source mapping FilterCriteria patterns applied to SQS records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.routing import EventPattern, InvalidEventPatternError, compile_filter_criteria


def sqs_record(body: str, **attributes: str) -> dict[str, Any]:
    return {
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", **attributes},
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-2:123456789012:my-queue",
        "awsRegion": "us-east-2",
    }


def test_json_object_body_is_matched_as_json() -> None:
    pattern = compile_filter_criteria({"body": {"RequestCode": ["BBBB"]}})
    assert isinstance(pattern, EventPattern)
    assert pattern.matches(sqs_record(json.dumps({"RequestCode": "BBBB"})))
    assert not pattern.matches(sqs_record(json.dumps({"RequestCode": "AAAA"})))


def test_numeric_and_nested_body_fields() -> None:
    pattern = compile_filter_criteria(
        '{"body": {"order": {"total": [{"numeric": [">", 100]}]}, "kind": [{"prefix": "user."}]}}'
    )
    assert pattern.matches(
        sqs_record(json.dumps({"order": {"total": 150}, "kind": "user.created"}))
    )
    assert not pattern.matches(sqs_record(json.dumps({"order": {"total": 50}, "kind": "user.x"})))


def test_plain_text_body_fails_field_patterns_but_matches_as_a_string() -> None:
    assert not compile_filter_criteria({"body": {"a": [{"exists": True}]}}).matches(
        sqs_record("hello world")
    )
    assert compile_filter_criteria({"body": ["hello world"]}).matches(sqs_record("hello world"))
    assert compile_filter_criteria({"body": [{"prefix": "hello"}]}).matches(sqs_record("hello"))
    assert not compile_filter_criteria({"body": [{"prefix": "bye"}]}).matches(sqs_record("hello"))


def test_json_body_that_is_not_an_object_stays_a_string() -> None:
    assert compile_filter_criteria({"body": ["[1, 2]"]}).matches(sqs_record("[1, 2]"))


def test_record_metadata_can_be_filtered() -> None:
    pattern = compile_filter_criteria({"attributes": {"MessageGroupId": ["g1"]}})
    assert pattern.matches(sqs_record("{}", MessageGroupId="g1"))
    assert not pattern.matches(sqs_record("{}", MessageGroupId="g2"))


def test_matching_does_not_change_the_record() -> None:
    record = sqs_record(json.dumps({"a": 1}))
    compile_filter_criteria({"body": {"a": [1]}}).matches(record)
    assert record["body"] == '{"a": 1}'


def test_invalid_filter_pattern_is_rejected() -> None:
    with pytest.raises(InvalidEventPatternError, match="'a' must be an object or an array"):
        compile_filter_criteria({"body": {"a": "x"}})
