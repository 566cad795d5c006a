"""Every AWS payload the engine emits, as pure functions: no I/O, no clock unless passed in.

What a handler receives (an SQS record, an SNS event, an EventBridge event), what a queue or a
destination receives (an SNS envelope, an asynchronous invocation record, dead-letter message
attributes) and how a partial batch response is read. tests/unit/engine/test_shapes.py holds
each one to the Powertools parser models the handlers use, as events/ is held.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from localcloud.emulator.views import QueuedMessage, SnsPublication, epoch

# Local deliveries are not signed; the fields keep the shape consumers parse.
SNS_SIGNATURE = "TE9DQUxDTE9VRA=="
SNS_SIGNING_CERT_URL = "https://sns.us-east-1.amazonaws.com/localcloud.pem"


def iso_millis(ts: float) -> str:
    """``2026-12-05T10:00:00.123Z``: SNS and Lambda's timestamp form."""
    global _second_text
    if not 0 <= ts < YEAR_10000:
        moment = datetime.fromtimestamp(ts, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # datetime's steps (microseconds rounded half to even, then cut to milliseconds), with the
    # date and time written once a second (1.3 -> 0.6 us; one for every SNS delivery).
    fraction, whole = math.modf(ts)
    second, micros = int(whole), round(fraction * 1e6)
    if micros == 1_000_000:
        second, micros = second + 1, 0
    held = _second_text
    if held[0] != second:
        held = _second_text = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
    return f"{held[1]}.{micros // 1000:03d}Z"


YEAR_10000 = 253_402_300_800  # datetime's limit
_second_text: tuple[int, str] = (-1, "")  # the last second iso_millis wrote, and its text


def iso_seconds(ts: float) -> str:
    """``2026-12-05T10:00:00Z``: EventBridge's ``time``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- SNS -----------------------------------------------------------------------------------------
def sns_notification(
    topic_arn: str,
    subscription_arn: str,
    publication: SnsPublication,
    timestamp: float,
    *,
    endpoint_url: str,
) -> dict[str, Any]:
    """The SNS notification envelope (what SQS receives without raw delivery); its
    UnsubscribeURL points at ``endpoint_url``, the cloud that delivered it."""
    envelope: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": publication.message_id,
        "TopicArn": topic_arn,
        "Message": publication.message,
        "Timestamp": iso_millis(timestamp),
        "SignatureVersion": "1",
        "Signature": SNS_SIGNATURE,
        "SigningCertURL": SNS_SIGNING_CERT_URL,
        "UnsubscribeURL": sns_unsubscribe_url(endpoint_url, subscription_arn),
    }
    if publication.subject:
        envelope["Subject"] = publication.subject
    if publication.message_attributes:
        envelope["MessageAttributes"] = {
            name: {"Type": value["Type"], "Value": value["Value"]}
            for name, value in publication.message_attributes.items()
        }
    return envelope


def sns_unsubscribe_url(endpoint_url: str, subscription_arn: str) -> str:
    """The URL that unsubscribes ``subscription_arn`` (a GET, as in AWS's envelopes)."""
    return f"{endpoint_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def sns_lambda_event(subscription_arn: str, envelope: Mapping[str, Any]) -> dict[str, Any]:
    """The event a Lambda subscription receives for one notification envelope."""
    sns = {k: v for k, v in envelope.items() if k != "MessageAttributes"}
    # The Lambda event spells these two keys differently from the SQS envelope.
    sns["SigningCertUrl"] = sns.pop("SigningCertURL")
    sns["UnsubscribeUrl"] = sns.pop("UnsubscribeURL")
    sns["Subject"] = envelope.get("Subject")
    sns["MessageAttributes"] = envelope.get("MessageAttributes", {})
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": sns,
            }
        ]
    }


def sns_raw_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """SNS message attributes as SQS message attributes (raw delivery keeps them)."""
    converted = {}
    for name, value in attributes.items():
        kind = "BinaryValue" if str(value["Type"]).startswith("Binary") else "StringValue"
        converted[name] = {"DataType": str(value["Type"]), kind: str(value["Value"])}
    return converted


