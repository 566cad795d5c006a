"""S3 notification payloads held to Powertools' parser models, and S3's matching and
configuration rules (engine/s3_shapes.py)."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    S3EventNotificationEventBridgeModel,
    S3Model,
)

from localcloud.emulator.views import S3Destination, S3NotificationConfig, S3ObjectEvent
from localcloud.engine import s3_shapes
from localcloud.engine.s3 import Sequencer

NOW = 1_796_000_000.25


def config(*destinations: S3Destination, event_bridge: bool = False) -> S3NotificationConfig:
    return S3NotificationConfig(
        bucket="uploads",
        region="eu-west-1",
        account_id="123456789012",
        destinations=destinations,
        event_bridge=event_bridge,
    )


def queue(
    events: tuple[str, ...], prefix: str = "", suffix: str = "", id: str = "q"
) -> S3Destination:
    return S3Destination(
        "queue", id, "arn:aws:sqs:eu-west-1:123456789012:q", events, prefix, suffix
    )


def event(name: str, key: str = "in/a b+c.txt", version: str | None = None) -> S3ObjectEvent:
    removed = name.startswith("s3:ObjectRemoved:")
    return S3ObjectEvent(
        event_name=name,
        config=config(queue(("s3:ObjectCreated:*",)), event_bridge=True),
        key=key,
        size=None if removed else 42,
        etag=None if removed else "0123456789abcdef0123456789abcdef",
        version_id=version,
        at=NOW,
    )


def record_of(e: S3ObjectEvent) -> dict[str, object]:
    return s3_shapes.record(
        e,
        configuration_id="cfg",
        sequencer="0055AED6DCD90281E5",
        request_id="C3D13FE58DE4C810",
        host_id="FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
        principal_id="AWS:123456789012",
        source_ip="127.0.0.1",
    )


def test_created_record_parses_as_powertools_s3_model_with_the_key_url_encoded() -> None:
    parsed = S3Model.model_validate({"Records": [record_of(event("s3:ObjectCreated:Put"))]})

    [record] = parsed.Records
    assert record.eventVersion == "2.1"
    assert record.eventName == "ObjectCreated:Put"
    assert record.eventTime.isoformat().startswith("2026-")
    assert record.s3.s3SchemaVersion == "1.0"
    assert record.s3.bucket.arn == "arn:aws:s3:::uploads"
    assert record.s3.object is not None
    assert record.s3.object.key == "in/a+b%2Bc.txt"
    assert record.s3.object.size == 42
    assert record.s3.object.versionId is None


def test_removed_record_has_no_size_and_keeps_the_version() -> None:
    raw = record_of(event("s3:ObjectRemoved:DeleteMarkerCreated", version="v2"))

    [record] = S3Model.model_validate({"Records": [raw]}).Records
    assert record.eventName == "ObjectRemoved:DeleteMarkerCreated"
    assert record.s3.object is not None
    assert record.s3.object.size is None and record.s3.object.eTag is None
    assert record.s3.object.versionId == "v2"


@pytest.mark.parametrize(
    ("name", "detail_type", "reason", "deletion"),
    [
        ("s3:ObjectCreated:Put", "Object Created", "PutObject", None),
        (
            "s3:ObjectCreated:CompleteMultipartUpload",
            "Object Created",
            "CompleteMultipartUpload",
            None,
        ),
        ("s3:ObjectRemoved:Delete", "Object Deleted", "DeleteObject", "Permanently Deleted"),
        (
            "s3:ObjectRemoved:DeleteMarkerCreated",
            "Object Deleted",
            "DeleteObject",
            "Delete Marker Created",
        ),
    ],
)
def test_eventbridge_events_parse_as_powertools_model(
    name: str, detail_type: str, reason: str, deletion: str | None
) -> None:
    raw = s3_shapes.eventbridge_event(
        event(name),
        event_id="id-1",
        sequencer="0055AED6DCD90281E5",
        request_id="R",
        requester="123456789012",
        source_ip="127.0.0.1",
    )

    parsed = S3EventNotificationEventBridgeModel.model_validate(raw)
    assert parsed.source == "aws.s3"
    assert parsed.detail_type == detail_type
    assert parsed.region == "eu-west-1"
    assert parsed.detail.object.key == "in/a b+c.txt"
    assert parsed.detail.reason == reason
    assert parsed.detail.deletion_type == deletion


def test_test_event_names_the_bucket() -> None:
    body = s3_shapes.test_event("uploads", now=NOW, request_id="R", host_id="H")

    assert body == {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": "2026-11-30T00:53:20.250Z",
        "Bucket": "uploads",
        "RequestId": "R",
        "HostId": "H",
    }


def test_wildcards_and_filters_select_destinations() -> None:
    images = queue(("s3:ObjectCreated:*",), prefix="images/", suffix=".jpg", id="images")
    removals = queue(("s3:ObjectRemoved:Delete",), id="removals")
    held = config(images, removals)

    assert s3_shapes.destinations_for(held, "s3:ObjectCreated:Copy", "images/a.jpg") == [images]
    assert s3_shapes.destinations_for(held, "s3:ObjectCreated:Put", "images/a.png") == []
    assert s3_shapes.destinations_for(held, "s3:ObjectRemoved:Delete", "x") == [removals]
    assert s3_shapes.destinations_for(held, "s3:ObjectRemoved:DeleteMarkerCreated", "x") == []


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (queue(("s3:ObjectCreated:*",)), queue(("s3:ObjectCreated:Put",)), True),
        (
            queue(("s3:ObjectCreated:*",), prefix="a/"),
            queue(("s3:ObjectCreated:*",), prefix="b/"),
            False,
        ),
        (
            queue(("s3:ObjectCreated:*",), prefix="a/"),
            queue(("s3:ObjectCreated:*",), prefix="a/b/"),
            True,
        ),
        (
            queue(("s3:ObjectCreated:*",), suffix=".jpg"),
            queue(("s3:ObjectCreated:*",), suffix=".png"),
            False,
        ),
        (queue(("s3:ObjectCreated:Put",)), queue(("s3:ObjectRemoved:*",)), False),
    ],
    ids=[
        "wildcard and member",
        "distinct prefixes",
        "nested prefixes",
        "distinct suffixes",
        "other events",
    ],
)
def test_overlapping_configurations_are_refused(
    first: S3Destination, second: S3Destination, overlap: bool
) -> None:
    problem = s3_shapes.configuration_problem(config(first, second))

    assert (problem is not None and problem.startswith("Configurations overlap")) is overlap


def test_an_unknown_event_is_refused() -> None:
    problem = s3_shapes.configuration_problem(config(queue(("s3:ObjectCreated:Upload",))))

    assert problem is not None
    assert problem.startswith(
        "The event 's3:ObjectCreated:Upload' is not supported for notifications. Supported "
        "events are as follows: ['s3:IntelligentTiering', "
    )


def test_a_destination_in_another_region_is_refused() -> None:
    elsewhere = S3Destination(
        "queue", "q", "arn:aws:sqs:us-east-1:123456789012:q", ("s3:ObjectCreated:*",)
    )

    problem = s3_shapes.configuration_problem(config(elsewhere))

    assert problem is not None and "region is not valid" in problem


def test_sequencers_increase_and_are_hexadecimal() -> None:
    sequencer = Sequencer()

    values = [sequencer.next() for _ in range(1000)]

    assert [int(v, 16) for v in values] == sorted({int(v, 16) for v in values})
    assert all(len(v) == 18 for v in values)
