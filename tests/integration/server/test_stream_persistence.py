"""`up --state DIR` with a DynamoDB stream mapping: after a restart the mapping goes on from its
checkpoint, so records delivered before the restart are not delivered again."""

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
import boto3

def handler(event, context):
    client = boto3.client("dynamodb")
    for record in event["Records"]:
        key = record["dynamodb"]["Keys"]["pk"]["S"]
        client.put_item(
            TableName="seen",
            Item={"pk": {"S": key + "#" + context.aws_request_id}, "key": {"S": key}},
        )
"""


def _table(cloud: Cloud, name: str, stream: bool) -> str:
    dynamodb: Any = cloud.client("dynamodb")
    extra = (
        {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}}
        if stream
        else {}
    )
    table = dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )["TableDescription"]
    return str(table.get("LatestStreamArn", ""))


def _seen(cloud: Cloud) -> list[str]:
    dynamodb: Any = cloud.client("dynamodb")
    items = dynamodb.scan(TableName="seen", ConsistentRead=True)["Items"]
    return sorted(item["key"]["S"] for item in items)


def _put(cloud: Cloud, *keys: str) -> None:
    dynamodb: Any = cloud.client("dynamodb")
    for key in keys:
        dynamodb.put_item(TableName="written", Item={"pk": {"S": key}})


def test_a_stream_mapping_goes_on_from_its_checkpoint_after_a_restart(
    start_cloud: Any, tmp_path: Path
) -> None:
    # GIVEN a TRIM_HORIZON mapping that delivered two records, then a clean stop
    first = start_cloud("--state", str(tmp_path))
    stream_arn = _table(first, "written", stream=True)
    _table(first, "seen", stream=False)
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
    _put(first, "a", "b")
    wait_for(lambda: _seen(first) == ["a", "b"], 30, "the records before the restart")
    first.stop()

    # WHEN the cloud comes back with its state and a third record is written
    second = start_cloud("--state", str(tmp_path))
    _put(second, "c")

    # THEN only the new record is delivered
    wait_for(lambda: "c" in _seen(second), 30, "the record after the restart")
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        assert _seen(second) == ["a", "b", "c"]
        time.sleep(0.1)
