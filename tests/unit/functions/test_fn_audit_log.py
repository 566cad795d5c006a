"""audit_log: one object per event under audit/yyyy/mm/dd/, duplicates overwrite, bad ones raise."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from functions_support import AwsResources, FakeLambdaContext, load_event

from audit_log import app
from audit_log.core import audit_key
from shared.contracts import UserCreated
from shared.errors import PoisonEventError


def test_key_uses_the_utc_day_of_occurrence() -> None:
    late_evening_in_new_york = datetime(2026, 11, 30, 22, 0, tzinfo=timezone(timedelta(hours=-5)))
    event = UserCreated.model_validate(
        load_event("domain", "UserCreated") | {"occurred_at": late_evening_in_new_york}
    )

    assert audit_key(event) == f"audit/2026/12/01/{event.event_id}.json"
    assert event.occurred_at.astimezone(UTC).day == 1


@pytest.fixture
def bucket(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> str:
    name = aws.bucket()
    monkeypatch.setenv("AUDIT_BUCKET_NAME", name)
    return name


def keys(aws: AwsResources, bucket: str) -> list[str]:
    listing = aws.s3.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_handler_stores_the_whole_event(aws, bucket) -> None:
    event = load_event("audit_log", "user_created")

    result = app.lambda_handler(event, FakeLambdaContext())

    key = f"audit/2026/11/30/{event['detail']['event_id']}.json"
    assert result == {"bucket": bucket, "key": key}
    stored = aws.s3.get_object(Bucket=bucket, Key=key)
    assert json.loads(stored["Body"].read()) == event
    assert stored["Metadata"] == {"event-type": "UserCreated", "user-id": "u-ada"}


def test_handler_duplicate_delivery_keeps_one_object(aws, bucket) -> None:
    app.lambda_handler(load_event("audit_log", "user_created"), FakeLambdaContext())
    app.lambda_handler(load_event("audit_log", "duplicate"), FakeLambdaContext())
    app.lambda_handler(load_event("audit_log", "user_deleted"), FakeLambdaContext())
    app.lambda_handler(load_event("audit_log", "user_flagged"), FakeLambdaContext())

    assert len(keys(aws, bucket)) == 3


def test_handler_malformed_event_raises_so_it_reaches_the_failure_destination(aws, bucket) -> None:
    with pytest.raises(PoisonEventError, match="email"):
        app.lambda_handler(load_event("audit_log", "malformed"), FakeLambdaContext())

    assert keys(aws, bucket) == []


def test_detail_type_must_match_the_detail(aws, bucket) -> None:
    event = load_event("audit_log", "user_created") | {"detail-type": "UserDeleted"}

    with pytest.raises(PoisonEventError, match="does not match"):
        app.lambda_handler(event, FakeLambdaContext())
