"""SQS message move tasks through boto3: every message moved once, to its source queue or to a
destination, at the rate asked, cancelled, listed, and refused as SQS refuses."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from engine_support import queue_counts, wait_until

from localcloud.trace import HopKind, TraceContext

Queues = Callable[..., tuple[str, str]]


def dead_letter(sqs: Any, source_url: str, dlq_url: str, count: int) -> None:
    """Receive the source's messages until its redrive policy (maxReceiveCount 1) has moved
    ``count`` messages to the DLQ."""

    def moved() -> bool:
        sqs.receive_message(QueueUrl=source_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        return queue_counts(sqs, dlq_url)[0] >= count

    wait_until(moved, message=f"{count} messages in the DLQ")


def send(sqs: Any, url: str, bodies: list[str], **extra: Any) -> None:
    for body in bodies:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageAttributes={"body": {"DataType": "String", "StringValue": body}},
            **extra,
        )


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message of the queue, received with its attributes and deleted."""
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        AttributeNames=["All"],
    ).get("Messages", []):
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def finished(sqs: Any, dlq_arn: str, timeout: float = 15.0) -> dict[str, Any]:
    """The newest task of the DLQ once it is no longer RUNNING or CANCELLING."""

    def done() -> dict[str, Any] | None:
        [task] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        return None if task["Status"] in ("RUNNING", "CANCELLING") else task

    return dict(wait_until(done, timeout=timeout, message="the move task to end"))


def error(call: Callable[[], Any]) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


@pytest.fixture
def dlq_pair(sqs: Any, make_queue: Queues) -> dict[str, str]:
    """A DLQ and the source queue whose redrive policy (maxReceiveCount 1) targets it."""
    dlq_url, dlq_arn = make_queue(prefix="move-dlq")
    source_url, source_arn = make_queue(prefix="move-src", dlq_arn=dlq_arn, max_receives=1)
    return {"dlq": dlq_url, "dlq_arn": dlq_arn, "source": source_url, "source_arn": source_arn}


def test_a_move_task_returns_every_message_once_to_its_source_queue(
    sqs: Any, dlq_pair: dict[str, str]
) -> None:
    bodies = [f"m{n}" for n in range(25)]
    send(sqs, dlq_pair["source"], bodies)
    dead_letter(sqs, dlq_pair["source"], dlq_pair["dlq"], len(bodies))

    handle = sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])["TaskHandle"]
    task = finished(sqs, dlq_pair["dlq_arn"])

    assert handle
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 25
    assert task["ApproximateNumberOfMessagesToMove"] == 25
    assert task["SourceArn"] == dlq_pair["dlq_arn"]
    assert "DestinationArn" not in task and "TaskHandle" not in task
    assert abs(task["StartedTimestamp"] - time.time() * 1000) < 60_000
    moved = drain(sqs, dlq_pair["source"])
    assert sorted(m["Body"] for m in moved) == sorted(bodies)
    assert all(m["MessageAttributes"]["body"]["StringValue"] == m["Body"] for m in moved)
    # a new enqueue: received once now, not sent back to the DLQ at its next receive
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in moved} == {"1"}
    assert queue_counts(sqs, dlq_pair["dlq"]) == (0, 0)


def test_without_a_destination_each_message_returns_to_the_queue_it_came_from(
    sqs: Any, make_queue: Queues, dlq_pair: dict[str, str]
) -> None:
    other_url, _ = make_queue(prefix="move-src2", dlq_arn=dlq_pair["dlq_arn"], max_receives=1)
    send(sqs, dlq_pair["source"], ["from-first"])
    send(sqs, other_url, ["from-second"])
    dead_letter(sqs, dlq_pair["source"], dlq_pair["dlq"], 1)
    dead_letter(sqs, other_url, dlq_pair["dlq"], 2)

    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])

    assert finished(sqs, dlq_pair["dlq_arn"])["ApproximateNumberOfMessagesMoved"] == 2
    assert [m["Body"] for m in drain(sqs, dlq_pair["source"])] == ["from-first"]
    assert [m["Body"] for m in drain(sqs, other_url)] == ["from-second"]


