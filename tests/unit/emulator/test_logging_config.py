"""LoggingConfig as Lambda keeps it: completed with its defaults, levels only with JSON."""

from __future__ import annotations

import pytest
from moto.awslambda.exceptions import InvalidParameterValueException

from localcloud.emulator.moto_patches.awslambda import logging_config


def test_a_function_without_one_gets_text_and_its_log_group() -> None:
    assert logging_config("fn", None, {}) == {"LogFormat": "Text", "LogGroup": "/aws/lambda/fn"}


def test_json_gets_info_levels_unless_given() -> None:
    assert logging_config("fn", {"LogFormat": "JSON", "SystemLogLevel": "WARN"}, {}) == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "WARN",
        "LogGroup": "/aws/lambda/fn",
    }


def test_back_to_text_drops_the_levels() -> None:
    current = logging_config("fn", {"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG"}, {})
    assert logging_config("fn", {"LogFormat": "Text"}, current) == {
        "LogFormat": "Text",
        "LogGroup": "/aws/lambda/fn",
    }


@pytest.mark.parametrize(
    "given",
    [
        {"LogFormat": "Text", "ApplicationLogLevel": "INFO"},
        {"LogFormat": "XML"},
        {"LogFormat": "JSON", "ApplicationLogLevel": "VERBOSE"},
    ],
)
def test_what_lambda_refuses_is_refused(given: dict[str, str]) -> None:
    with pytest.raises(InvalidParameterValueException):
        logging_config("fn", given, {})
