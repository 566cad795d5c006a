"""Every payload the engine emits has AWS's shape, held to the Powertools models handlers use.

Where a handler parses the payload (an SQS event, an SNS event, an SNS envelope in an SQS body, an
EventBridge event) the builder's output goes through the same Powertools model the user service
uses (functions/shared/envelopes.py); where no model exists (an asynchronous invocation record,
dead-letter attributes, raw-delivery attributes) the values are checked against AWS's documented
shape field by field.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    EventBridgeModel,
    SnsModel,
    SnsNotificationModel,
    SqsModel,
    SqsRecordModel,
)

from localcloud.emulator.views import QueuedMessage, SnsPublication
from localcloud.engine.shapes import (
    eventbridge_dead_letter_attributes,
    eventbridge_event,
    invocation_record,
    iso_millis,
    iso_seconds,
    lambda_dead_letter_attributes,
    sns_lambda_event,
    sns_notification,
    sns_raw_attributes,
    sqs_record,
)

REGION = "eu-west-1"
ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:signups"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:users"
SUBSCRIPTION_ARN = f"{TOPIC_ARN}:21be56ed-a058-49f5-8c98-aedd2564c486"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:welcome-email"

T0 = 1_700_000_000.123  # 2023-11-14T22:13:20.123Z
ENDPOINT = "http://127.0.0.1:40123"
T0_MILLIS = "2023-11-14T22:13:20.123Z"
T0_SECONDS = "2023-11-14T22:13:20Z"
SENT_MS = 1_700_000_000_000
FIRST_RECEIVE_MS = 1_700_000_000_250
BODY = '{"user_id": "u-1"}'


def utc_ms(millis: int) -> datetime:
    return datetime.fromtimestamp(millis / 1000, UTC)


def queued(**changes: Any) -> QueuedMessage:
    """A received standard-queue message without attributes; ``changes`` replace fields."""
    message = QueuedMessage(
        id="059f36b4-87a3-44ab-83d2-661975830a7d",
        receipt_handle="AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        body=BODY,
        body_md5=hashlib.md5(BODY.encode()).hexdigest(),
        attributes_md5=None,
        sent_timestamp=SENT_MS,
        first_receive_timestamp=FIRST_RECEIVE_MS,
        receive_count=1,
        sender_id="AIDAIT2UOQQY3AUEKVGXU",
        group_id=None,
        deduplication_id=None,
        sequence_number=None,
        trace_header=None,
    )
    return replace(message, **changes)


def parsed_record(record: dict[str, Any]) -> SqsRecordModel:
    """The record as a handler sees it: one record of an SQS event parsed by SqsModel."""
    # Through JSON, as Lambda hands the event over.
    event = json.loads(json.dumps({"Records": [record]}))
    return SqsModel.model_validate(event).Records[0]


# -- timestamps ----------------------------------------------------------------------------------
def test_iso_millis_is_utc_with_milliseconds_and_a_z() -> None:
    assert iso_millis(T0) == T0_MILLIS
    assert iso_millis(1_700_000_000) == "2023-11-14T22:13:20.000Z"


def test_iso_seconds_is_utc_truncated_to_the_second_with_a_z() -> None:
    assert iso_seconds(T0) == T0_SECONDS
    assert iso_seconds(1_700_000_000.999) == T0_SECONDS


# -- SQS -----------------------------------------------------------------------------------------
def test_sqs_record_of_a_plain_message_parses_as_lambdas_sqs_event() -> None:
    record = sqs_record(queued(), QUEUE_ARN, REGION)

    parsed = parsed_record(record)

    assert parsed.messageId == "059f36b4-87a3-44ab-83d2-661975830a7d"
    assert parsed.receiptHandle == "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a"
    assert parsed.body == BODY
    assert parsed.md5OfBody == hashlib.md5(BODY.encode()).hexdigest()
    assert parsed.eventSource == "aws:sqs"
    assert parsed.eventSourceARN == QUEUE_ARN
    assert parsed.awsRegion == REGION
    assert parsed.attributes.ApproximateReceiveCount == "1"
    assert parsed.attributes.SentTimestamp == utc_ms(SENT_MS)
    assert parsed.attributes.ApproximateFirstReceiveTimestamp == utc_ms(FIRST_RECEIVE_MS)
    assert parsed.attributes.SenderId == "AIDAIT2UOQQY3AUEKVGXU"
    assert parsed.messageAttributes == {}


def test_sqs_record_of_a_plain_message_has_only_the_standard_attributes_and_no_attribute_md5() -> (
    None
):
    record = sqs_record(queued(receive_count=3), QUEUE_ARN, REGION)

    # Lambda sends every attribute as a string, the timestamps as epoch milliseconds.
    assert record["attributes"] == {
        "ApproximateReceiveCount": "3",
        "SentTimestamp": str(SENT_MS),
        "SenderId": "AIDAIT2UOQQY3AUEKVGXU",
        "ApproximateFirstReceiveTimestamp": str(FIRST_RECEIVE_MS),
    }
    assert record["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in record


def test_sqs_record_carries_string_number_and_binary_attributes_in_lambdas_spelling() -> None:
    blob = b"\x00\x01\xff"
    message = queued(
        attributes_md5="d9c9bbb2badd153651a7647433fb4581",
        message_attributes={
            "kind": {"DataType": "String", "StringValue": "signup"},
            "count": {"DataType": "Number", "StringValue": "3"},
            "blob": {"DataType": "Binary", "BinaryValue": base64.b64encode(blob).decode()},
        },
    )

    record = sqs_record(message, QUEUE_ARN, REGION)
    parsed = parsed_record(record)

    attributes = parsed.messageAttributes
    assert attributes["kind"].dataType == "String"
    assert attributes["kind"].stringValue == "signup"
    assert attributes["kind"].binaryValue is None
    assert attributes["count"].dataType == "Number"
    assert attributes["count"].stringValue == "3"
    assert attributes["blob"].dataType == "Binary"
    assert attributes["blob"].stringValue is None
    assert base64.b64decode(attributes["blob"].binaryValue or "") == blob
    assert all(a.stringListValues == [] and a.binaryListValues == [] for a in attributes.values())
    assert parsed.md5OfMessageAttributes == "d9c9bbb2badd153651a7647433fb4581"
    # The raw record spells a binary attribute without a stringValue key at all.
    assert record["messageAttributes"]["blob"] == {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "Binary",
        "binaryValue": base64.b64encode(blob).decode(),
    }


def test_sqs_record_of_a_fifo_message_has_group_dedup_sequence_and_trace_header() -> None:
    message = queued(
        group_id="user-u-1",
        deduplication_id="dedup-1",
        sequence_number="18849496460467696128",
        trace_header="Root=1-6553f100-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
    )

    parsed = parsed_record(sqs_record(message, f"{QUEUE_ARN}.fifo", REGION))

    assert parsed.eventSourceARN == f"{QUEUE_ARN}.fifo"
    assert parsed.attributes.MessageGroupId == "user-u-1"
    assert parsed.attributes.MessageDeduplicationId == "dedup-1"
    assert parsed.attributes.SequenceNumber == "18849496460467696128"
    assert parsed.attributes.AWSTraceHeader == (
        "Root=1-6553f100-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
    )


# -- SNS -----------------------------------------------------------------------------------------
PUBLICATION = SnsPublication(
    message='{"event_type": "UserCreated"}',
    message_id="95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    subject="user created",
    message_attributes={
        "event_type": {"Type": "String", "Value": "UserCreated"},
        "version": {"Type": "Number", "Value": "2"},
    },
)
BARE_PUBLICATION = SnsPublication(message="hello", message_id="da41e39f-ea4d-435a-b922")


def test_sns_notification_parses_as_the_envelope_sqs_consumers_of_sns_read() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)

    # An SQS subscriber reads the envelope from the message body.
    notification = SnsNotificationModel.model_validate_json(json.dumps(envelope))

    assert notification.Type == "Notification"
    assert notification.MessageId == PUBLICATION.message_id
    assert notification.TopicArn == TOPIC_ARN
    assert notification.Message == PUBLICATION.message
    assert notification.Subject == "user created"
    assert notification.Timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, UTC)
    assert notification.SignatureVersion == "1"
    assert notification.Signature
    assert str(notification.SigningCertUrl).startswith("https://")
    assert str(notification.UnsubscribeUrl).endswith("SubscriptionArn=" + SUBSCRIPTION_ARN)
    attributes = notification.MessageAttributes or {}
    assert {name: (a.Type, a.Value) for name, a in attributes.items()} == {
        "event_type": ("String", "UserCreated"),
        "version": ("Number", "2"),
    }


def test_sns_notification_spells_the_url_keys_as_sqs_receives_them() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)

    assert envelope["Timestamp"] == T0_MILLIS
    assert "SigningCertURL" in envelope and "SigningCertUrl" not in envelope
    assert "UnsubscribeURL" in envelope and "UnsubscribeUrl" not in envelope


def test_sns_notification_unsubscribe_url_points_at_the_delivering_cloud() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)

    assert envelope["UnsubscribeURL"] == (
        f"{ENDPOINT}/?Action=Unsubscribe&SubscriptionArn={SUBSCRIPTION_ARN}"
    )


def test_sns_notification_without_subject_or_attributes_leaves_both_keys_out() -> None:
    envelope = sns_notification(
        TOPIC_ARN, SUBSCRIPTION_ARN, BARE_PUBLICATION, T0, endpoint_url=ENDPOINT
    )

    assert "Subject" not in envelope
    assert "MessageAttributes" not in envelope
    notification = SnsNotificationModel.model_validate_json(json.dumps(envelope))
    assert notification.Subject is None
    assert notification.MessageAttributes is None
    assert notification.Message == "hello"


def test_sns_envelope_in_an_sqs_record_body_unwraps_as_a_subscribed_queues_handler_does() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)
    body = json.dumps(envelope)
    message = queued(body=body, body_md5=hashlib.md5(body.encode()).hexdigest())

    record = parsed_record(sqs_record(message, QUEUE_ARN, REGION))
    notification = SnsNotificationModel.model_validate_json(str(record.body))

    assert notification.Message == PUBLICATION.message
    assert notification.MessageId == PUBLICATION.message_id


def test_sns_lambda_event_parses_with_snsmodel() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)

    delivered = json.loads(json.dumps(sns_lambda_event(SUBSCRIPTION_ARN, envelope)))
    event = SnsModel.model_validate(delivered)

    [record] = event.Records
    assert record.EventSource == "aws:sns"
    assert record.EventVersion == "1.0"
    assert record.EventSubscriptionArn == SUBSCRIPTION_ARN
    assert record.Sns.Type == "Notification"
    assert record.Sns.MessageId == PUBLICATION.message_id
    assert record.Sns.TopicArn == TOPIC_ARN
    assert record.Sns.Message == PUBLICATION.message
    assert record.Sns.Subject == "user created"
    assert record.Sns.Timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, UTC)
    assert str(record.Sns.UnsubscribeUrl).endswith("SubscriptionArn=" + SUBSCRIPTION_ARN)
    assert (record.Sns.MessageAttributes or {})["version"].Value == "2"


def test_sns_lambda_event_spells_url_keys_the_lambda_way_and_leaves_the_envelope_alone() -> None:
    envelope = sns_notification(TOPIC_ARN, SUBSCRIPTION_ARN, PUBLICATION, T0, endpoint_url=ENDPOINT)

    sns = sns_lambda_event(SUBSCRIPTION_ARN, envelope)["Records"][0]["Sns"]

    assert sns["SigningCertUrl"] == envelope["SigningCertURL"]
    assert sns["UnsubscribeUrl"] == envelope["UnsubscribeURL"]
    assert "SigningCertURL" not in sns and "UnsubscribeURL" not in sns
    # The envelope is what an SQS subscription or a DLQ still receives: unchanged.
    assert "SigningCertURL" in envelope and "UnsubscribeURL" in envelope


def test_sns_lambda_event_without_subject_or_attributes_has_null_subject_and_empty_attributes() -> (
    None
):
    envelope = sns_notification(
        TOPIC_ARN, SUBSCRIPTION_ARN, BARE_PUBLICATION, T0, endpoint_url=ENDPOINT
    )

    event = sns_lambda_event(SUBSCRIPTION_ARN, envelope)

    sns = event["Records"][0]["Sns"]
    assert sns["Subject"] is None
    assert sns["MessageAttributes"] == {}
    parsed = SnsModel.model_validate(event).Records[0].Sns
    assert parsed.Subject is None
    assert parsed.MessageAttributes == {}


def test_sns_raw_attributes_become_sqs_attributes_string_number_and_binary() -> None:
    blob = base64.b64encode(b"\x00\x01").decode()  # SNS holds a binary value as base64 text

    converted = sns_raw_attributes(
        {
            "kind": {"Type": "String", "Value": "signup"},
            "count": {"Type": "Number", "Value": 3},
            "tags": {"Type": "String.Array", "Value": '["a", "b"]'},
            "blob": {"Type": "Binary", "Value": blob},
        }
    )

    assert converted == {
        "kind": {"DataType": "String", "StringValue": "signup"},
        "count": {"DataType": "Number", "StringValue": "3"},
        "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
        "blob": {"DataType": "Binary", "BinaryValue": blob},
    }


def test_sns_raw_attributes_of_nothing_are_nothing() -> None:
    assert sns_raw_attributes({}) == {}


# -- Lambda asynchronous invocation records ------------------------------------------------------
def record_of(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "request_id": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
        "function_arn": FUNCTION_ARN,
        "condition": "Success",
        "attempts": 1,
        "request_payload": b'{"user_id": "u-1"}',
        "response": (False, b'{"sent": true}'),
        "timestamp": T0,
    }
    arguments.update(overrides)
    record = invocation_record(**arguments)
    # A destination receives it as JSON: it must survive the trip unchanged.
    assert json.loads(json.dumps(record)) == record
    return record


def test_invocation_record_of_a_success_has_the_response_and_no_function_error() -> None:
    assert record_of() == {
        "version": "1.0",
        "timestamp": T0_MILLIS,
        "requestContext": {
            "requestId": "e4b46cbf-b738-xmpl-8880-a18cdf61200e",
            "functionArn": f"{FUNCTION_ARN}:$LATEST",
            "condition": "Success",
            "approximateInvokeCount": 1,
        },
        "requestPayload": {"user_id": "u-1"},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"sent": True},
    }


def test_invocation_record_of_exhausted_retries_marks_the_function_error_unhandled() -> None:
    error = {"errorMessage": "boom", "errorType": "RuntimeError", "stackTrace": []}

    record = record_of(
        condition="RetriesExhausted", attempts=3, response=(True, json.dumps(error).encode())
    )

    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"] == error


def test_invocation_record_without_a_response_has_neither_response_context_nor_payload() -> None:
    record = record_of(condition="EventAgeExceeded", attempts=0, response=None)

    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert "responseContext" not in record
    assert "responsePayload" not in record
    assert record["requestPayload"] == {"user_id": "u-1"}


def test_invocation_record_keeps_a_non_json_payload_as_text() -> None:
    record = record_of(request_payload=b"not json", response=(True, b"Task timed out \xff"))

    assert record["requestPayload"] == "not json"
    assert record["responsePayload"] == "Task timed out \ufffd"


@pytest.mark.parametrize(
    ("request_payload", "response_payload", "request_shown", "response_shown"),
    [
        (b"", b"", {}, None),  # nothing sent: {} and null, as Lambda shows them
        (b"[1, 2]", b"null", [1, 2], None),
        (b'"text"', b"42", "text", 42),
    ],
    ids=["empty", "list-and-null", "json-scalars"],
)
def test_invocation_record_payloads_are_the_json_values_sent_and_returned(
    request_payload: bytes, response_payload: bytes, request_shown: Any, response_shown: Any
) -> None:
    record = record_of(request_payload=request_payload, response=(False, response_payload))

    assert record["requestPayload"] == request_shown
    assert record["responsePayload"] == response_shown


# -- dead-letter attributes ----------------------------------------------------------------------
def test_lambda_dead_letter_attributes_name_the_request_and_the_error() -> None:
    assert lambda_dead_letter_attributes("req-1", "boom") == {
        "RequestID": "req-1",
        "ErrorCode": "200",
        "ErrorMessage": "boom",
    }


def test_lambda_dead_letter_error_message_is_cut_at_1000_characters() -> None:
    message = "x" * 999 + "yz" + "w" * 500

    attributes = lambda_dead_letter_attributes("req-1", message)

    assert attributes["ErrorMessage"] == "x" * 999 + "y"
    assert len(lambda_dead_letter_attributes("req-1", "e" * 1000)["ErrorMessage"]) == 1000


def test_eventbridge_dead_letter_attributes_name_rule_target_and_error_cut_at_1000() -> None:
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/audit"
    target = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:audit-log"

    attributes = eventbridge_dead_letter_attributes(rule, target, "Throttling", "m" * 1200)

    assert attributes == {
        "RULE_ARN": rule,
        "TARGET_ARN": target,
        "ERROR_CODE": "Throttling",
        "ERROR_MESSAGE": "m" * 1000,
    }


# -- EventBridge ---------------------------------------------------------------------------------
ENTRY = {
    "Source": "users.api",
    "DetailType": "UserCreated",
    "Detail": '{"user_id": "u-1", "email": "a@example.com"}',
    "Resources": [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/users"],
    "EventBusName": "users",
}


def test_eventbridge_event_parses_with_eventbridgemodel() -> None:
    event = eventbridge_event(ENTRY, event_id="6a7e8feb", account=ACCOUNT, region=REGION, now=T0)

    parsed = EventBridgeModel.model_validate(json.loads(json.dumps(event)))

    assert parsed.version == "0"
    assert parsed.id == "6a7e8feb"
    assert parsed.source == "users.api"
    assert parsed.detail_type == "UserCreated"
    assert parsed.account == ACCOUNT
    assert parsed.region == REGION
    assert parsed.time == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert parsed.resources == [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/users"]
    assert parsed.detail == {"user_id": "u-1", "email": "a@example.com"}
    assert parsed.replay_name is None


def test_eventbridge_event_has_exactly_the_keys_aws_sends_and_no_entry_fields() -> None:
    event = eventbridge_event(ENTRY, event_id="6a7e8feb", account=ACCOUNT, region=REGION, now=T0)

    assert set(event) == {
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    }
    assert event["time"] == T0_SECONDS


@pytest.mark.parametrize(
    "given_time",
    [
        "2026-12-05T10:00:00Z",
        "2026-12-05T10:00:00.750+00:00",
        "2026-12-05T11:00:00+01:00",
        datetime(2026, 12, 5, 10, 0, 0, tzinfo=UTC),
        datetime(2026, 12, 5, 10, 0, 0, tzinfo=UTC).timestamp(),
    ],
    ids=["iso-z", "iso-millis", "iso-offset", "datetime", "epoch-seconds"],
)
def test_eventbridge_event_with_an_explicit_time_uses_it_not_now(given_time: Any) -> None:
    entry = {**ENTRY, "Time": given_time}

    event = eventbridge_event(entry, event_id="e-1", account=ACCOUNT, region=REGION, now=T0)

    assert event["time"] == "2026-12-05T10:00:00Z"
    assert EventBridgeModel.model_validate(event).time == datetime(2026, 12, 5, 10, tzinfo=UTC)


def test_eventbridge_event_without_resources_has_an_empty_list() -> None:
    entry = {k: v for k, v in ENTRY.items() if k != "Resources"}

    event = eventbridge_event(entry, event_id="e-1", account=ACCOUNT, region=REGION, now=T0)

    assert event["resources"] == []
    assert EventBridgeModel.model_validate(event).resources == []


def test_eventbridge_event_resources_are_a_copy_of_the_entrys() -> None:
    entry = {**ENTRY, "Resources": ["arn:aws:s3:::bucket"]}

    event = eventbridge_event(entry, event_id="e-1", account=ACCOUNT, region=REGION, now=T0)
    event["resources"].append("arn:aws:s3:::other")

    assert entry["Resources"] == ["arn:aws:s3:::bucket"]
