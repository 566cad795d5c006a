"""Fixtures for the engine's integration tests: factories of functions, queues, tables and
mappings with unique names, deployed through boto3 on the session's local cloud and removed after
each test."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from engine_support import handlers_zip, queue_empty, unique, wait_until

ROLE_POLICY = json.dumps(
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
def role_arn(localcloud: Any) -> str:
    iam = localcloud.client("iam")
    name = unique("engine-tests-role")
    return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"])


@pytest.fixture(scope="session")
def code_zip() -> bytes:
    return handlers_zip()


@pytest.fixture
def lam(localcloud: Any) -> Any:
    return localcloud.client("lambda")


@pytest.fixture
def sqs(localcloud: Any) -> Any:
    return localcloud.client("sqs")


@pytest.fixture
def fast_retries(localcloud: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Async retries after 0.2 and 0.4 s instead of the local default 1 and 2 s."""
    monkeypatch.setattr(localcloud.runtime.invoker, "retry_delays", (0.2, 0.4))


@pytest.fixture
def make_function(lam: Any, role_arn: str, code_zip: bytes) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(
        handler: str,
        *,
        env: dict[str, str] | None = None,
        timeout: int = 10,
        memory: int = 128,
        tags: dict[str, str] | None = None,
        dead_letter_arn: str | None = None,
        prefix: str = "fn",
        extra_files: dict[str, str] | None = None,
    ) -> str:
        name = unique(prefix)
        kwargs: dict[str, Any] = {}
        if env:
            kwargs["Environment"] = {"Variables": env}
        if tags:
            kwargs["Tags"] = tags
        if dead_letter_arn:
            kwargs["DeadLetterConfig"] = {"TargetArn": dead_letter_arn}
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler=handler,
            Code={"ZipFile": handlers_zip(extra_files) if extra_files else code_zip},
            Timeout=timeout,
            MemorySize=memory,
            **kwargs,
        )
        created.append(name)
        return name

    yield make
    for name in created:
        lam.delete_function(FunctionName=name)


@pytest.fixture
def make_queue(sqs: Any) -> Iterator[Callable[..., tuple[str, str]]]:
    """Queues as (url, arn); ``dlq_arn`` with ``max_receives`` sets a redrive policy."""
    created: list[str] = []

    def make(
        *,
        fifo: bool = False,
        visibility: int = 3,
        dlq_arn: str | None = None,
        max_receives: int = 3,
        prefix: str = "q",
    ) -> tuple[str, str]:
        name = unique(prefix) + (".fifo" if fifo else "")
        attributes = {"VisibilityTimeout": str(visibility)}
        if fifo:
            attributes["FifoQueue"] = "true"
            attributes["ContentBasedDeduplication"] = "true"
        if dlq_arn:
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
            )
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        created.append(url)
        return url, arn

    yield make
    for url in created:
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def make_table(localcloud: Any) -> Iterator[Callable[[], Any]]:
    """DynamoDB tables keyed by a string `pk`, as boto3 resource Tables."""
    import boto3

    resource = boto3.resource(
        "dynamodb",
        endpoint_url=localcloud.endpoint_url,
        region_name=localcloud.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    created: list[Any] = []

    def make() -> Any:
        table = resource.create_table(
            TableName=unique("sink"),
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        created.append(table)
        return table

    yield make
    for table in created:
        table.delete()


@pytest.fixture
def make_mapping(lam: Any, sqs: Any) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(queue_arn: str, function: str, **kwargs: Any) -> str:
        kwargs.setdefault("BatchSize", 10)
        mapping = lam.create_event_source_mapping(
            EventSourceArn=queue_arn, FunctionName=function, **kwargs
        )
        created.append(mapping["UUID"])
        return str(mapping["UUID"])

    yield make
    for uuid in created:
        with contextlib.suppress(lam.exceptions.ResourceNotFoundException):
            lam.delete_event_source_mapping(UUID=uuid)


@pytest.fixture
def drained(sqs: Any) -> Callable[[str], None]:
    """Wait until a queue has neither visible nor in-flight messages."""

    def wait(url: str, timeout: float = 15.0) -> None:
        wait_until(lambda: queue_empty(sqs, url), timeout, f"{url} to drain")

    return wait
