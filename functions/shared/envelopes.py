"""The one place where AWS envelopes are unwrapped into domain events.

Handlers hand over what Lambda gave them (an EventBridge event, an SNS event, an SQS record whose
body is an EventBridge event or an SNS notification); domain code only ever sees ``UserCreated``
and its siblings. The envelopes are validated with Powertools' own parser models, so a sample that
parses here is an envelope AWS could have sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.parser.models import (
    EventBridgeModel,
    SnsModel,
    SnsNotificationModel,
    SqsRecordModel,
)
from pydantic import ValidationError

from shared.contracts import UserCreated, UserDeleted, UserFlagged, UserUpdated, user_event_adapter
from shared.errors import PoisonEventError

type AnyUserEvent = UserCreated | UserUpdated | UserDeleted | UserFlagged


def _describe(error: ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or '<root>'}: {item['msg']}"
        for item in error.errors(include_url=False)
    ]
    return "; ".join(problems[:5])


def parse_user_event(payload: object, where: str) -> AnyUserEvent:
    """A user event from its JSON text or dict; ``where`` names the source for the error."""
    try:
        if isinstance(payload, str | bytes):
            return user_event_adapter.validate_json(payload)
        return user_event_adapter.validate_python(payload)
    except ValidationError as error:
        raise PoisonEventError(
            f"{where} does not hold a valid user event (UserCreated, UserUpdated, UserDeleted or "
            f"UserFlagged, see events/schemas/): {_describe(error)}"
        ) from error


def _check_detail_type(envelope: EventBridgeModel, event: AnyUserEvent, where: str) -> None:
    if envelope.detail_type != event.event_type:
        raise PoisonEventError(
            f"{where}: detail-type {envelope.detail_type!r} does not match the detail's "
            f"event_type {event.event_type!r}; publish through shared.publisher.BusPublisher"
        )


def from_eventbridge(event: dict[str, Any]) -> AnyUserEvent:
    """The user event in an EventBridge event delivered to Lambda by a rule."""
    try:
        envelope = EventBridgeModel.model_validate(event)
    except ValidationError as error:
        raise PoisonEventError(f"not an EventBridge event: {_describe(error)}") from error
    where = f"EventBridge event {envelope.id} from {envelope.source}"
    user_event = parse_user_event(envelope.detail, where)
    _check_detail_type(envelope, user_event, where)
    return user_event


def from_sqs_eventbridge(record: SqsRecordModel) -> AnyUserEvent:
    """The user event in an SQS record whose body is an EventBridge event (rule -> SQS target)."""
    where = f"SQS message {record.messageId}"
    try:
        envelope = EventBridgeModel.model_validate_json(str(record.body))
    except ValidationError as error:
        raise PoisonEventError(
            f"{where}: body is not an EventBridge event: {_describe(error)}"
        ) from error
    user_event = parse_user_event(envelope.detail, where)
    _check_detail_type(envelope, user_event, where)
    return user_event


def from_sqs_sns(record: SqsRecordModel) -> AnyUserEvent:
    """The user event in an SQS record whose body is an SNS notification (not raw delivery)."""
    where = f"SQS message {record.messageId}"
    try:
        notification = SnsNotificationModel.model_validate_json(str(record.body))
    except ValidationError as error:
        raise PoisonEventError(
            f"{where}: body is not an SNS notification (is RawMessageDelivery on?): "
            f"{_describe(error)}"
        ) from error
    return parse_user_event(str(notification.Message), f"{where} (SNS {notification.MessageId})")


def from_sns(event: dict[str, Any]) -> list[AnyUserEvent]:
    """The user events in an SNS event delivered to Lambda (one record per invocation on AWS)."""
    try:
        envelope = SnsModel.model_validate(event)
    except ValidationError as error:
        raise PoisonEventError(f"not an SNS event: {_describe(error)}") from error
    return [
        parse_user_event(str(record.Sns.Message), f"SNS message {record.Sns.MessageId}")
        for record in envelope.Records
    ]


def from_schedule(event: dict[str, Any]) -> datetime:
    """The time a scheduled rule fired (its "Scheduled Event" from source aws.events)."""
    try:
        envelope = EventBridgeModel.model_validate(event)
    except ValidationError as error:
        raise PoisonEventError(f"not an EventBridge event: {_describe(error)}") from error
    if (envelope.source, envelope.detail_type) != ("aws.events", "Scheduled Event"):
        raise PoisonEventError(
            f"EventBridge event {envelope.id} is {envelope.detail_type!r} from "
            f"{envelope.source!r}, not a Scheduled Event from aws.events: invoke this function "
            "from a schedule (SAM Events: Type: Schedule)"
        )
    return envelope.time
