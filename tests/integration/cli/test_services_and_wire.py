"""The ten services answer boto3 with any credentials and region, and LocalStack tooling
(localstack-client sessions, the AWS CLI with --endpoint-url) works against the cloud unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from cli_support import unique

pytestmark = pytest.mark.integration

REGIONS = ["us-east-1", "eu-west-3"]


def session(region: str) -> boto3.Session:
    return boto3.Session(
        aws_access_key_id=unique("AKIAANY"),
        aws_secret_access_key=unique("any-secret"),
        aws_session_token=unique("token"),
        region_name=region,
    )


def _sts(c: Any, name: str) -> None:
    assert c.get_caller_identity()["Account"].isdigit()


def _iam(c: Any, name: str) -> None:
    c.create_user(UserName=name)
    assert name in [u["UserName"] for u in c.list_users()["Users"]]


def _s3(c: Any, name: str) -> None:
    region = c.meta.region_name
    # as on AWS, a bucket outside us-east-1 names its region
    extra = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    c.create_bucket(Bucket=name, **extra)
    c.put_object(Bucket=name, Key="k", Body=b"v")
    assert c.get_object(Bucket=name, Key="k")["Body"].read() == b"v"


def _sqs(c: Any, name: str) -> None:
    url = c.create_queue(QueueName=name)["QueueUrl"]
    c.send_message(QueueUrl=url, MessageBody="hello")
    assert c.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"


def _sns(c: Any, name: str) -> None:
    arn = c.create_topic(Name=name)["TopicArn"]
    assert arn in [t["TopicArn"] for t in c.list_topics()["Topics"]]


def _events(c: Any, name: str) -> None:
    c.put_rule(Name=name, EventPattern=json.dumps({"source": [name]}))
    assert c.describe_rule(Name=name)["Name"] == name


def _lambda(c: Any, name: str) -> None:
    assert isinstance(c.list_functions()["Functions"], list)


def _dynamodb(c: Any, name: str) -> None:
    c.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    c.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert c.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def _logs(c: Any, name: str) -> None:
    c.create_log_group(logGroupName=f"/test/{name}")
    groups = c.describe_log_groups(logGroupNamePrefix=f"/test/{name}")["logGroups"]
    assert [g["logGroupName"] for g in groups] == [f"/test/{name}"]


def _ses(c: Any, name: str) -> None:
    c.verify_email_identity(EmailAddress=f"{name}@example.com")
    assert f"{name}@example.com" in c.list_identities()["Identities"]


SERVICES: dict[str, Callable[[Any, str], None]] = {
    "sts": _sts,
    "iam": _iam,
    "s3": _s3,
    "sqs": _sqs,
    "sns": _sns,
    "events": _events,
    "lambda": _lambda,
    "dynamodb": _dynamodb,
    "logs": _logs,
    "ses": _ses,
}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_answers_with_arbitrary_credentials_and_region(
    localcloud: Any, service: str, region: str
) -> None:
    client: Any = session(region).client(service, endpoint_url=localcloud.endpoint_url)  # type: ignore[call-overload]

    SERVICES[service](client, unique("svc"))


@pytest.fixture
def localstack_session(localcloud: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from localstack_client.session import Session

    # AWS_ENDPOINT_URL would win over localstack_host in localstack-client
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    return Session(localstack_host=f"127.0.0.1:{localcloud.port}")


def test_localstack_client_session_reaches_sqs_sns_and_s3(localstack_session: Any) -> None:
    sqs = localstack_session.client("sqs")
    name = unique("ls-queue")

    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="via localstack-client")

    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "via localstack-client"
    topic = localstack_session.client("sns").create_topic(Name=name)["TopicArn"]
    assert topic.endswith(f":{name}")
    bucket = unique("ls-bucket")
    localstack_session.client("s3").create_bucket(Bucket=bucket)
    assert bucket in [b["Name"] for b in localstack_session.client("s3").list_buckets()["Buckets"]]


def test_localstack_client_finds_the_cloud_through_localstack_host(
    localcloud: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from localstack_client.session import Session

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("LOCALSTACK_HOST", f"127.0.0.1:{localcloud.port}")

    identity = Session().client("sts").get_caller_identity()

    assert identity["Account"].isdigit()


def aws(localcloud: Any, *args: str) -> Any:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "anything",
        "AWS_SECRET_ACCESS_KEY": "anything",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "AWS_PAGER": "",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("AWS_PROFILE", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "--endpoint-url",
            localcloud.endpoint_url,
            "--output",
            "json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def test_aws_cli_creates_and_uses_a_queue(localcloud: Any) -> None:
    name = unique("cli-queue")

    created = aws(localcloud, "sqs", "create-queue", "--queue-name", name)
    aws(
        localcloud,
        "sqs",
        "send-message",
        "--queue-url",
        created["QueueUrl"],
        "--message-body",
        "from the aws cli",
    )
    received = aws(localcloud, "sqs", "receive-message", "--queue-url", created["QueueUrl"])

    assert created["QueueUrl"].endswith(f"/{name}")
    assert received["Messages"][0]["Body"] == "from the aws cli"
    # the CLI's region holds the queue, as on AWS
    sqs = session("eu-central-1").client("sqs", endpoint_url=localcloud.endpoint_url)
    assert created["QueueUrl"].rsplit("/", 1)[-1] in [
        u.rsplit("/", 1)[-1] for u in sqs.list_queues(QueueNamePrefix=name)["QueueUrls"]
    ]


def test_aws_cli_sts_and_s3(localcloud: Any) -> None:
    bucket = unique("cli-bucket")

    identity = aws(localcloud, "sts", "get-caller-identity")
    aws(
        localcloud,
        "s3api",
        "create-bucket",
        "--bucket",
        bucket,
        "--create-bucket-configuration",
        "LocationConstraint=eu-central-1",
    )
    listed = aws(localcloud, "s3api", "list-buckets")

    assert identity["Account"].isdigit()
    assert bucket in [b["Name"] for b in listed["Buckets"]]


def test_s3_metadata_keys_keep_their_case_on_the_wire(localcloud: Any) -> None:
    # botocore takes metadata keys from the x-amz-meta-* header names, which AWS sends in lower
    # case; an HTTP server that capitalises header names would turn "meta" into "Meta"
    s3 = localcloud.client("s3")
    bucket = unique("wire-meta")
    s3.create_bucket(Bucket=bucket)
    metadata = {"meta": "simple", "my-meta": "dash", "meta.data": "namespaced"}

    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata=metadata)

    assert s3.get_object(Bucket=bucket, Key="k")["Metadata"] == metadata
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == metadata


def test_an_empty_s3_object_is_put_and_read_back(localcloud: Any) -> None:
    # botocore sends Expect: 100-continue with an empty PutObject; the server must not wait for
    # a body the request says it does not have
    s3 = localcloud.client("s3")
    bucket = unique("wire-empty")
    s3.create_bucket(Bucket=bucket)

    s3.put_object(Bucket=bucket, Key="empty", Body=b"")

    got = s3.get_object(Bucket=bucket, Key="empty")
    assert (got["ContentLength"], got["Body"].read()) == (0, b"")


@pytest.mark.parametrize("key", ["x?y", "a%2Fb", "dir/run_dt%3D2019", "😀 space+plus"])
def test_s3_keys_with_reserved_characters_round_trip(localcloud: Any, key: str) -> None:
    s3 = localcloud.client("s3")
    bucket = unique("wire-keys")
    s3.create_bucket(Bucket=bucket)

    s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"x"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": key})
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key}]})
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["copy"]


def test_s3_metadata_keys_with_underscores_survive(localcloud: Any) -> None:
    s3 = localcloud.client("s3")
    bucket = unique("wire-underscore")
    s3.create_bucket(Bucket=bucket)
    metadata = {"transform_watermark": "yes", "plain": "p"}

    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata=metadata)

    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == metadata
