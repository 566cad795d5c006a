"""DynamoDB Streams: records, the streams API and event source mappings with stream semantics."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import pytest
from engine_support import holds_for, receive_all, scan, unique, wait_until

from localcloud.engine.sources import dynamodb as stream_source
from localcloud.trace import HopKind

pytestmark = pytest.mark.integration

VIEW_TYPES = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]


@pytest.fixture
def ddb(localcloud: Any) -> Any:
    return localcloud.client("dynamodb")


@pytest.fixture
def streams(localcloud: Any) -> Any:
    return localcloud.client("dynamodbstreams")


@pytest.fixture
def make_stream_table(ddb: Any) -> Iterator[Callable[..., tuple[str, str]]]:
    """Tables keyed by a string `pk` with a stream of the given view type: (name, stream ARN)."""
    created: list[str] = []

    def make(view_type: str = "NEW_AND_OLD_IMAGES") -> tuple[str, str]:
        name = unique("streamed")
        table = ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type},
        )["TableDescription"]
        created.append(name)
        return name, table["LatestStreamArn"]

    yield make
    for name in created:
        ddb.delete_table(TableName=name)


class Stream(NamedTuple):
    sink: Any  # the table the handler writes what it saw to
    function: str
    table: str
    arn: str


@pytest.fixture
def stream(make_table: Any, make_function: Any, make_stream_table: Any) -> Callable[..., Stream]:
    """A streamed table and a ``streams.handler`` function (keywords: its environment)."""

    def make(view_type: str = "NEW_AND_OLD_IMAGES", **env: str) -> Stream:
        sink = make_table()
        function = make_function("streams.handler", env={"SINK_TABLE": sink.name, **env})
        table, arn = make_stream_table(view_type)
        return Stream(sink, function, table, arn)

    return make


def _put(ddb: Any, table: str, *keys: str, **attributes: str) -> None:
    for key in keys:
        item = {"pk": {"S": key}, **{k: {"S": v} for k, v in attributes.items()}}
        ddb.put_item(TableName=table, Item=item)


def _seen(sink: Any) -> list[dict[str, Any]]:
    """The records the handler completed, in delivery order."""
    return sorted(scan(sink, "record"), key=lambda i: int(i["at_ns"]))


def _invocations(sink: Any) -> list[dict[str, Any]]:
    return sorted(scan(sink, "invocation"), key=lambda i: int(i["start_ns"]))


def _all_records(streams: Any, arn: str) -> list[dict[str, Any]]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    return list(streams.get_records(ShardIterator=iterator)["Records"])


# -- records and the streams API -------------------------------------------------------------------
@pytest.mark.parametrize("view_type", VIEW_TYPES)
def test_insert_modify_remove_records_keep_what_the_view_type_says(
    ddb: Any, streams: Any, make_stream_table: Any, view_type: str
) -> None:
    # GIVEN a table whose stream has this view type
    table, arn = make_stream_table(view_type)

    # WHEN an item is created, changed and deleted
    _put(ddb, table, "k1", colour="red")
    _put(ddb, table, "k1", colour="blue")
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k1"}})

    # THEN the stream holds INSERT, MODIFY and REMOVE with the images the view type keeps
    records = _all_records(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    new_images = view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    old_images = view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
    red = {"pk": {"S": "k1"}, "colour": {"S": "red"}}
    blue = {"pk": {"S": "k1"}, "colour": {"S": "blue"}}
    expected_new = [red, blue, None] if new_images else [None, None, None]
    expected_old = [None, red, blue] if old_images else [None, None, None]
    assert [r["dynamodb"].get("NewImage") for r in records] == expected_new
    assert [r["dynamodb"].get("OldImage") for r in records] == expected_old
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    for record in records:
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == ddb.meta.region_name
        assert record["dynamodb"]["Keys"] == {"pk": {"S": "k1"}}
        assert record["dynamodb"]["StreamViewType"] == view_type
        assert record["dynamodb"]["SizeBytes"] > 0
        assert record["dynamodb"]["ApproximateCreationDateTime"].year >= 2024


def test_streams_api_lists_describes_and_reads_from_each_iterator_type(
    ddb: Any, streams: Any, make_stream_table: Any
) -> None:
    table, arn = make_stream_table("KEYS_ONLY")
    _put(ddb, table, "a", "b", "c")

    listed = streams.list_streams(TableName=table)["Streams"]
    assert [(s["StreamArn"], s["TableName"]) for s in listed] == [(arn, table)]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "KEYS_ONLY"
    assert description["TableName"] == table
    shard = description["Shards"][0]
    first = shard["SequenceNumberRange"]["StartingSequenceNumber"]

    def read(kind: str, **number: str) -> list[str]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=kind, **number
        )["ShardIterator"]
        return [
            r["dynamodb"]["Keys"]["pk"]["S"]
            for r in streams.get_records(ShardIterator=iterator)["Records"]
        ]

    assert read("TRIM_HORIZON") == ["a", "b", "c"]
    assert read("AT_SEQUENCE_NUMBER", SequenceNumber=first) == ["a", "b", "c"]
    assert read("AFTER_SEQUENCE_NUMBER", SequenceNumber=first) == ["b", "c"]
    assert read("LATEST") == []


def test_streams_api_refuses_unknown_shards_and_iterators_as_aws_does(
    streams: Any, make_stream_table: Any
) -> None:
    _, arn = make_stream_table("KEYS_ONLY")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    assert (
        streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamLabel"]
        == (arn.rsplit("/", 1)[-1])
    )
    assert len(arn.rsplit("/", 1)[-1]) == len("2026-12-05T10:00:00.123")

    def code(call: Callable[[], Any]) -> str:
        with pytest.raises(streams.exceptions.ClientError) as caught:
            call()
        return str(caught.value.response["Error"]["Code"])

    assert (
        code(
            lambda: streams.get_shard_iterator(
                StreamArn=arn,
                ShardId="shardId-00000000000000000000-00000000",
                ShardIteratorType="TRIM_HORIZON",
            )
        )
        == "ResourceNotFoundException"
    )
    assert (
        code(
            lambda: streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER"
            )
        )
        == "ValidationException"
    )
    assert code(lambda: streams.get_records(ShardIterator="x" * 64)) == "ValidationException"


# -- event source mappings ---------------------------------------------------------------------
@pytest.fixture
def make_stream_mapping(lam: Any) -> Iterator[Callable[..., str]]:
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


def test_mapping_delivers_insert_modify_remove_in_lambdas_event_shape(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel

    s = stream()
    make_stream_mapping(s.arn, s.function, StartingPosition="LATEST")
    _put(ddb, s.table, "k1", colour="red")
    _put(ddb, s.table, "k1", colour="blue")
    ddb.delete_item(TableName=s.table, Key={"pk": {"S": "k1"}})

    seen = wait_until(lambda: len(_seen(s.sink)) == 3 and _seen(s.sink), 15, "three records")
    records = [json.loads(i["record"]) for i in seen]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert {r["eventSourceARN"] for r in records} == {s.arn}
    assert records[1]["dynamodb"]["OldImage"]["colour"] == {"S": "red"}
    assert records[1]["dynamodb"]["NewImage"]["colour"] == {"S": "blue"}
    parsed = DynamoDBStreamModel.model_validate({"Records": records})
    assert parsed.Records[2].dynamodb.OldImage == {"pk": "k1", "colour": "blue"}


def test_latest_starts_after_the_mapping_and_trim_horizon_from_the_oldest(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    latest, oldest = stream(), stream()
    _put(ddb, latest.table, "before")
    _put(ddb, oldest.table, "before")
    make_stream_mapping(latest.arn, latest.function, StartingPosition="LATEST")
    make_stream_mapping(oldest.arn, oldest.function, StartingPosition="TRIM_HORIZON")
    _put(ddb, latest.table, "after")
    _put(ddb, oldest.table, "after")

    wait_until(lambda: len(_seen(oldest.sink)) == 2, 15, "both records at TRIM_HORIZON")
    wait_until(lambda: _seen(latest.sink), 15, "the record after the mapping")
    holds_for(lambda: len(_seen(latest.sink)) == 1, 0.5, "LATEST skipping older records")
    assert [i["key"] for i in _seen(latest.sink)] == ["after"]
    assert [i["key"] for i in _seen(oldest.sink)] == ["before", "after"]


def test_batch_size_and_window_gather_records_into_one_invocation(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    s = stream()
    make_stream_mapping(
        s.arn,
        s.function,
        StartingPosition="LATEST",
        BatchSize=5,
        MaximumBatchingWindowInSeconds=1,
    )
    _put(ddb, s.table, *[f"k{i}" for i in range(7)])

    wait_until(lambda: len(_seen(s.sink)) == 7, 15, "seven records")
    assert [len(i["seqs"]) for i in _invocations(s.sink)] == [5, 2]


def test_a_failed_batch_blocks_its_shard_until_it_succeeds(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    # GIVEN a record that fails its first three deliveries, then two more records
    s = stream(FAIL_PK="bad", FAIL_TIMES="3")
    _put(ddb, s.table, "bad", "next-1", "next-2")

    # WHEN the mapping delivers one record per batch
    make_stream_mapping(s.arn, s.function, BatchSize=1)

    # THEN the bad record is retried until it succeeds, and nothing after it runs meanwhile
    wait_until(lambda: len(_seen(s.sink)) == 3, 15, "all three records")
    keys = [i["keys"][0] for i in _invocations(s.sink)]
    assert keys == ["bad", "bad", "bad", "bad", "next-1", "next-2"]
    assert [i["key"] for i in _seen(s.sink)] == ["bad", "next-1", "next-2"]


def test_bisect_isolates_the_one_bad_record(
    ddb: Any, sqs: Any, stream: Any, make_queue: Any, make_stream_mapping: Any
) -> None:
    s = stream(FAIL_PK="bad")  # fails every time
    url, queue_arn = make_queue()
    _put(ddb, s.table, "a", "b", "bad", "d", "e", "f")

    make_stream_mapping(
        s.arn,
        s.function,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )

    [message] = receive_all(sqs, url, 1)
    info = json.loads(message["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    # (a failed invocation had already recorded the good records before the bad one)
    good = wait_until(
        lambda: {i["key"] for i in _seen(s.sink)} == {"a", "b", "d", "e", "f"}, 15, "the rest"
    )
    assert good
    alone = [i for i in _invocations(s.sink) if i["keys"] == ["bad"]]
    assert len(alone) == 2  # once when the split reached it, once more for its one retry
    assert alone[0]["seqs"] == [info["startSequenceNumber"]]
    assert max(len(i["seqs"]) for i in _invocations(s.sink)) == 6  # the whole batch first


def test_report_batch_item_failures_checkpoints_at_the_first_failed_record(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    # GIVEN a batch whose third record is reported failed once
    s = stream(FAIL_PK="c", FAIL_TIMES="1", MODE="report")
    _put(ddb, s.table, "a", "b", "c", "d")

    make_stream_mapping(s.arn, s.function, FunctionResponseTypes=["ReportBatchItemFailures"])

    # THEN the retry starts at that record: the two before it are not delivered again
    wait_until(lambda: len(_seen(s.sink)) == 5, 15, "the retried records")
    assert [i["keys"] for i in _invocations(s.sink)] == [["a", "b", "c", "d"], ["c", "d"]]
    assert [i["key"] for i in _seen(s.sink)] == ["a", "b", "d", "c", "d"]


def test_on_failure_gets_aws_record_after_maximum_retry_attempts(
    ddb: Any, sqs: Any, stream: Any, make_queue: Any, make_stream_mapping: Any
) -> None:
    from aws_lambda_powertools.utilities.parser.models import (
        DynamoDBStreamLambdaOnFailureDestinationModel,
    )

    s = stream(FAIL_PK="bad")
    url, queue_arn = make_queue()
    _put(ddb, s.table, "bad", "after")

    make_stream_mapping(
        s.arn,
        s.function,
        BatchSize=1,
        MaximumRetryAttempts=2,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )

    [message] = receive_all(sqs, url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["version"] == "1.0"
    info = record["DDBStreamBatchInfo"]
    assert (info["batchSize"], info["streamArn"]) == (1, s.arn)
    DynamoDBStreamLambdaOnFailureDestinationModel.model_validate(record)
    # the shard moves on once the record is given up
    wait_until(lambda: [i["key"] for i in _seen(s.sink)] == ["after"], 15, "the next record")
    assert len([i for i in _invocations(s.sink) if i["keys"] == ["bad"]]) == 3


def test_records_older_than_maximum_record_age_go_to_on_failure_unprocessed(
    ddb: Any,
    sqs: Any,
    stream: Any,
    make_queue: Any,
    make_stream_mapping: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN records written two minutes ago (the clock of the stream source moved on)
    s = stream()
    url, queue_arn = make_queue()
    _put(ddb, s.table, "old-1", "old-2")
    real_now = stream_source.now
    monkeypatch.setattr(stream_source, "now", lambda: real_now() + 120)

    # WHEN a mapping with a one-minute age limit reads them
    make_stream_mapping(
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
    assert record["DDBStreamBatchInfo"]["batchSize"] == 2
    assert _invocations(s.sink) == []


def test_filter_criteria_skip_records_without_an_invocation(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    s = stream()
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": ["order"]}}}}
    make_stream_mapping(
        s.arn,
        s.function,
        StartingPosition="LATEST",
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
    )
    _put(ddb, s.table, "o1", kind="order")
    _put(ddb, s.table, "u1", kind="user")
    _put(ddb, s.table, "o1", kind="order")  # a MODIFY
    _put(ddb, s.table, "o2", kind="order")

    wait_until(lambda: len(_seen(s.sink)) == 2, 15, "the matching records")
    holds_for(lambda: len(_seen(s.sink)) == 2, 0.5, "only matching records delivered")
    assert [(i["key"], i["event_name"]) for i in _seen(s.sink)] == [
        ("o1", "INSERT"),
        ("o2", "INSERT"),
    ]


def test_records_of_each_key_arrive_in_write_order(
    ddb: Any, stream: Any, make_stream_mapping: Any
) -> None:
    s = stream()
    make_stream_mapping(s.arn, s.function, StartingPosition="LATEST", BatchSize=3)
    for version in range(8):
        for key in ("x", "y", "z"):
            _put(ddb, s.table, key, version=str(version))

    wait_until(lambda: len(_seen(s.sink)) == 24, 20, "every record")
    for key in ("x", "y", "z"):
        versions = [
            json.loads(i["record"])["dynamodb"]["NewImage"]["version"]["S"]
            for i in _seen(s.sink)
            if i["key"] == key
        ]
        assert versions == [str(v) for v in range(8)]


def test_stream_record_hop_links_the_write_to_the_invocation(
    localcloud: Any, lam: Any, make_function: Any, stream: Any, make_stream_mapping: Any
) -> None:
    # GIVEN a function that writes to a streamed table, whose stream feeds another function
    s = stream()
    writer = make_function("streams.write", env={"WRITE_TABLE": s.table})
    make_stream_mapping(s.arn, s.function, StartingPosition="LATEST")

    # WHEN the writer runs
    lam.invoke(FunctionName=writer, Payload=json.dumps({"pk": "traced"}))
    wait_until(lambda: _seen(s.sink), 15, "the stream handler")

    # THEN one trace holds: the writer's PutItem -> the stream record -> the stream handler
    traces = localcloud.runtime.traces
    [hop] = wait_until(
        lambda: traces.find(lambda h: h.kind == HopKind.STREAM and h.resource == s.table),
        5,
        "the stream record hop",
    )
    assert hop.detail["event_name"] == "INSERT" and hop.detail["stream"] == s.arn
    hops = {h.id: h for h in traces.get(hop.trace_id) or []}
    write = hops[hop.parent or ""]
    assert (write.kind, write.resource) == (HopKind.CALL, "PutItem")
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
    writer_invocation = hops[write.parent or ""]
    assert (writer_invocation.kind, writer_invocation.resource) == (HopKind.INVOKE, writer)


def test_a_mapping_on_a_stream_is_accepted_and_moto_never_runs_docker(
    ddb: Any, stream: Any, make_stream_mapping: Any, localcloud: Any
) -> None:
    s = stream()
    uuid = make_stream_mapping(s.arn, s.function)
    _put(ddb, s.table, "k")
    wait_until(lambda: _seen(s.sink), 15, "the record")
    logs = localcloud.client("logs")
    events = logs.filter_log_events(logGroupName=f"/aws/lambda/{s.function}")["events"]
    assert not [e for e in events if "docker" in e["message"].lower()]
    assert localcloud.client("lambda").get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"StartingPosition": "AT_TIMESTAMP"}, "StartingPosition"),
        ({"MaximumRecordAgeInSeconds": 30}, "MaximumRecordAgeInSeconds"),
        ({"TumblingWindowInSeconds": 60}, "TumblingWindowInSeconds"),
        ({"ParallelizationFactor": 2}, "ParallelizationFactor"),
        (
            {
                "DestinationConfig": {
                    "OnFailure": {"Destination": "arn:aws:lambda:us-east-1:123456789012:function:x"}
                }
            },
            "OnFailure",
        ),
    ],
)
def test_stream_mapping_settings_aws_refuses_or_the_cloud_cannot_run_are_refused(
    lam: Any, stream: Any, settings: dict[str, Any], named: str
) -> None:
    s = stream()
    arguments = {"StartingPosition": "LATEST", **settings}

    with pytest.raises(lam.exceptions.InvalidParameterValueException) as caught:
        lam.create_event_source_mapping(EventSourceArn=s.arn, FunctionName=s.function, **arguments)

    assert named in caught.value.response["Error"]["Message"]
    assert lam.list_event_source_mappings(FunctionName=s.function)["EventSourceMappings"] == []


def test_ttl_expiry_removes_items_with_dynamodbs_identity(
    localcloud: Any,
    ddb: Any,
    streams: Any,
    stream: Any,
    make_stream_mapping: Any,
) -> None:
    # GIVEN a streamed table with TTL on `expires`, one item expired and one not
    s = stream("OLD_IMAGE")
    ddb.update_time_to_live(
        TableName=s.table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    make_stream_mapping(
        s.arn,
        s.function,
        StartingPosition="LATEST",
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})}]},
    )
    now = int(time.time())
    for key, expires in (("old", now - 60), ("fresh", now + 3600)):
        ddb.put_item(TableName=s.table, Item={"pk": {"S": key}, "expires": {"N": str(expires)}})

    # WHEN the TTL sweep runs (it also runs every few seconds by itself)
    localcloud.runtime.ttl.sweep()

    # THEN the expired item is gone, its REMOVE record names DynamoDB's TTL as the remover
    assert "Item" not in ddb.get_item(TableName=s.table, Key={"pk": {"S": "old"}})
    assert "Item" in ddb.get_item(TableName=s.table, Key={"pk": {"S": "fresh"}})
    [removal] = [r for r in _all_records(streams, s.arn) if r["eventName"] == "REMOVE"]
    assert removal["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert removal["dynamodb"]["OldImage"]["pk"] == {"S": "old"}
    # AND the function's event carries it as Lambda spells it
    [seen] = wait_until(lambda: _seen(s.sink), 15, "the TTL removal delivered")
    record = json.loads(seen["record"])
    assert record["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def test_an_updated_mapping_delivers_to_its_new_function_from_where_it_was(
    localcloud: Any,
    ddb: Any,
    lam: Any,
    stream: Any,
    make_function: Any,
    make_stream_mapping: Any,
) -> None:
    s = stream()
    other = make_function("streams.handler", env={"SINK_TABLE": s.sink.name})
    uuid = make_stream_mapping(s.arn, s.function, StartingPosition="LATEST")
    _put(ddb, s.table, "first")
    wait_until(lambda: _seen(s.sink), 15, "the first record")

    lam.update_event_source_mapping(UUID=uuid, FunctionName=other, BatchSize=1)
    _put(ddb, s.table, "second")

    wait_until(lambda: len(_seen(s.sink)) == 2, 15, "the second record")
    assert [i["key"] for i in _seen(s.sink)] == ["first", "second"]
    second = json.loads(_seen(s.sink)[1]["record"])
    assert second["dynamodb"]["Keys"]["pk"]["S"] == "second"
    invocations = _invocations(s.sink)
    assert [i["keys"] for i in invocations] == [["first"], ["second"]]
    ran = localcloud.runtime.traces.find(
        lambda h: h.kind == HopKind.INVOKE and h.detail.get("source") == "dynamodb"
    )
    assert {h.resource for h in ran} >= {s.function, other}
    ours = sorted((h for h in ran if h.resource in (s.function, other)), key=lambda h: h.at)
    assert [h.resource for h in ours] == [s.function, other]


@pytest.mark.parametrize(
    ("specification", "named"),
    [
        ({"StreamEnabled": True, "StreamViewType": "EVERYTHING"}, "streamViewType"),
        ({"StreamEnabled": True}, "StreamViewType is required"),
    ],
)
def test_a_stream_without_a_valid_view_type_is_refused(
    ddb: Any, specification: dict[str, Any], named: str
) -> None:
    name = unique("refused")
    with pytest.raises(ddb.exceptions.ClientError) as caught:
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification=specification,
        )

    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert named in caught.value.response["Error"]["Message"]
    assert name not in ddb.list_tables()["TableNames"]
