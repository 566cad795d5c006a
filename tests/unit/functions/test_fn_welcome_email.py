"""welcome_email: one e-mail per sign-up, partial batch failures, duplicates suppressed."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from functions_support import AwsResources, FakeLambdaContext, load_event

from shared.contracts import UserCreated
from welcome_email import app
from welcome_email.core import compose


def test_compose_greets_by_first_name_and_references_the_event() -> None:
    event = UserCreated.model_validate(load_event("domain", "UserCreated"))

    email = compose(event)

    assert (email.to, email.subject) == ("ada@example.com", "Welcome, Ada!")
    assert event.event_id in email.text


@pytest.fixture
def wired(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> AwsResources:
    monkeypatch.setenv("SENDER_EMAIL", aws.sender("welcome@example.com"))
    monkeypatch.setenv("IDEMPOTENCY_TABLE_NAME", aws.table("id"))
    return aws


def test_batch_sends_one_email_per_signup(wired) -> None:
    response = app.lambda_handler(load_event("welcome_email", "batch"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    assert wired.emails_sent() == 2


def test_redelivered_batch_sends_nothing_more(wired) -> None:
    app.lambda_handler(load_event("welcome_email", "batch"), FakeLambdaContext())

    response = app.lambda_handler(load_event("welcome_email", "batch"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    assert wired.emails_sent() == 2


def test_duplicate_event_in_one_batch_sends_once(wired) -> None:
    response = app.lambda_handler(load_event("welcome_email", "duplicate"), FakeLambdaContext())

    assert response == {"batchItemFailures": []}
    assert wired.emails_sent() == 1


def test_malformed_records_fail_alone(wired) -> None:
    response = app.lambda_handler(load_event("welcome_email", "malformed"), FakeLambdaContext())

    assert response == {
        "batchItemFailures": [
            {"itemIdentifier": "b1f0c9a2-0000-4000-8000-000000000012"},
            {"itemIdentifier": "b1f0c9a2-0000-4000-8000-000000000013"},
        ]
    }
    assert wired.emails_sent() == 1


def test_failed_send_is_retried_later_and_then_sends(wired, monkeypatch) -> None:
    event = load_event("welcome_email", "duplicate")
    event["Records"] = event["Records"][:1]
    monkeypatch.setenv("SENDER_EMAIL", "unverified@example.com")

    with pytest.raises(BatchProcessingError):
        app.lambda_handler(event, FakeLambdaContext())
    assert wired.emails_sent() == 0

    # The failure removed the idempotency record, so the redelivery sends.
    monkeypatch.setenv("SENDER_EMAIL", "welcome@example.com")
    app.mailer.cache_clear()
    assert app.lambda_handler(event, FakeLambdaContext()) == {"batchItemFailures": []}
    assert wired.emails_sent() == 1