def test_a_move_task_to_a_destination_moves_every_message_there_once(
    sqs: Any, make_queue: Queues, dlq_pair: dict[str, str]
) -> None:
    destination_url, destination_arn = make_queue(prefix="move-dest")
    bodies = [f"d{n}" for n in range(12)]
    send(sqs, dlq_pair["dlq"], bodies)  # sent straight to the DLQ: no source to return to

    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"], DestinationArn=destination_arn)
    task = finished(sqs, dlq_pair["dlq_arn"])

    assert (task["Status"], task["DestinationArn"]) == ("COMPLETED", destination_arn)
    moved = drain(sqs, destination_url)
    assert sorted(m["Body"] for m in moved) == sorted(bodies)
    assert len({m["MessageId"] for m in moved}) == 12
    assert queue_counts(sqs, dlq_pair["dlq"]) == (0, 0)
    assert queue_counts(sqs, dlq_pair["source"]) == (0, 0)


def test_a_fifo_message_returns_to_its_fifo_source_within_the_deduplication_window(
    sqs: Any, make_queue: Queues
) -> None:
    dlq_url, dlq_arn = make_queue(prefix="move-dlq", fifo=True)
    source_url, _ = make_queue(prefix="move-src", fifo=True, dlq_arn=dlq_arn, max_receives=1)
    send(sqs, source_url, ["f1", "f2"], MessageGroupId="g")
    dead_letter(sqs, source_url, dlq_url, 2)

    sqs.start_message_move_task(SourceArn=dlq_arn)

    assert finished(sqs, dlq_arn)["ApproximateNumberOfMessagesMoved"] == 2
    moved = drain(sqs, source_url)
    assert [m["Body"] for m in moved] == ["f1", "f2"]
    assert {m["Attributes"]["MessageGroupId"] for m in moved} == {"g"}


def test_a_message_without_a_source_fails_a_task_without_destination_and_stays(
    sqs: Any, dlq_pair: dict[str, str]
) -> None:
    send(sqs, dlq_pair["dlq"], ["orphan"])
    [dlq_source] = sqs.list_dead_letter_source_queues(QueueUrl=dlq_pair["dlq"])["queueUrls"]
    assert dlq_source == dlq_pair["source"]

    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])
    task = finished(sqs, dlq_pair["dlq_arn"])

    assert task["Status"] == "FAILED"
    assert "DestinationArn" in task["FailureReason"]
    assert [m["Body"] for m in drain(sqs, dlq_pair["dlq"])] == ["orphan"]


def test_the_rate_paces_the_moves(sqs: Any, make_queue: Queues, dlq_pair: dict[str, str]) -> None:
    destination_url, destination_arn = make_queue(prefix="move-dest")
    send(sqs, dlq_pair["dlq"], [f"r{n}" for n in range(5)])

    started = time.monotonic()
    sqs.start_message_move_task(
        SourceArn=dlq_pair["dlq_arn"],
        DestinationArn=destination_arn,
        MaxNumberOfMessagesPerSecond=4,
    )
    [running] = sqs.list_message_move_tasks(SourceArn=dlq_pair["dlq_arn"])["Results"]
    task = finished(sqs, dlq_pair["dlq_arn"])
    elapsed = time.monotonic() - started

    assert running["Status"] == "RUNNING" and running["TaskHandle"]
    assert running["ApproximateNumberOfMessagesMoved"] < 5
    assert task["MaxNumberOfMessagesPerSecond"] == 4
    assert task["ApproximateNumberOfMessagesMoved"] == 5
    # the fifth message may move 4 / 4 = 1 s after the first
    assert elapsed >= 0.9
    assert len(drain(sqs, destination_url)) == 5


def test_cancel_stops_a_task_and_keeps_what_it_moved(
    sqs: Any, make_queue: Queues, dlq_pair: dict[str, str]
) -> None:
    destination_url, destination_arn = make_queue(prefix="move-dest")
    send(sqs, dlq_pair["dlq"], [f"c{n}" for n in range(10)])
    handle = sqs.start_message_move_task(
        SourceArn=dlq_pair["dlq_arn"],
        DestinationArn=destination_arn,
        MaxNumberOfMessagesPerSecond=1,
    )["TaskHandle"]

    moved_at_cancel = sqs.cancel_message_move_task(TaskHandle=handle)[
        "ApproximateNumberOfMessagesMoved"
    ]
    task = finished(sqs, dlq_pair["dlq_arn"])

    assert moved_at_cancel <= 2
    assert task["Status"] == "CANCELLED"
    assert "TaskHandle" not in task
    moved = task["ApproximateNumberOfMessagesMoved"]
    assert moved < 10
    assert len(drain(sqs, destination_url)) == moved
    assert len(drain(sqs, dlq_pair["dlq"])) == 10 - moved
    code, aws_code, _ = error(lambda: sqs.cancel_message_move_task(TaskHandle=handle))
    assert (code, aws_code) == (400, "UnsupportedOperation")


