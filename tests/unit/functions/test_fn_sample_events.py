"""Every sample under events/ is an envelope AWS could deliver, checked with Powertools' models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventV2Model,
    DynamoDBStreamModel,
    EventBridgeModel,
    SnsModel,
    SnsNotificationModel,
    SqsModel,
)
from functions_support import EVENTS
from pydantic import BaseModel, ValidationError

from importer.app import ImportRequest
from shared.contracts import user_event_adapter

ENVELOPE_MODEL: dict[str, type[BaseModel]] = {
    "users_api": APIGatewayProxyEventV2Model,
    "importer": ImportRequest,
    "welcome_email": SqsModel,
    "user_directory": SqsModel,
    "audit_log": EventBridgeModel,
    "signup_stats": SnsModel,
    "screening": EventBridgeModel,
    "outbox_relay": DynamoDBStreamModel,
    "signup_report": EventBridgeModel,
}
SAMPLES = sorted(path for folder in ENVELOPE_MODEL for path in (EVENTS / folder).glob("*.json"))


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_every_function_has_valid_malformed_and_duplicate_samples() -> None:
    for folder in ENVELOPE_MODEL:
        cases = {path.stem for path in (EVENTS / folder).glob("*.json")}
        assert "malformed" in cases or any(c.endswith("_malformed") for c in cases), folder
        assert "duplicate" in cases or any(c.endswith("_duplicate") for c in cases), folder
        assert len(cases) >= 3, folder


# The importer is invoked directly: its "envelope" is the request, and the malformed case is a
# malformed request. Every other malformed case is a valid envelope around an invalid event.
MALFORMED_REQUESTS = {EVENTS / "importer" / "malformed.json"}


@pytest.mark.parametrize("path", [p for p in SAMPLES if p not in MALFORMED_REQUESTS], ids=_id)
def test_sample_envelope_parses_with_the_model_of_its_source(path: Path) -> None:
    ENVELOPE_MODEL[path.parent.name].model_validate(json.loads(path.read_text()))


def test_malformed_import_request_is_refused() -> None:
    with pytest.raises(ValidationError, match="file"):
        ImportRequest.model_validate(json.loads((EVENTS / "importer/malformed.json").read_text()))


def _inner_payloads(path: Path) -> list[object]:
    data = json.loads(path.read_text())
    folder = path.parent.name
    if folder == "welcome_email":
        return [
            str(SnsNotificationModel.model_validate_json(str(r.body)).Message)
            for r in SqsModel.model_validate(data).Records
        ]
    if folder == "user_directory":
        return [
            EventBridgeModel.model_validate_json(str(r.body)).detail
            for r in SqsModel.model_validate(data).Records
        ]
    if folder in {"audit_log", "screening"}:
        return [EventBridgeModel.model_validate(data).detail]
    if folder == "signup_stats":
        return [str(r.Sns.Message) for r in SnsModel.model_validate(data).Records]
    if folder == "outbox_relay":
        return [
            str(r.dynamodb.NewImage["detail"])  # type: ignore[index]
            for r in DynamoDBStreamModel.model_validate(data).Records
        ]
    return []


@pytest.mark.parametrize(
    "path", [p for p in SAMPLES if "malformed" not in p.stem and _inner_payloads(p)], ids=_id
)
def test_valid_samples_carry_valid_domain_events(path: Path) -> None:
    for payload in _inner_payloads(path):
        if isinstance(payload, str):
            user_event_adapter.validate_json(payload)
        else:
            user_event_adapter.validate_python(payload)


def test_eventbridge_samples_name_the_detail_type_of_their_detail() -> None:
    checked = 0
    for path in SAMPLES:
        if path.parent.name in {"audit_log", "screening"}:
            data = json.loads(path.read_text())
            assert data["detail-type"] == data["detail"]["event_type"], _id(path)
            checked += 1
    assert checked >= 10
