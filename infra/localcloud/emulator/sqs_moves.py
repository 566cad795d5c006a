"""What a message move task (StartMessageMoveTask) does to moto's queues, one message at a time.

The engine (engine/move_tasks.py), through backends.py, keeps the tasks, their rate and status;
here are the queue facts it checks and the move itself. A message moves straight from the
dead-letter queue's store to the destination's (sqs_queues.py, sqs_store.py): it is never
received, so no consumer sees it in between and it cannot move twice. It arrives as a new
enqueue of the same message (same id, body, message attributes, trace header, FIFO group), never
received yet, and is not deduplicated again. Without a destination, each message goes back to
the queue whose redrive policy moved it to the dead-letter queue (recorded on the message when
that happened, sqs_queues.py).
"""

from __future__ import annotations

from typing import Any

from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import Message, sqs_backends

from localcloud.arns import parse_arn
from localcloud.emulator.sqs_queues import now_ms, store_of
from localcloud.emulator.views import MovedMessage
from localcloud.errors import LocalCloudError

# The FailureReason SQS reports when a queue the task moves from or to is gone.
NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"


class MoveFailedError(LocalCloudError):
    """A move cannot go on; ``reason`` is what ListMessageMoveTasks shows as FailureReason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _queue_or_none(queue_arn: str) -> Any | None:
    try:
        arn = parse_arn(queue_arn)
        if arn.service != "sqs":
            return None
        return sqs_backends[arn.account][arn.region].get_queue(arn.resource)
    except (ValueError, KeyError, QueueDoesNotExist):
        return None


def queue_exists(queue_arn: str) -> bool:
    return _queue_or_none(queue_arn) is not None


def dead_letter_sources(queue_arn: str) -> list[str]:
    """ARNs of the queues (same account and region) whose redrive policy targets ``queue_arn``."""
    arn = parse_arn(queue_arn)
    backend = sqs_backends[arn.account][arn.region]
    return sorted(
        q.queue_arn
        for q in list(backend.queues.values())
        if q.redrive_policy and q.redrive_policy.get("deadLetterTargetArn") == queue_arn
    )


def ready_count(queue_arn: str) -> int:
    """The messages a receive could take now (ApproximateNumberOfMessages); 0 when gone."""
    queue = _queue_or_none(queue_arn)
    return 0 if queue is None else int(queue.approximate_number_of_messages)


def move_one(source_arn: str, destination_arn: str | None) -> MovedMessage | None:
    """Move the oldest ready message of ``source_arn``; None when it has none ready.

    ``destination_arn`` None: the queue the message was dead-lettered from. Raises
    MoveFailedError, leaving the message where it was, when a queue is gone or a message has no
    queue to go back to.
    """
    source = _queue_or_none(source_arn)
    if source is None:
        raise MoveFailedError(NON_EXISTENT_QUEUE, f"the queue {source_arn} no longer exists")
    with source._messages_lock:
        store = store_of(source)
        message = store.remove_ready(now_ms())
        if message is None:
            return None
        target_arn = destination_arn or getattr(message, "_lc_dead_letter_source", None)
        target = _queue_or_none(target_arn) if target_arn else None
        if target is None:
            store.add(message, now_ms(), None)  # back where it was, ready again
            if target_arn is None:
                reason = (
                    f"message {message.id} was not moved to {source_arn} by a redrive policy, "
                    "so it has no source queue to return to: give DestinationArn"
                )
                raise MoveFailedError(reason, reason)
            raise MoveFailedError(NON_EXISTENT_QUEUE, f"the queue {target_arn} no longer exists")
    moved = _requeued(message)
    with target._messages_lock:
        store_of(target).add(moved, now_ms(), None)
        target._messages_lock.notify_all()
    header = (moved.system_attributes or {}).get("AWSTraceHeader")
    if isinstance(header, dict):
        header = header.get("StringValue")
    return MovedMessage(moved.id, target.queue_arn, header)


def _requeued(message: Any) -> Any:
    """The message as a new enqueue: same content, never received, not delayed."""
    fresh = Message(message.id, message.body, dict(message.system_attributes or {}))
    fresh.message_attributes = message.message_attributes
    fresh.sender_id = message.sender_id
    fresh.group_id = message.group_id
    fresh.deduplication_id = message.deduplication_id
    fresh.mark_sent()
    return fresh
