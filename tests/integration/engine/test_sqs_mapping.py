"""SQS event source mappings: batches, partial failures, redrive, FIFO, filters, scaling, state."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest
from engine_support import (
    holds_for,
    max_overlap,
    queue_counts,
    receive_all,
    records_by_body,
    scan,
    wait_until,
)

pytestmark = pytest.mark.integration

REPORT = ["ReportBatchItemFailures"]


def _send(sqs: Any, url: str, bodies: list[str], **extra: Any) -> list[str]:
    ids = []
    for start in range(0, len(bodies), 10):
        entries = [
            {"Id": str(i), "MessageBody": body, **extra}
            for i, body in enumerate(bodies[start : start + 10])
        ]
        ids += [
            m["MessageId"]
            for m in sqs.send_message_batch(QueueUrl=url, Entries=entries)["Successful"]
        ]
    return ids


def _sink_function(make_function: Any, table: Any, **env: str) -> str:
    return make_function("sink.sqs", env={"SINK_TABLE": table.name, **env})


class Sink(NamedTuple):
    table: Any
    function: str
    url: str
    arn: str


@pytest.fixture
def sink(make_table: Any, make_function: Any, make_queue: Any) -> Callable[..., Sink]:
    """A table, a ``sink.sqs`` function writing into it (keywords are its environment) and a
    queue made with the ``queue`` arguments: the setup most tests here share."""

    def make(queue: dict[str, Any] | None = None, **env: str) -> Sink:
        table = make_table()
        url, arn = make_queue(**(queue or {}))
        return Sink(table, _sink_function(make_function, table, **env), url, arn)

    return make


def test_only_reported_failures_are_redelivered(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    # GIVEN a batch of ten where two records fail on their first delivery
    table, name, url, arn = sink(FAIL_UNTIL="2")
    bodies = [f"ok-{i}" for i in range(8)] + ["fail-a", "fail-b"]
    _send(sqs, url, bodies)

    # WHEN the mapping delivers them with ReportBatchItemFailures
    make_mapping(arn, name, FunctionResponseTypes=REPORT)
    drained(url)

    # THEN the eight successes were seen once, the two failures twice
    seen = records_by_body(table)
    assert {b: [int(i["receive_count"]) for i in seen[b]] for b in bodies} == {
        **{f"ok-{i}": [1] for i in range(8)},
        "fail-a": [1, 2],
        "fail-b": [1, 2],
    }
    first_batch = {seen[b][0]["request_id"] for b in bodies}
    assert len(first_batch) == 1  # the ten came as one batch


@pytest.mark.parametrize("mode", ["unknown_id", "wrong_key", "unparseable"])
def test_invalid_partial_batch_response_fails_the_whole_batch(
    mode: str,
    sink: Any,
    sqs: Any,
    make_mapping: Any,
) -> None:
    # Every response is invalid (every body holds the empty marker), so every delivery fails
    # the whole batch; the first two deliveries are checked.
    table, name, url, arn = sink(MODE=mode, FAIL_MARKER="")
    bodies = ["one", "two", "three"]
    _send(sqs, url, bodies)

    make_mapping(arn, name, FunctionResponseTypes=REPORT)

    def delivered_twice() -> Any:
        # One scan judged as a whole: on an empty table all() alone would already hold.
        seen = records_by_body(table)
        return len(seen) == 3 and all(len(v) >= 2 for v in seen.values()) and seen

    seen = wait_until(delivered_twice, message="every record delivered twice")
    assert {b: [int(i["receive_count"]) for i in seen[b]][:2] for b in bodies} == {
        b: [1, 2] for b in bodies
    }


def test_returned_list_is_ignored_without_report_batch_item_failures(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink()
    bodies = ["ok-1", "fail-1", "ok-2"]
    _send(sqs, url, bodies)

    make_mapping(arn, name)
    drained(url)

    seen = records_by_body(table)
    assert {b: len(seen[b]) for b in bodies} == {b: 1 for b in bodies}
    holds_for(lambda: len(scan(table, "record")) == 3, 1.2, "no redelivery")


def test_function_error_redelivers_the_whole_batch(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink(MODE="raise", FAIL_UNTIL="2")
    bodies = ["ok-1", "fail-1", "ok-2"]
    _send(sqs, url, bodies)

    make_mapping(arn, name)
    drained(url)

    seen = records_by_body(table)
    assert {b: [int(i["receive_count"]) for i in seen[b]] for b in bodies} == {
        b: [1, 2] for b in bodies
    }


def test_poison_message_reaches_dlq_after_exactly_max_receive_count(
    sink: Any,
    sqs: Any,
    make_queue: Any,
    make_mapping: Any,
) -> None:
    dlq_url, dlq_arn = make_queue()
    table, name, url, arn = sink(
        queue=dict(dlq_arn=dlq_arn, max_receives=3), MODE="raise", FAIL_MARKER="poison"
    )
    [poison_id] = _send(sqs, url, ["poison"])

    make_mapping(arn, name, BatchSize=1)

    [moved] = receive_all(sqs, dlq_url, 1)
    assert moved["MessageId"] == poison_id
    seen = records_by_body(table)["poison"]
    assert [int(i["receive_count"]) for i in seen] == [1, 2, 3]
    assert len({i["request_id"] for i in seen}) == 3


def test_fifo_keeps_order_per_group_and_a_failure_blocks_only_its_group(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink(queue=dict(fifo=True, visibility=3), MODE="raise", FAIL_UNTIL="2")
    for i in range(5):
        body = "a-1-fail" if i == 1 else f"a-{i}"
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="a")
        sqs.send_message(QueueUrl=url, MessageBody=f"b-{i}", MessageGroupId="b")

    make_mapping(arn, name, BatchSize=1)
    drained(url, timeout=20)

    items = sorted(scan(table, "record"), key=lambda i: int(i["at_ns"]))
    order = {group: [i["body"] for i in items if i["body"].startswith(group)] for group in "ab"}
    assert order["a"] == ["a-0", "a-1-fail", "a-1-fail", "a-2", "a-3", "a-4"]
    assert order["b"] == ["b-0", "b-1", "b-2", "b-3", "b-4"]
    retry_at = [int(i["at_ns"]) for i in items if i["body"] == "a-1-fail"][1]
    b_done = max(int(i["at_ns"]) for i in items if i["body"].startswith("b"))
    assert b_done < retry_at  # group b flowed while group a waited for its retry


def test_filter_criteria_delete_non_matching_records_without_invoking(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink()
    bodies = [json.dumps({"kind": k, "n": i}) for i, k in enumerate(["keep", "drop", "keep"])]
    _send(sqs, url, [*bodies, "not json"])

    make_mapping(
        arn,
        name,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]},
    )
    drained(url)

    seen = [json.loads(i["body"]) for i in scan(table, "record")]
    assert sorted(s["n"] for s in seen) == [0, 2]
    assert all(s["kind"] == "keep" for s in seen)


def test_invalid_filter_criteria_is_rejected(
    lam: Any, make_queue: Any, make_function: Any, make_mapping: Any
) -> None:
    name = make_function("basic.echo")
    _, arn = make_queue()

    with pytest.raises(lam.exceptions.InvalidParameterValueException):
        make_mapping(arn, name, FilterCriteria={"Filters": [{"Pattern": "{not json"}]})


def test_maximum_concurrency_caps_concurrent_batches(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink(queue=dict(visibility=10), SLEEP="0.3")
    _send(sqs, url, [f"m-{i}" for i in range(10)])

    make_mapping(arn, name, BatchSize=1, ScalingConfig={"MaximumConcurrency": 2})
    drained(url, timeout=20)

    invocations = scan(table, "invocation")
    assert len(invocations) == 10
    intervals = [(int(i["start_ns"]), int(i["end_ns"])) for i in invocations]
    assert max_overlap(intervals) == 2


def test_disabled_mapping_stops_delivery_and_enabling_resumes(
    sink: Any,
    lam: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink()
    uuid = make_mapping(arn, name)
    _send(sqs, url, ["first"])
    drained(url)

    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    _send(sqs, url, ["while-disabled"])
    holds_for(lambda: queue_counts(sqs, url) == (1, 0), 1.5, "the message waiting in the queue")
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    drained(url)

    assert sorted(i["body"] for i in scan(table, "record")) == ["first", "while-disabled"]


def test_message_stays_in_queue_when_the_mapping_is_created_disabled(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    traces: Any,
) -> None:
    # moto's own SQS-to-Lambda path (inside SendMessage) must stay off: the poller owns delivery.
    _, name, url, arn = sink()
    make_mapping(arn, name, Enabled=False)

    _send(sqs, url, ["parked"])

    holds_for(lambda: queue_counts(sqs, url) == (1, 0), 1.5, "the message waiting in the queue")
    assert traces.invocations(name) == []
    [message] = receive_all(sqs, url, 1)
    assert message["Body"] == "parked"


def test_deleted_mapping_stops_delivery(
    sink: Any,
    lam: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink()
    uuid = make_mapping(arn, name)
    _send(sqs, url, ["before"])
    drained(url)

    lam.delete_event_source_mapping(UUID=uuid)
    _send(sqs, url, ["after"])

    holds_for(lambda: queue_counts(sqs, url) == (1, 0), 1.5, "the message waiting in the queue")
    assert [i["body"] for i in scan(table, "record")] == ["before"]


def test_message_on_idle_queue_is_picked_up_quickly(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
    drained: Any,
) -> None:
    table, name, url, arn = sink()
    make_mapping(arn, name)
    _send(sqs, url, ["warm-up"])  # starts the function's worker
    drained(url)
    time.sleep(1.5)  # let the queue sit idle past any polling backoff

    sent = time.time_ns()
    _send(sqs, url, ["idle"])
    [item] = wait_until(
        lambda: [i for i in scan(table, "record") if i["body"] == "idle"], message="pickup"
    )

    assert (int(item["at_ns"]) - sent) / 1e9 < 1.0


def test_sqs_record_has_lambda_event_shape(
    sink: Any,
    sqs: Any,
    make_mapping: Any,
) -> None:
    table, name, url, arn = sink()
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="shape",
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )

    make_mapping(arn, name)
    [item] = wait_until(lambda: scan(table, "record"), message="the record")

    record = json.loads(item["record"])
    assert record["messageId"] == sent["MessageId"]
    assert record["receiptHandle"]
    assert record["body"] == "shape"
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    attributes = record["attributes"]
    assert attributes["ApproximateReceiveCount"] == "1"
    for key in ("SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"):
        assert attributes[key], key
    assert record["messageAttributes"]["color"] == {
        "stringValue": "red",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    blob = record["messageAttributes"]["blob"]
    assert blob["dataType"] == "Binary"
    assert base64.b64decode(blob["binaryValue"]) == b"\x00\x01"
