"""The Python runtime as AWS's (awslambdaric) behaves where handlers notice: how a return value
is marshalled, and the error type and shape of each way a function fails to load or answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import invoke

pytestmark = pytest.mark.integration


def raw_invoke(lam: Any, name: str) -> tuple[dict[str, Any], bytes]:
    response = lam.invoke(FunctionName=name, Payload=b"{}")
    return response, response["Payload"].read()


def test_a_decimal_is_returned_as_a_number(lam: Any, make_function: Any) -> None:
    name = make_function("runtime_cases.decimals")

    response, body = raw_invoke(lam, name)

    assert "FunctionError" not in response
    assert json.loads(body) == {"count": 3, "price": 19.99}
    assert b'"price": 19.99' in body  # the decimal's own digits, not a float's repr


def test_bytes_are_returned_as_they_are(lam: Any, make_function: Any) -> None:
    name = make_function("runtime_cases.raw_bytes")

    response, body = raw_invoke(lam, name)

    assert "FunctionError" not in response
    assert body == b"not json \x01"


def test_an_unserialisable_return_is_a_marshal_error(lam: Any, make_function: Any) -> None:
    name = make_function("runtime_cases.a_set")

    response, payload = invoke(lam, name)

    assert response["FunctionError"] == "Unhandled"
    assert payload == {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "stackTrace": [],
    }


def test_a_syntax_error_is_a_user_code_syntax_error(lam: Any, make_function: Any) -> None:
    name = make_function("broken.handler", extra_files={"broken.py": "x = 1\ndef handler(:\n"})

    response, payload = invoke(lam, name)

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "Runtime.UserCodeSyntaxError"
    assert payload["errorMessage"].startswith("Syntax error in module 'broken': ")
    [frame] = payload["stackTrace"]
    assert frame.startswith('  File "') and "broken.py" in frame and "Line 2" in frame


def test_an_exception_at_import_reports_its_own_class(lam: Any, make_function: Any) -> None:
    source = (
        "class ConfigMissing(Exception):\n    pass\n\n\n"
        "raise ConfigMissing('TABLE_NAME is not set')\n"
    )
    name = make_function("configured.handler", extra_files={"configured.py": source})

    response, payload = invoke(lam, name)

    assert response["FunctionError"] == "Unhandled"
    assert payload["errorType"] == "ConfigMissing"
    assert payload["errorMessage"] == "TABLE_NAME is not set"
    assert any("configured.py" in frame for frame in payload["stackTrace"])
    assert not any("worker.py" in frame for frame in payload["stackTrace"])


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        (
            "nowhere.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'nowhere': No module named 'nowhere'",
        ),
        (
            "nodot",
            "Runtime.MalformedHandlerName",
            "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
        ),
        (
            "basic.missing",
            "Runtime.HandlerNotFound",
            "Handler 'missing' missing on module 'basic'",
        ),
    ],
)
def test_a_handler_that_cannot_be_found_names_why(
    lam: Any, make_function: Any, handler: str, error_type: str, message: str
) -> None:
    name = make_function(handler)

    response, payload = invoke(lam, name)

    assert response["FunctionError"] == "Unhandled"
    assert payload == {"errorMessage": message, "errorType": error_type, "stackTrace": []}
