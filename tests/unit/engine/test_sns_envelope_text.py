"""An SNS envelope's text for a queue is exactly what ``json.dumps`` makes of the envelope."""

from __future__ import annotations

import json

import pytest

from localcloud.emulator.views import SnsPublication
from localcloud.engine import shapes
from localcloud.engine.sns import envelope_text

TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
SUBSCRIPTION = f"{TOPIC}:5c1e8a52-3c7e-4b5c-9d8e-0f1a2b3c4d5e"

PUBLICATIONS = [
    SnsPublication(message='{"id": "m1", "sent": 1733420000.123}', message_id="id-1"),
    SnsPublication(message='ünïcode ✓ and "quotes" \\ and\ncontrol\x01', message_id="id-2"),
    SnsPublication(
        message="with everything",
        message_id="id-3",
        subject="Über subject",
        message_attributes={
            "kind": {"Type": "String", "Value": "order"},
            "count": {"Type": "Number", "Value": "3"},
            "blob": {"Type": "Binary", "Value": "AAEC"},
        },
    ),
    SnsPublication(message="", message_id="id-4", subject=""),
]


@pytest.mark.parametrize("publication", PUBLICATIONS, ids=["json", "escapes", "full", "empty"])
def test_envelope_text_is_json_dumps_of_the_envelope(publication: SnsPublication) -> None:
    envelope = shapes.sns_notification(
        TOPIC, SUBSCRIPTION, publication, 1733420000.5, endpoint_url="http://127.0.0.1:4566"
    )

    assert envelope_text(envelope) == json.dumps(envelope)


def test_envelope_text_writes_values_that_are_not_strings_as_json_does() -> None:
    envelope = {"n": 1, "f": 0.5, "none": None, "t": True, "list": ["a", 2], "s": "x"}

    assert envelope_text(envelope) == json.dumps(envelope)
