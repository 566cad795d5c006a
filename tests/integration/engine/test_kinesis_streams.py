"""Kinesis Data Streams: event source mappings with Lambda's stream semantics, per shard."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pytest
from engine_support import holds_for, receive_all, scan, unique, wait_until

from localcloud.engine.sources import kinesis as kinesis_source
from localcloud.trace import HopKind

pytestmark = pytest.mark.integration


@pytest.fixture
def kinesis(localcloud: Any) -> Any:
    return localcloud.client("kinesis")


@pytest.fixture
def make_kinesis_stream(kinesis: Any) -> Iterator[Callable[..., str]]:
    """Provisioned streams of ``shards`` shards; their ARN."""
    created: list[str] = []

    def make(shards: int = 1) -> str:
        name = unique("kstream")
        kinesis.create_stream(StreamName=name, ShardCount=shards)
        created.append(name)
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        return str(summary["StreamARN"])

    yield make
    for name in created:
        with contextlib.suppress(Exception):
            kinesis.delete_stream(StreamName=name)


class KStream(NamedTuple):
    sink: Any  # the table the handler writes what it saw to
    function: str
    arn: str


@pytest.fixture
def kstream(
    make_table: Any, make_function: Any, make_kinesis_stream: Any
) -> Callable[..., KStream]:
    """A stream and a ``kinesis_records`` function (keywords: its environment)."""

    def make(shards: int = 1, handler: str = "handler", **env: str) -> KStream:
        sink = make_table()
        function = make_function(f"kinesis_records.{handler}", env={"SINK_TABLE": sink.name, **env})
        return KStream(sink, function, make_kinesis_stream(shards))

    return make


@pytest.fixture
def make_kinesis_mapping(lam: Any) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(stream_arn: str, function: str, **kwargs: Any) -> str:
        kwargs.setdefault("StartingPosition", "TRIM_HORIZON")
        kwargs.setdefault("BatchSize", 10)
        uuid = lam.create_event_source_mapping(
            EventSourceArn=stream_arn, FunctionName=function, **kwargs
        )["UUID"]
        created.append(uuid)
        return str(uuid)

    yield make
    for uuid in created:
        with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
            lam.delete_event_source_mapping(UUID=uuid)


def _put(kinesis: Any, arn: str, *datas: str, key: str = "k") -> list[str]:
    return [
        str(kinesis.put_record(StreamARN=arn, Data=d.encode(), PartitionKey=key)["SequenceNumber"])
        for d in datas
    ]


def _seen(sink: Any) -> list[dict[str, Any]]:
    return sorted(scan(sink, "record"), key=lambda i: int(i["at_ns"]))


def _invocations(sink: Any) -> list[dict[str, Any]]:
    return sorted(scan(sink, "invocation"), key=lambda i: int(i["start_ns"]))


def test_mapping_delivers_records_in_lambdas_kinesis_event_shape(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    from aws_lambda_powertools.utilities.parser.models import KinesisDataStreamModel

    s = kstream()
    make_kinesis_mapping(s.arn, s.function)
    numbers = _put(kinesis, s.arn, "one", "two", key="user-1")

    seen = wait_until(lambda: len(_seen(s.sink)) == 2 and _seen(s.sink), 15, "two records")
    records = [json.loads(i["record"]) for i in seen]
    assert [r["kinesis"]["sequenceNumber"] for r in records] == numbers
    first = records[0]
    assert first["eventSource"] == "aws:kinesis"
    assert first["eventName"] == "aws:kinesis:record"
    assert first["eventSourceARN"] == s.arn
    assert first["eventID"] == f"shardId-000000000000:{numbers[0]}"
    assert first["kinesis"]["partitionKey"] == "user-1"
    assert base64.b64decode(first["kinesis"]["data"]) == b"one"
    assert first["invokeIdentityArn"].startswith("arn:aws:iam::")
    parsed = KinesisDataStreamModel.model_validate({"Records": records})
    assert [r.kinesis.data for r in parsed.Records] == [b"one", b"two"]


def test_records_of_each_partition_key_arrive_in_write_order(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(shards=4)
    make_kinesis_mapping(s.arn, s.function, BatchSize=3)
    for i in range(6):
        for key in ("a", "b", "c", "d"):
            _put(kinesis, s.arn, f"{key}{i}", key=key)

    wait_until(lambda: len(_seen(s.sink)) == 24, 20, "24 records")
    for key in ("a", "b", "c", "d"):
        order = [i["data"] for i in _seen(s.sink) if i["key"] == key]
        assert order == [f"{key}{i}" for i in range(6)]
    assert max(len(i["shards"]) for i in _invocations(s.sink)) == 1  # a batch is one shard's


def test_latest_starts_after_the_mapping_and_trim_horizon_from_the_oldest(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    latest, oldest = kstream(), kstream()
    _put(kinesis, latest.arn, "before")
    _put(kinesis, oldest.arn, "before")
    make_kinesis_mapping(latest.arn, latest.function, StartingPosition="LATEST")
    make_kinesis_mapping(oldest.arn, oldest.function, StartingPosition="TRIM_HORIZON")
    _put(kinesis, latest.arn, "after")
    _put(kinesis, oldest.arn, "after")

    wait_until(lambda: len(_seen(oldest.sink)) == 2, 15, "both records at TRIM_HORIZON")
    wait_until(lambda: _seen(latest.sink), 15, "the record after the mapping")
    holds_for(lambda: len(_seen(latest.sink)) == 1, 0.5, "LATEST skipping older records")
    assert [i["data"] for i in _seen(latest.sink)] == ["after"]
    assert [i["data"] for i in _seen(oldest.sink)] == ["before", "after"]


def test_at_timestamp_starts_at_the_first_record_that_arrived_from_then_on(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(shards=2)
    _put(kinesis, s.arn, "before-1", key="a")
    _put(kinesis, s.arn, "before-2", key="b")
    time.sleep(0.05)  # arrival times have milliseconds: the timestamp falls between the writes
    at = time.time()
    time.sleep(0.05)
    _put(kinesis, s.arn, "after-1", key="a")
    _put(kinesis, s.arn, "after-2", key="b")

    make_kinesis_mapping(
        s.arn, s.function, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=at
    )
    _put(kinesis, s.arn, "later", key="a")

    wait_until(lambda: len(_seen(s.sink)) == 3, 15, "the records from the timestamp on")
    holds_for(lambda: len(_seen(s.sink)) == 3, 0.5, "no record from before the timestamp")
    assert sorted(i["data"] for i in _seen(s.sink)) == ["after-1", "after-2", "later"]


def test_batch_size_and_window_gather_records_into_one_invocation(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream()
    make_kinesis_mapping(
        s.arn, s.function, StartingPosition="LATEST", BatchSize=5, MaximumBatchingWindowInSeconds=1
    )
    kinesis.put_records(
        StreamARN=s.arn,
        Records=[{"Data": f"r{i}".encode(), "PartitionKey": "k"} for i in range(7)],
    )

    wait_until(lambda: len(_seen(s.sink)) == 7, 15, "seven records")
    assert [len(i["datas"]) for i in _invocations(s.sink)] == [5, 2]


def test_a_failed_batch_blocks_its_shard_until_it_succeeds(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(FAIL_DATA="bad", FAIL_TIMES="3")
    _put(kinesis, s.arn, "bad", "next-1", "next-2")

    make_kinesis_mapping(s.arn, s.function, BatchSize=1)

    wait_until(lambda: len(_seen(s.sink)) == 3, 15, "all three records")
    delivered = [i["datas"][0] for i in _invocations(s.sink)]
    assert delivered == ["bad", "bad", "bad", "bad", "next-1", "next-2"]


def test_bisect_isolates_the_bad_record_and_on_failure_gets_kinesis_batch_info(
    kinesis: Any, sqs: Any, kstream: Any, make_queue: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(FAIL_DATA="bad")  # fails every time
    url, queue_arn = make_queue()
    numbers = _put(kinesis, s.arn, "a", "b", "bad", "d", "e", "f")

    make_kinesis_mapping(
        s.arn,
        s.function,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )

    [message] = receive_all(sqs, url, 1)
    document = json.loads(message["Body"])
    info = document["KinesisBatchInfo"]
    assert info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"] == numbers[2]
    assert info["shardId"] == "shardId-000000000000"
    assert info["streamArn"] == s.arn
    assert document["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert document["responseContext"]["functionError"] == "Unhandled"
    wait_until(
        lambda: {i["data"] for i in _seen(s.sink)} == {"a", "b", "d", "e", "f"}, 15, "the rest"
    )
    alone = [i for i in _invocations(s.sink) if i["datas"] == ["bad"]]
    assert len(alone) == 2  # once when the split reached it, once more for its one retry


def test_maximum_retry_attempts_then_on_failure_without_bisect(
    kinesis: Any, sqs: Any, kstream: Any, make_queue: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(FAIL_DATA="bad")
    url, queue_arn = make_queue()
    numbers = _put(kinesis, s.arn, "bad", "after")

    make_kinesis_mapping(
        s.arn,
        s.function,
        BatchSize=1,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )

    [message] = receive_all(sqs, url, 1)
    document = json.loads(message["Body"])
    assert document["requestContext"]["approximateInvokeCount"] == 3
    assert document["KinesisBatchInfo"]["startSequenceNumber"] == numbers[0]
    wait_until(lambda: [i["data"] for i in _seen(s.sink)] == ["after"], 15, "the next record")


def test_report_batch_item_failures_checkpoints_at_the_first_failed_record(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream(FAIL_DATA="c", FAIL_TIMES="1", MODE="report")
    _put(kinesis, s.arn, "a", "b", "c", "d")

    make_kinesis_mapping(s.arn, s.function, FunctionResponseTypes=["ReportBatchItemFailures"])

    wait_until(lambda: len(_seen(s.sink)) == 5, 15, "the retried records")
    assert [i["datas"] for i in _invocations(s.sink)] == [["a", "b", "c", "d"], ["c", "d"]]
    assert [i["data"] for i in _seen(s.sink)] == ["a", "b", "d", "c", "d"]


def test_powertools_batch_processor_takes_the_delivered_event_unchanged(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    # (test functions run without Powertools; the delivered event is processed here instead)
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    s = kstream()
    make_kinesis_mapping(s.arn, s.function)
    numbers = _put(kinesis, s.arn, "a", "b", "c")
    seen = wait_until(lambda: len(_seen(s.sink)) == 3 and _seen(s.sink), 15, "three records")
    event = {"Records": [json.loads(i["record"]) for i in seen]}

    def record_handler(record: Any) -> None:
        if record.kinesis.data_as_text() == "b":
            raise RuntimeError("b fails")

    response = process_partial_response(
        event=event,
        record_handler=record_handler,
        processor=BatchProcessor(event_type=EventType.KinesisDataStreams),
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": numbers[1]}]}


def test_filter_criteria_skip_records_without_an_invocation(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream()
    make_kinesis_mapping(
        s.arn,
        s.function,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"data": {"kind": ["keep"]}})}]},
    )
    for kind in ("drop", "keep", "drop"):
        _put(kinesis, s.arn, json.dumps({"kind": kind}))
    _put(kinesis, s.arn, json.dumps({"kind": "keep", "n": 2}))

    wait_until(lambda: len(_seen(s.sink)) == 2, 15, "the two kept records")
    holds_for(lambda: len(_seen(s.sink)) == 2, 0.3, "no other record")
    assert [json.loads(i["data"])["kind"] for i in _seen(s.sink)] == ["keep", "keep"]


def test_kinesis_record_hop_links_the_write_to_the_invocation(
    localcloud: Any, kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream()
    make_kinesis_mapping(s.arn, s.function)
    [number] = _put(kinesis, s.arn, "traced", key="user-7")
    wait_until(lambda: _seen(s.sink), 15, "the record")

    # THEN one trace holds: the PutRecord (a publish) -> the kinesis record -> the invocation
    traces = localcloud.runtime.traces
    stream_name = s.arn.rsplit("/", 1)[-1]
    [hop] = wait_until(
        lambda: traces.find(lambda h: h.kind == HopKind.KINESIS and h.resource == stream_name),
        5,
        "the kinesis record hop",
    )
    assert hop.detail["sequence_number"] == number
    assert hop.detail["partition_key"] == "user-7"
    assert hop.detail["shard_id"] == "shardId-000000000000"
    hops = {h.id: h for h in traces.get(hop.trace_id) or []}
    write = hops[hop.parent or ""]
    assert (write.kind, write.service, write.resource) == (HopKind.PUBLISH, "kinesis", stream_name)
    assert write.detail["operation"] == "PutRecord"
    invoked = wait_until(
        lambda: [
            h
            for h in traces.get(hop.trace_id) or []
            if h.kind == HopKind.INVOKE and h.resource == s.function
        ],
        5,
        "the invocation hop",
    )
    assert invoked[0].parent == hop.id


def test_mapping_settings_the_cloud_cannot_run_are_refused(lam: Any, kstream: Any) -> None:
    s = kstream()
    for extra in (
        {"StartingPosition": "AT_TIMESTAMP"},
        {"StartingPosition": "TRIM_HORIZON", "ParallelizationFactor": 2},
        {"StartingPosition": "TRIM_HORIZON", "TumblingWindowInSeconds": 30},
        {
            "StartingPosition": "TRIM_HORIZON",
            "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:s3:::bucket"}},
        },
        {},
    ):
        with pytest.raises(lam.exceptions.InvalidParameterValueException):
            lam.create_event_source_mapping(EventSourceArn=s.arn, FunctionName=s.function, **extra)


def test_records_older_than_maximum_record_age_go_to_on_failure_unprocessed(
    kinesis: Any,
    sqs: Any,
    kstream: Any,
    make_queue: Any,
    make_kinesis_mapping: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN records that arrived two minutes ago (the clock of the Kinesis source moved on)
    s = kstream()
    url, queue_arn = make_queue()
    _put(kinesis, s.arn, "old-1", "old-2")
    real_now = kinesis_source.now
    monkeypatch.setattr(kinesis_source, "now", lambda: real_now() + 120)

    # WHEN a mapping with a one-minute age limit reads them
    make_kinesis_mapping(
        s.arn,
        s.function,
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )

    # THEN the function never sees them: they go to OnFailure as too old
    [message] = receive_all(sqs, url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record
    assert record["KinesisBatchInfo"]["batchSize"] == 2
    assert _invocations(s.sink) == []


def test_a_resharded_stream_delivers_the_parents_records_before_the_childrens(
    kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    # GIVEN a mapping that read a one-shard stream
    s = kstream()
    make_kinesis_mapping(s.arn, s.function, BatchSize=2)
    _put(kinesis, s.arn, "p1", "p2", "p3", key="k")
    wait_until(lambda: len(_seen(s.sink)) == 3, 15, "the records before resharding")

    # WHEN the stream is split into two shards and more records of the key are written
    kinesis.update_shard_count(StreamARN=s.arn, TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    written = _put(kinesis, s.arn, "c1", "c2", "c3", key="k")

    # THEN they arrive after the parent's, in order, from the child shard
    wait_until(lambda: len(_seen(s.sink)) == 6, 15, "the records after resharding")
    assert [i["data"] for i in _seen(s.sink)] == ["p1", "p2", "p3", "c1", "c2", "c3"]
    child = json.loads(_seen(s.sink)[-1]["record"])["eventID"]
    assert child.split(":")[0] != "shardId-000000000000" and child.endswith(written[-1])


def test_a_disabled_mapping_waits_and_an_updated_one_delivers_to_its_new_function(
    localcloud: Any,
    kinesis: Any,
    lam: Any,
    kstream: Any,
    make_function: Any,
    make_kinesis_mapping: Any,
) -> None:
    s = kstream()
    other = make_function("kinesis_records.handler", env={"SINK_TABLE": s.sink.name})
    uuid = make_kinesis_mapping(s.arn, s.function, Enabled=False)
    _put(kinesis, s.arn, "first")
    holds_for(lambda: not _seen(s.sink), 0.5, "a disabled mapping delivering nothing")

    lam.update_event_source_mapping(UUID=uuid, FunctionName=other, Enabled=True)

    wait_until(lambda: _seen(s.sink), 15, "the record once enabled")
    ran = localcloud.runtime.traces.find(
        lambda h: h.kind == HopKind.INVOKE and h.detail.get("source") == "kinesis"
    )
    assert other in {h.resource for h in ran}
    assert s.function not in {h.resource for h in ran}


def test_moto_never_hands_a_record_to_its_docker_lambda(
    localcloud: Any, kinesis: Any, kstream: Any, make_kinesis_mapping: Any
) -> None:
    s = kstream()
    uuid = make_kinesis_mapping(s.arn, s.function)
    _put(kinesis, s.arn, "k")
    wait_until(lambda: _seen(s.sink), 15, "the record")
    logs = localcloud.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{s.function}")["events"]
    assert not [e for e in events if "docker" in e["message"].lower()]
    assert len(_invocations(s.sink)) == 1
    assert localcloud.client("lambda").get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
