"""AWS's documented size and count quotas that the local cloud enforces, with their sources.

A program that passes these locally and fails on AWS is what the local cloud exists to prevent,
so each number is AWS's own, in bytes as AWS counts them, next to the page that states it. The
gateway and the engine check them (gateway/routes.py, gateway/validators.py,
engine/eventbridge.py); the limits moto already enforces are named here too, so this is the one
list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

KIB = 1024
MIB = 1024 * KIB

# -- Lambda Invoke -------------------------------------------------------------------------------
# "For synchronous invocations, the maximum payload size is 6 MB. For asynchronous invocations,
# the maximum payload size is 1 MB." (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html;
# also https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). The async limit
# was raised from 256 KB to 1 MB in October 2025. A request over the limit is refused with
# RequestEntityTooLargeException (413), worded as Lambda words it.
INVOKE_SYNC_REQUEST_BYTES = 6 * MIB
INVOKE_ASYNC_REQUEST_BYTES = 1 * MIB
# A response over 6 MB fails the invocation (200, X-Amz-Function-Error: Unhandled) with the
# error Function.ResponseSizeTooLarge; Lambda's own message names 6291556 bytes (6 MiB + 100).
INVOKE_RESPONSE_BYTES = 6 * MIB + 100

# -- SQS (enforced by moto 5.2.5, checked by the integration tests) ------------------------------
# Message size up to 1 MiB (1,048,576 bytes), the most a queue's MaximumMessageSize can be;
# a batch of at most 10 entries, together no larger than one message
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html,
# raised from 256 KiB in August 2025). moto answers InvalidParameterValue, BatchRequestTooLong
# and TooManyEntriesInBatchRequest (AWS.SimpleQueueService.* in the query protocol).
SQS_MESSAGE_BYTES = 1 * MIB
SQS_BATCH_ENTRIES = 10

# -- SNS -----------------------------------------------------------------------------------------
# Message payload up to 256 KiB, its message attributes included; PublishBatch takes at most
# 10 entries whose payloads together stay within 256 KiB
# (https://docs.aws.amazon.com/general/latest/gr/sns.html and
# https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html).
SNS_MESSAGE_BYTES = 256 * KIB
SNS_BATCH_ENTRIES = 10

# -- EventBridge ---------------------------------------------------------------------------------
# A PutEvents entry up to 256 KB, sized as "Calculating PutEvents event entry size" says
# (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html), and 1 to 10
# entries a request (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
PUT_EVENTS_ENTRY_BYTES = 256 * KIB
PUT_EVENTS_ENTRIES = 10


def utf8_size(text: object) -> int:
    return len(str(text).encode()) if text is not None else 0


def put_events_entry_size(entry: Mapping[str, Any]) -> int:
    """An entry's size as EventBridge counts it: Time is 14 bytes when given; Source,
    DetailType, Detail and each of the Resources count their UTF-8 bytes."""
    size = 14 if entry.get("Time") is not None else 0
    size += sum(utf8_size(entry.get(name)) for name in ("Source", "DetailType", "Detail"))
    resources: Iterable[Any] = entry.get("Resources") or []
    return size + sum(utf8_size(resource) for resource in resources)


def sns_message_size(message: str, attribute_parts: Iterable[str]) -> int:
    """A message's payload as SNS counts it: the message and each message attribute's name,
    data type and value, in UTF-8 bytes."""
    return utf8_size(message) + sum(utf8_size(part) for part in attribute_parts)
