"""`up --state DIR`: the whole state survives a restart; a bad state file is refused untouched."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from server_support import Cloud

pytestmark = pytest.mark.integration

# How long the message received before the restart stays hidden (longer than a restart takes).
HIDDEN_S = 12


def fill(cloud: Cloud) -> dict[str, Any]:
    """Resources of every kind the cloud keeps, and what they should hold after a restart."""
    sqs: Any = cloud.client("sqs")
    url = sqs.create_queue(QueueName="kept", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    for n in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    in_flight = sqs.receive_message(QueueUrl=url, VisibilityTimeout=HIDDEN_S)["Messages"][0]
    table: Any = cloud.client("dynamodb")
    table.create_table(
        TableName="kept",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.put_item(TableName="kept", Item={"pk": {"S": "ada"}, "n": {"N": "1"}})
    s3: Any = cloud.client("s3")
    s3.create_bucket(Bucket="kept-bucket")
    s3.put_object(Bucket="kept-bucket", Key="a/b.txt", Body=b"kept bytes")
    sns: Any = cloud.client("sns")
    topic = sns.create_topic(Name="kept")["TopicArn"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["QueueArn"])
    iam: Any = cloud.client("iam")
    iam.create_role(RoleName="kept-role", AssumeRolePolicyDocument="{}")
    iam.attach_role_policy(
        RoleName="kept-role",
        PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    return {"url": url, "in_flight": in_flight["Body"], "topic": topic, "sent_at": time.time()}


def test_everything_is_there_after_sigterm_and_a_restart(start_cloud: Any, tmp_path: Path) -> None:
    first = start_cloud("--state", str(tmp_path))
    expected = fill(first)
    stderr = first.stop()  # SIGTERM: a clean stop saves
    assert (tmp_path / "state.bin").is_file(), stderr

    second = start_cloud("--state", str(tmp_path))
    sqs: Any = second.client("sqs")
    url = sqs.get_queue_url(QueueName="kept")["QueueUrl"]
    visible = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    bodies = sorted(m["Body"] for m in visible.get("Messages", []))
    assert len(bodies) == 2 and expected["in_flight"] not in bodies  # still hidden
    time.sleep(max(0.0, expected["sent_at"] + HIDDEN_S + 0.5 - time.time()))
    again = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=5,
        AttributeNames=["ApproximateReceiveCount"],
    )
    [returned] = [m for m in again["Messages"] if m["Body"] == expected["in_flight"]]
    assert returned["Attributes"]["ApproximateReceiveCount"] == "2"  # its count was kept

    items = second.client("dynamodb").scan(TableName="kept")["Items"]  # type: ignore[attr-defined]
    assert items == [{"pk": {"S": "ada"}, "n": {"N": "1"}}]
    body = second.client("s3").get_object(Bucket="kept-bucket", Key="a/b.txt")["Body"]  # type: ignore[attr-defined]
    assert body.read() == b"kept bytes"
    iam: Any = second.client("iam")
    attached = iam.list_attached_role_policies(RoleName="kept-role")["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSLambdaBasicExecutionRole"]
    sns: Any = second.client("sns")
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=expected["topic"])["Subscriptions"]
    assert subscription["Protocol"] == "sqs"
    sns.publish(TopicArn=expected["topic"], Message="after the restart")
    delivered = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=5)
    assert any("after the restart" in m["Body"] for m in delivered["Messages"])


def test_a_corrupted_state_file_is_refused_and_left_as_it_is(
    start_cloud: Any, tmp_path: Path
) -> None:
    saved = tmp_path / "state.bin"
    saved.write_bytes(b"LOCALCLOUD-STATE\n{not json\nrest")
    before = saved.read_bytes()
    with pytest.raises(AssertionError, match="corrupted"):
        start_cloud("--state", str(tmp_path))
    assert saved.read_bytes() == before


def test_a_state_file_of_another_version_is_refused(start_cloud: Any, tmp_path: Path) -> None:
    saved = tmp_path / "state.bin"
    saved.write_bytes(b'LOCALCLOUD-STATE\n{"format": 1, "localcloud": "0.0.1", "moto": "4.0"}\nx')
    with pytest.raises(AssertionError, match=r"saved by localcloud 0\.0\.1"):
        start_cloud("--state", str(tmp_path))