def test_list_shows_the_newest_tasks_first(sqs: Any, dlq_pair: dict[str, str]) -> None:
    send(sqs, dlq_pair["source"], ["first"])
    dead_letter(sqs, dlq_pair["source"], dlq_pair["dlq"], 1)
    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])
    finished(sqs, dlq_pair["dlq_arn"])
    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])
    finished(sqs, dlq_pair["dlq_arn"])

    tasks = sqs.list_message_move_tasks(SourceArn=dlq_pair["dlq_arn"], MaxResults=10)["Results"]

    assert [t["ApproximateNumberOfMessagesMoved"] for t in tasks] == [0, 1]
    assert tasks[0]["StartedTimestamp"] >= tasks[1]["StartedTimestamp"]
    assert len(sqs.list_message_move_tasks(SourceArn=dlq_pair["dlq_arn"])["Results"]) == 1


def test_moved_messages_are_move_hops_in_their_trace(
    localcloud: Any, sqs: Any, dlq_pair: dict[str, str]
) -> None:
    send(sqs, dlq_pair["source"], ["traced"])
    dead_letter(sqs, dlq_pair["source"], dlq_pair["dlq"], 1)
    [dead] = sqs.receive_message(
        QueueUrl=dlq_pair["dlq"], AttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    root = TraceContext.parse(dead["Attributes"]["AWSTraceHeader"])
    assert root is not None

    sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"])
    finished(sqs, dlq_pair["dlq_arn"])

    hops = localcloud.running().traces.get(root.root) or []
    [move] = [hop for hop in hops if hop.kind == HopKind.MOVE]
    source_name = dlq_pair["source"].rsplit("/", 1)[-1]
    assert move.resource == source_name
    assert move.detail["message_id"] == dead["MessageId"]
    assert move.detail["source"] == dlq_pair["dlq_arn"].rsplit(":", 1)[-1]
    assert [h.kind for h in hops].index(HopKind.DLQ) < [h.kind for h in hops].index(HopKind.MOVE)


def test_a_source_that_is_no_dlq_is_refused(sqs: Any, make_queue: Queues) -> None:
    _, plain_arn = make_queue(prefix="move-plain")

    assert error(lambda: sqs.start_message_move_task(SourceArn=plain_arn)) == (
        400,
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
    )


def test_a_second_task_on_the_same_source_is_refused_while_one_runs(
    sqs: Any, make_queue: Queues, dlq_pair: dict[str, str]
) -> None:
    _, destination_arn = make_queue(prefix="move-dest")
    send(sqs, dlq_pair["dlq"], ["a", "b", "c"])
    sqs.start_message_move_task(
        SourceArn=dlq_pair["dlq_arn"],
        DestinationArn=destination_arn,
        MaxNumberOfMessagesPerSecond=1,
    )

    assert error(
        lambda: sqs.start_message_move_task(
            SourceArn=dlq_pair["dlq_arn"], DestinationArn=destination_arn
        )
    ) == (
        400,
        "InvalidParameterValue",
        "There is already a task running. Only one active task is allowed for a source queue "
        "arn at a given time.",
    )
    [task] = sqs.list_message_move_tasks(SourceArn=dlq_pair["dlq_arn"])["Results"]
    sqs.cancel_message_move_task(TaskHandle=task["TaskHandle"])
    finished(sqs, dlq_pair["dlq_arn"])


def test_unknown_queues_handles_and_rates_are_refused_as_sqs_words_them(
    sqs: Any, dlq_pair: dict[str, str]
) -> None:
    missing = dlq_pair["dlq_arn"] + "-missing"

    assert error(lambda: sqs.start_message_move_task(SourceArn=missing)) == (
        404,
        "ResourceNotFoundException",
        "The resource that you specified for the SourceArn parameter doesn't exist.",
    )
    assert error(
        lambda: sqs.start_message_move_task(SourceArn=dlq_pair["dlq_arn"], DestinationArn=missing)
    ) == (
        404,
        "ResourceNotFoundException",
        "The resource that you specified for the DestinationArn parameter doesn't exist.",
    )
    assert error(lambda: sqs.cancel_message_move_task(TaskHandle="not-a-handle")) == (
        400,
        "InvalidParameterValue",
        "Value for parameter TaskHandle is invalid.",
    )
    code, aws_code, message = error(
        lambda: sqs.start_message_move_task(
            SourceArn=dlq_pair["dlq_arn"], MaxNumberOfMessagesPerSecond=501
        )
    )
    assert (code, aws_code) == (400, "InvalidParameterValue")
    assert "MaxNumberOfMessagesPerSecond" in message
