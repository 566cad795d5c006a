"""Lambda refuses at upload what it cannot run: settings outside its API model
(ValidationException) and a package that cannot be unzipped (InvalidParameterValueException,
"Could not unzip uploaded file..."), at CreateFunction and UpdateFunctionCode, not at Invoke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from refusal_support import GOOD_PACKAGE, package, refusal

UNZIP = "Could not unzip uploaded file. Please check your file, then try to upload again."


def function_exists(lam: Any, name: str) -> bool:
    try:
        lam.get_function(FunctionName=name)
    except ClientError:
        return False
    return True


@pytest.mark.parametrize(
    ("override", "member"),
    [
        ({"FunctionName": "bad name!"}, "functionName"),
        ({"Runtime": "python9"}, "runtime"),
        ({"Timeout": 0}, "timeout"),
        ({"MemorySize": 64}, "memorySize"),
        ({"Handler": "index handler"}, "handler"),
        ({"Description": "d" * 257}, "description"),
        ({"Environment": {"Variables": {"1BAD": "x"}}}, "environment.variables"),
    ],
)
def test_a_setting_outside_the_model_is_refused_at_create(
    lam: Any, function_spec: Callable[..., dict[str, Any]], override: dict[str, Any], member: str
) -> None:
    spec = function_spec(**override)
    status, code, message = refusal(lam.create_function, **spec)
    assert (status, code) == (400, "ValidationException")
    assert message.startswith("1 validation error detected: Value")
    assert f"at '{member}'" in message
    assert not function_exists(lam, spec["FunctionName"])


@pytest.mark.parametrize(
    "zipped",
    [
        b"this is not a zip",
        package({"a": "a file", "a/b.txt": "in a folder of the same name"}),
        package({"index.py": "x = 1", "../outside.py": "x = 2"}),
        GOOD_PACKAGE[: len(GOOD_PACKAGE) // 2],
    ],
    ids=["not-a-zip", "file-and-folder", "escapes-the-folder", "truncated"],
)
def test_a_package_that_cannot_be_unzipped_is_refused_at_create(
    lam: Any, function_spec: Callable[..., dict[str, Any]], zipped: bytes
) -> None:
    spec = function_spec(Code={"ZipFile": zipped})
    status, code, message = refusal(lam.create_function, **spec)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message.startswith(UNZIP)
    assert not function_exists(lam, spec["FunctionName"])


def test_an_empty_package_is_refused(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    status, code, message = refusal(lam.create_function, **function_spec(Code={"ZipFile": b""}))
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message == "Uploaded file must be a non-empty zip"


def test_a_function_without_code_is_refused(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    status, code, message = refusal(lam.create_function, **function_spec(Code={}))
    assert (status, code, message) == (
        400,
        "InvalidParameterValueException",
        "Please provide a source for function code.",
    )


def test_update_function_code_refuses_a_package_that_cannot_be_unzipped_and_keeps_the_old(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    spec = function_spec()
    lam.create_function(**spec)
    try:
        clash = package({"a": "a file", "a/b.txt": "in a folder of the same name"})
        status, code, message = refusal(
            lam.update_function_code, FunctionName=spec["FunctionName"], ZipFile=clash
        )
        assert (status, code) == (400, "InvalidParameterValueException")
        assert message.startswith(UNZIP)
        answer = lam.invoke(FunctionName=spec["FunctionName"], Payload=b'{"still": "runs"}')
        assert answer["Payload"].read() == b'{"still": "runs"}'
    finally:
        lam.delete_function(FunctionName=spec["FunctionName"])


def test_update_function_configuration_refuses_a_timeout_of_zero(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    spec = function_spec()
    lam.create_function(**spec)
    try:
        status, code, _ = refusal(
            lam.update_function_configuration, FunctionName=spec["FunctionName"], Timeout=0
        )
        assert (status, code) == (400, "ValidationException")
        config = lam.get_function_configuration(FunctionName=spec["FunctionName"])
        assert config["Timeout"] == 3
    finally:
        lam.delete_function(FunctionName=spec["FunctionName"])


def test_ephemeral_storage_is_bounded_as_lambda_documents_it(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    status, code, message = refusal(
        lam.create_function, **function_spec(EphemeralStorage={"Size": 10241})
    )
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value '10241' at 'ephemeralStorage.size' failed to "
        "satisfy constraint: Member must have value less than or equal to 10240"
    )


def test_a_list_of_enums_is_refused_as_one_violation_of_the_list(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    status, code, message = refusal(lam.create_function, **function_spec(Architectures=["foo"]))
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value '[foo]' at 'architectures' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
        "[x86_64, arm64], Member must not be null]"
    )


def test_an_environment_without_variables_clears_them(
    lam: Any, function_spec: Callable[..., dict[str, Any]]
) -> None:
    spec = function_spec(Environment={"Variables": {"STAGE": "dev"}})
    lam.create_function(**spec)
    try:
        lam.update_function_configuration(FunctionName=spec["FunctionName"], Environment={})
        config = lam.get_function_configuration(FunctionName=spec["FunctionName"])
        assert config.get("Environment", {}).get("Variables", {}) == {}
    finally:
        lam.delete_function(FunctionName=spec["FunctionName"])
