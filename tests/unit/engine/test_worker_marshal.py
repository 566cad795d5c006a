"""The worker's marshalling of a handler's return value, as AWS's Python runtime does it
(awslambdaric's lambda_runtime_marshaller): decimals as their own digits, bytes as they are,
anything else JSON cannot hold a Runtime.MarshalError. In-process, no worker."""

from __future__ import annotations

import base64
import json
from decimal import Decimal

import pytest

from localcloud.engine.worker import FaultError, _Encoder, _marshal


def payload(value: object) -> str:
    answer = _marshal(value, _Encoder())
    assert answer["ok"]
    return str(answer["payload"])


def test_decimals_anywhere_are_written_with_their_own_digits() -> None:
    value = {"a": [Decimal("1.10"), {"b": Decimal("-0"), "c": Decimal("1E+3")}], "n": 2}

    text = payload(value)

    assert text == '{"a": [1.10, {"b": -0, "c": 1E+3}], "n": 2}'
    assert json.loads(text) == {"a": [1.1, {"b": 0, "c": 1000.0}], "n": 2}


def test_a_nan_decimal_is_written_as_nan() -> None:
    assert payload([Decimal("NaN")]) == "[NaN]"


def test_strings_are_never_taken_for_decimals() -> None:
    tricky = ['"decimal-', "decimal-1-", "1.5"]

    assert json.loads(payload(tricky)) == tricky


def test_bytes_are_passed_on_as_they_are() -> None:
    answer = _marshal(b"\x00raw", _Encoder())

    assert base64.b64decode(answer["raw"]) == b"\x00raw"


def test_what_json_cannot_hold_is_a_marshal_error() -> None:
    with pytest.raises(FaultError) as caught:
        _marshal({"tags": {"a"}}, _Encoder())

    assert caught.value.error["errorType"] == "Runtime.MarshalError"
    assert caught.value.error["errorMessage"] == (
        "Unable to marshal response: Object of type set is not JSON serializable"
    )
