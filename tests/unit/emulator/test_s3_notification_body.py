"""The PutBucketNotificationConfiguration body as the S3 patch reads it (moto_patches/s3.py):
moto's form out, S3's errors for what S3 refuses to read."""

from __future__ import annotations

import pytest
from moto.s3.exceptions import S3ClientError

from localcloud.emulator.moto_patches.s3 import parse_configuration

NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def body(inner: str) -> bytes:
    return f"<NotificationConfiguration {NS}>{inner}</NotificationConfiguration>".encode()


QUEUE = (
    "<QueueConfiguration><Id>q</Id><Queue>arn:aws:sqs:us-east-1:123456789012:q</Queue>"
    "<Event>s3:ObjectCreated:*</Event>{filter}</QueueConfiguration>"
)


def rules(*pairs: tuple[str, str]) -> str:
    inner = "".join(
        f"<FilterRule><Name>{n}</Name><Value>{v}</Value></FilterRule>" for n, v in pairs
    )
    return f"<Filter><S3Key>{inner}</S3Key></Filter>"


def test_rule_names_are_taken_in_any_case_and_kept_in_lower_case() -> None:
    config = parse_configuration(
        body(QUEUE.format(filter=rules(("Prefix", "in/"), ("SUFFIX", ".csv"))))
    )

    [queue] = config["QueueConfiguration"]
    assert queue["Event"] == ["s3:ObjectCreated:*"]
    assert queue["Filter"]["S3Key"]["FilterRule"] == [
        {"Name": "prefix", "Value": "in/"},
        {"Name": "suffix", "Value": ".csv"},
    ]


def test_two_prefix_rules_are_refused() -> None:
    with pytest.raises(S3ClientError, match="more than one prefix rule"):
        parse_configuration(body(QUEUE.format(filter=rules(("prefix", "a"), ("prefix", "b")))))


def test_an_unknown_rule_name_is_refused() -> None:
    with pytest.raises(S3ClientError, match="prefix or suffix"):
        parse_configuration(body(QUEUE.format(filter=rules(("contains", "a")))))


def test_an_empty_configuration_clears_and_eventbridge_alone_is_kept() -> None:
    assert parse_configuration(body("")) == {}
    assert parse_configuration(body("<EventBridgeConfiguration/>")) == {
        "EventBridgeConfiguration": {}
    }


@pytest.mark.parametrize("text", [b"<NotificationConfiguration", b"<Other/>"])
def test_a_body_s3_cannot_read_is_malformed_xml(text: bytes) -> None:
    with pytest.raises(S3ClientError) as caught:
        parse_configuration(text)

    assert caught.value.code == "MalformedXML"


def test_an_arn_of_the_wrong_service_is_not_well_formed() -> None:
    topic_as_queue = QUEUE.format(filter="").replace("arn:aws:sqs:", "arn:aws:sns:")

    with pytest.raises(S3ClientError, match="The ARN is not well formed"):
        parse_configuration(body(topic_as_queue))