# -- SQS -----------------------------------------------------------------------------------------
def sqs_record(message: QueuedMessage, queue_arn: str, region: str) -> dict[str, Any]:
    """A received message as one record of Lambda's SQS event."""
    attributes: dict[str, Any] = {
        "ApproximateReceiveCount": str(message.receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": message.sender_id,
        "ApproximateFirstReceiveTimestamp": str(message.first_receive_timestamp),
    }
    if message.group_id:
        attributes["MessageGroupId"] = message.group_id
    if message.deduplication_id:
        attributes["MessageDeduplicationId"] = message.deduplication_id
    if message.sequence_number:
        attributes["SequenceNumber"] = message.sequence_number
    if message.trace_header:
        attributes["AWSTraceHeader"] = message.trace_header
    message_attributes = {}
    for name, value in message.message_attributes.items():
        item: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            item["binaryValue"] = value["BinaryValue"]
        message_attributes[name] = item
    record: dict[str, Any] = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message_attributes:
        record["md5OfMessageAttributes"] = message.attributes_md5
    return record


def batch_failures(payload: bytes, batch_ids: set[str]) -> set[str] | None:
    """The record ids a ReportBatchItemFailures response asks to retry; None: the whole batch.

    Empty or null responses and lists mean complete success. An unparseable response, a missing
    or unknown ``itemIdentifier`` or a wrong shape fails the whole batch (REFERENCE.md).
    """
    try:
        response = json.loads(payload) if payload.strip() else None
    except ValueError:
        return None
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set() if "batchItemFailures" in response or not response else None
    if not isinstance(failures, list):
        return None
    ids = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or not identifier or identifier not in batch_ids:
            return None
        ids.add(identifier)
    return ids


# -- Lambda asynchronous invocations ---------------------------------------------------------------
def invocation_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    attempts: int,
    request_payload: bytes,
    response: tuple[bool, bytes] | None,
    timestamp: float,
) -> dict[str, Any]:
    """The record an on-success or on-failure destination receives.

    ``condition`` is ``Success``, ``RetriesExhausted``, ``EventAgeExceeded`` or the like;
    ``response`` is (failed, payload) of the last attempt, or None when none ran.
    """
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_millis(timestamp),
        "requestContext": {
            "requestId": request_id,
            # Qualified: the version that ran ($LATEST unless the invoke named one).
            "functionArn": function_arn
            if function_arn.count(":") > 6
            else f"{function_arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": attempts,
        },
        "requestPayload": _json_or_text(request_payload or b"{}"),
    }
    if response is not None:
        failed, payload = response
        record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if failed:
            record["responseContext"]["functionError"] = "Unhandled"
        record["responsePayload"] = _json_or_text(payload or b"null")
    return record


def lambda_dead_letter_attributes(request_id: str, error_message: str) -> dict[str, str]:
    """The message attributes Lambda puts on an event it moves to the function's DLQ."""
    return {"RequestID": request_id, "ErrorCode": "200", "ErrorMessage": error_message[:1000]}


def _json_or_text(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data.decode(errors="replace")


# -- EventBridge -----------------------------------------------------------------------------------
def eventbridge_event(
    entry: Mapping[str, Any], *, event_id: str, account: str, region: str, now: float
) -> dict[str, Any]:
    """The event a PutEvents entry (already validated) becomes on the bus."""
    when = entry.get("Time")
    return {
        "version": "0",
        "id": event_id,
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": account,
        "time": iso_seconds(epoch(when) if when else now),
        "region": region,
        "resources": list(entry.get("Resources") or []),
        "detail": json.loads(entry["Detail"]),
    }


def eventbridge_dead_letter_attributes(
    rule_arn: str, target_arn: str, code: str, message: str
) -> dict[str, str]:
    """The message attributes EventBridge puts on an event it moves to a target's DLQ."""
    return {
        "RULE_ARN": rule_arn,
        "TARGET_ARN": target_arn,
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message[:1000],
    }
