"""Settings.from_env: the defaults, what each variable accepts, and the one-line error for a value
it does not (naming the variable); the README documents every variable. No network."""

from __future__ import annotations

import math
from dataclasses import fields
from pathlib import Path

import pytest

from localcloud.errors import LocalCloudError
from localcloud.settings import EXPECTED, PARSERS, Settings, SettingsError, variable

README = Path(__file__).resolve().parents[2] / "README.md"
NAMES = [item.name for item in fields(Settings)]


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = Settings.from_env({})

    assert settings == Settings()
    assert settings.async_retry_delays == (1.0, 2.0)
    assert settings.async_workers == 16
    assert settings.max_concurrency == 4
    assert settings.direct_calls is True
    assert settings.worker_idle_s == 300.0
    assert settings.log_group_max_bytes == 4 * 1024 * 1024
    assert settings.trace_max_traces == 5000
    assert settings.trace_max_hops == 500
    assert settings.endpoint == "http://127.0.0.1:4566"
    assert settings.debug is False


def test_variables_outside_localcloud_are_ignored() -> None:
    assert Settings.from_env({"MAX_CONCURRENCY": "x", "LOCALCLOUD_UNKNOWN": "x"}) == Settings()


def test_each_setting_has_a_variable_a_parser_and_an_expectation() -> None:
    assert set(PARSERS) == set(NAMES)
    assert set(EXPECTED) == set(NAMES)
    assert variable("max_concurrency") == "LOCALCLOUD_MAX_CONCURRENCY"


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("async_retry_delays", "0.2,0.4", (0.2, 0.4)),
        ("async_retry_delays", "0", (0.0,)),
        ("async_retry_delays", " 1, 2 ,3", (1.0, 2.0, 3.0)),
        ("async_workers", "1", 1),
        ("async_workers", "32", 32),
        ("max_concurrency", "8", 8),
        ("trace_max_traces", "10", 10),
        ("trace_max_hops", "3", 3),
        ("direct_calls", "0", False),
        ("direct_calls", "off", False),
        ("direct_calls", "1", True),
        ("direct_calls", "Yes", True),
        ("debug", "1", True),
        ("debug", "true", True),
        ("debug", "", False),
        ("debug", "0", False),
        ("endpoint", "http://localhost:4567", "http://localhost:4567"),
        ("worker_idle_s", "0.5", 0.5),
        ("worker_idle_s", "600", 600.0),
        ("log_group_max_bytes", "1048576", 1048576),
        ("endpoint", "https://example.test/", "https://example.test"),
    ],
)
def test_each_variable_sets_its_field(name: str, raw: str, value: object) -> None:
    settings = Settings.from_env({variable(name): raw})

    assert getattr(settings, name) == value
    others = {n: getattr(settings, n) for n in NAMES if n != name}
    assert others == {n: getattr(Settings(), n) for n in NAMES if n != name}


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("async_retry_delays", ""),
        ("async_retry_delays", "1,,2"),
        ("async_retry_delays", "-1"),
        ("async_retry_delays", "nan"),
        ("async_retry_delays", "1,inf"),
        ("async_retry_delays", "soon"),
        ("async_workers", "0"),
        ("async_workers", "1.5"),
        ("max_concurrency", "x"),
        ("max_concurrency", "-3"),
        ("trace_max_traces", ""),
        ("trace_max_hops", "many"),
        ("direct_calls", "maybe"),
        ("debug", "2"),
        ("endpoint", "localhost:4566"),
        ("endpoint", "http://"),
        ("endpoint", "ftp://host"),
        ("worker_idle_s", "0"),
        ("worker_idle_s", "-1"),
        ("worker_idle_s", "inf"),
        ("worker_idle_s", "later"),
        ("log_group_max_bytes", "0"),
        ("log_group_max_bytes", "4MB"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable_and_what_it_expects(
    name: str, raw: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable(name): raw})

    message = str(caught.value)
    assert isinstance(caught.value, LocalCloudError)
    assert "\n" not in message
    assert message.startswith(f"{variable(name)}={raw!r} is not valid")
    assert EXPECTED[name] in message
    assert "unset it" in message


def test_a_newline_in_a_bad_value_stays_on_one_line() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable("max_concurrency"): "4\n5"})

    assert "\n" not in str(caught.value)


def test_settings_are_frozen_values() -> None:
    settings = Settings(async_retry_delays=(0.2,))

    with pytest.raises(AttributeError):
        settings.max_concurrency = 9  # type: ignore[misc]
    assert settings == Settings(async_retry_delays=(0.2,))
    assert math.isclose(settings.async_retry_delays[0], 0.2)


def test_the_readme_table_documents_every_variable_with_its_default() -> None:
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `LOCALCLOUD_")]
    documented = {row.split("`")[1]: row for row in rows}

    assert set(documented) == {variable(n) for n in NAMES}
    assert "4566" in documented[variable("endpoint")]
