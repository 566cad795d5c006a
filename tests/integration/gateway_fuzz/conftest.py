"""Fixtures for the gateway fuzz suite: a door onto the session's local cloud, and resources
that exist (a queue of each type, a table, a function, a topic, a bucket, a role, a log group)
whose names the generated requests use, so that they reach past "not found"."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fuzz_support import Door, Hints

ECHO = "def handler(event, context):\n    return event\n"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@pytest.fixture(scope="session")
def door(localcloud: Any) -> Iterator[Door]:
    opened = Door(localcloud.host, localcloud.port)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def hints(localcloud: Any) -> Hints:
    """Resources made once for the whole suite, named as generated requests name them."""
    mark = uuid.uuid4().hex[:8]
    sqs, sns, lam, iam, s3, ddb, logs = (
        localcloud.client(name)
        for name in ("sqs", "sns", "lambda", "iam", "s3", "dynamodb", "logs")
    )
    queue = sqs.create_queue(QueueName=f"fuzz-{mark}")["QueueUrl"]
    fifo = sqs.create_queue(
        QueueName=f"fuzz-{mark}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    table = f"fuzz-{mark}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    role = f"fuzz-{mark}"
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("index.py", ECHO)
    function = f"fuzz-{mark}"
    lam.create_function(
        FunctionName=function,
        Runtime="python3.12",
        Role=role_arn,
        Handler="index.handler",
        Code={"ZipFile": package.getvalue()},
    )
    topic = sns.create_topic(Name=f"fuzz-{mark}")["TopicArn"]
    bucket = f"fuzz-{mark}"
    s3.create_bucket(Bucket=bucket)
    group = f"/fuzz/{mark}"
    logs.create_log_group(logGroupName=group)
    return Hints(
        {
            "QueueUrl": [queue, fifo],
            "QueueName": [f"fuzz-{mark}", f"fuzz-{mark}.fifo"],
            "TableName": [table],
            "FunctionName": [function],
            "Role": [role_arn],
            "RoleName": [role],
            "TopicArn": [topic],
            "Bucket": [bucket],
            "logGroupName": [group],
            "EventBusName": ["default"],
            "Source": ["fuzz.source"],
            "ReceiptHandle": ["not-a-handle"],
        }
    )
