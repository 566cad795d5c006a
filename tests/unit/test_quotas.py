"""The sizes quotas.py computes are AWS's: UTF-8 bytes of the fields AWS names, nothing else."""

from __future__ import annotations

from localcloud import quotas


def test_put_events_entry_counts_time_as_14_bytes_and_the_rest_in_utf8() -> None:
    entry = {
        "Time": "2026-12-05T11:00:00Z",
        "Source": "app",
        "DetailType": "Tür",
        "Detail": '{"a":"é"}',
        "Resources": ["r1", "r22"],
        "EventBusName": "not counted",
    }
    assert quotas.put_events_entry_size(entry) == 14 + 3 + 4 + 10 + 2 + 3


def test_put_events_entry_without_time_or_resources() -> None:
    assert quotas.put_events_entry_size({"Source": "s", "DetailType": "d", "Detail": "{}"}) == 4


def test_sns_message_counts_the_message_and_every_attribute_part() -> None:
    assert quotas.sns_message_size("héllo", ["name", "String", "välue"]) == 6 + 4 + 6 + 6


def test_the_limits_are_awss_numbers() -> None:
    assert quotas.INVOKE_SYNC_REQUEST_BYTES == 6_291_456
    assert quotas.INVOKE_ASYNC_REQUEST_BYTES == 1_048_576
    assert quotas.INVOKE_RESPONSE_BYTES == 6_291_556
    assert quotas.SQS_MESSAGE_BYTES == 1_048_576
    assert quotas.SNS_MESSAGE_BYTES == quotas.PUT_EVENTS_ENTRY_BYTES == 262_144
