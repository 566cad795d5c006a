"""Fixtures for the gateway's refusal tests: boto3 clients on the session's local cloud that
leave validation to it, a role Lambda can assume, and CreateFunction's arguments."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from refusal_support import GOOD_PACKAGE, unique, unvalidating_client

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
def sqs(localcloud: Any) -> Any:
    return unvalidating_client("sqs", localcloud.endpoint_url)


@pytest.fixture(scope="session")
def sns(localcloud: Any) -> Any:
    return unvalidating_client("sns", localcloud.endpoint_url)


@pytest.fixture(scope="session")
def events(localcloud: Any) -> Any:
    return unvalidating_client("events", localcloud.endpoint_url)


@pytest.fixture(scope="session")
def lam(localcloud: Any) -> Any:
    return unvalidating_client("lambda", localcloud.endpoint_url)


@pytest.fixture(scope="session")
def role_arn(localcloud: Any) -> str:
    iam = unvalidating_client("iam", localcloud.endpoint_url)
    role = iam.create_role(RoleName=unique("refusals"), AssumeRolePolicyDocument=TRUST)
    return str(role["Role"]["Arn"])


@pytest.fixture
def function_spec(role_arn: str) -> Callable[..., dict[str, Any]]:
    """Factory: CreateFunction's arguments for a new function, with ``overrides``."""

    def spec(**overrides: Any) -> dict[str, Any]:
        return {
            "FunctionName": unique("refused"),
            "Runtime": "python3.12",
            "Role": role_arn,
            "Handler": "index.handler",
            "Code": {"ZipFile": GOOD_PACKAGE},
            **overrides,
        }

    return spec


@pytest.fixture
def queue(sqs: Any) -> Iterator[str]:
    """A standard queue's URL; deleted after the test."""
    url = str(sqs.create_queue(QueueName=unique("refusals"))["QueueUrl"])
    yield url
    sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def topic(sns: Any) -> Iterator[str]:
    """A standard topic's ARN; deleted after the test."""
    arn = str(sns.create_topic(Name=unique("refusals"))["TopicArn"])
    yield arn
    sns.delete_topic(TopicArn=arn)


@pytest.fixture
def fifo_topic(sns: Any) -> Iterator[str]:
    """A FIFO topic's ARN; deleted after the test."""
    name = unique("refusals") + ".fifo"
    arn = str(sns.create_topic(Name=name, Attributes={"FifoTopic": "true"})["TopicArn"])
    yield arn
    sns.delete_topic(TopicArn=arn)
