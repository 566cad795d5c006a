"""`up --state DIR` with a Kinesis stream mapping: after a restart the mapping goes on from each
shard's checkpoint, so records delivered before the restart are not delivered again."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from server_support import Cloud, wait_for

pytestmark = pytest.mark.integration

RECORDER = """
import base64
import boto3

def handler(event, context):
    client = boto3.client("dynamodb")
    for record in event["Records"]:
        data = base64.b64decode(record["kinesis"]["data"]).decode()
        client.put_item(
            TableName="seen",
            Item={"pk": {"S": data + "#" + context.aws_request_id}, "data": {"S": data}},
        )
"""


def _seen(cloud: Cloud) -> list[str]:
    dynamodb: Any = cloud.client("dynamodb")
    items = dynamodb.scan(TableName="seen", ConsistentRead=True)["Items"]
    return sorted(item["data"]["S"] for item in items)


def _put(cloud: Cloud, *datas: str) -> None:
    kinesis: Any = cloud.client("kinesis")
    for index, data in enumerate(datas):
        kinesis.put_record(StreamName="written", Data=data.encode(), PartitionKey=f"p{index}")


def test_a_kinesis_mapping_goes_on_from_its_shard_checkpoints_after_a_restart(
    start_cloud: Any, tmp_path: Path
) -> None:
    # GIVEN a TRIM_HORIZON mapping on a two-shard stream that delivered records, then a stop
    first = start_cloud("--state", str(tmp_path))
    kinesis: Any = first.client("kinesis")
    kinesis.create_stream(StreamName="written", ShardCount=2)
    stream_arn = kinesis.describe_stream_summary(StreamName="written")["StreamDescriptionSummary"][
        "StreamARN"
    ]
    first.client("dynamodb").create_table(
        TableName="seen",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    iam: Any = first.client("iam")
    role = iam.create_role(RoleName="recorder", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("recorder.py", RECORDER)
    lam: Any = first.client("lambda")
    lam.create_function(
        FunctionName="recorder",
        Runtime="python3.12",
        Role=role,
        Handler="recorder.handler",
        Code={"ZipFile": archive.getvalue()},
    )
    lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName="recorder", StartingPosition="TRIM_HORIZON"
    )
    _put(first, "a", "b", "c", "d")
    wait_for(lambda: _seen(first) == ["a", "b", "c", "d"], 30, "the records before the restart")
    first.stop()

    # WHEN the cloud comes back with its state and another record is written
    second = start_cloud("--state", str(tmp_path))
    _put(second, "e")

    # THEN only the new record is delivered
    wait_for(lambda: "e" in _seen(second), 30, "the record after the restart")
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        assert _seen(second) == ["a", "b", "c", "d", "e"]
        time.sleep(0.1)
