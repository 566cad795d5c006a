"""Domain event contracts: committed schemas match the models, events round-trip, bad ones fail."""

from __future__ import annotations

import json

import pytest
from functions_support import EVENTS, load_event
from pydantic import ValidationError

from shared import schemas
from shared.contracts import UserCreated, UserFlagged, derived_event_id, user_event_adapter


def test_committed_schemas_equal_the_models_schemas() -> None:
    for name, schema in schemas.schemas().items():
        committed = json.loads((EVENTS / "schemas" / f"{name}.json").read_text())
        assert committed == schema, f"events/schemas/{name}.json is stale: python -m shared.schemas"
    assert schemas.stale(EVENTS / "schemas") == []


def test_schema_export_writes_one_file_per_event(tmp_path) -> None:
    written = schemas.write(tmp_path)

    assert sorted(path.name for path in written) == [
        "UserCreated.json",
        "UserDeleted.json",
        "UserFlagged.json",
        "UserUpdated.json",
    ]
    assert schemas.stale(tmp_path) == []
    assert schemas.main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "UserCreated.json").write_text("{}\n")
    assert schemas.main(["--check", "--dir", str(tmp_path)]) == 1


@pytest.mark.parametrize("name", ["UserCreated", "UserUpdated", "UserDeleted", "UserFlagged"])
def test_domain_samples_parse_to_their_own_type_and_round_trip(name: str) -> None:
    sample = load_event("domain", name)

    event = user_event_adapter.validate_python(sample)

    assert type(event).__name__ == name == sample["event_type"]
    assert json.loads(event.model_dump_json()) == sample


def test_every_event_carries_id_time_version_and_correlation() -> None:
    event = UserCreated(
        correlation_id="c-1", user_id="u-1", email="a@example.com", name="A", country="GB"
    )

    assert event.event_id and event.occurred_at.tzinfo is not None
    assert event.schema_version == "1.0"
    assert event.version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "no-at-sign"), ("country", "GBR"), ("name", ""), ("schema_version", "2.0")],
)
def test_invalid_field_is_rejected(field: str, value: str) -> None:
    sample = load_event("domain", "UserCreated") | {field: value}

    with pytest.raises(ValidationError) as caught:
        user_event_adapter.validate_python(sample)

    assert field in str(caught.value)


def test_unknown_fields_are_rejected_so_contract_drift_is_loud() -> None:
    with pytest.raises(ValidationError, match="extra"):
        UserFlagged.model_validate(load_event("domain", "UserFlagged") | {"severity": "high"})


def test_derived_ids_are_stable_and_distinct() -> None:
    assert derived_event_id("signup", "a@example.com") == derived_event_id(
        "signup", "a@example.com"
    )
    assert derived_event_id("signup", "a@example.com") != derived_event_id("user", "a@example.com")
