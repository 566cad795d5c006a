"""Resolving the names people give a function against a stack's saved state, offline."""

from __future__ import annotations

import pytest

from localcloud.deploy import UnknownFunctionError
from localcloud.deploy.state import ResourceRecord, StackState


@pytest.fixture
def state() -> StackState:
    return StackState(
        "localcloud",
        {
            "WelcomeEmailFunction": ResourceRecord("AWS::Lambda::Function", "lc-WelcomeEmail-1"),
            "Importer": ResourceRecord("AWS::Lambda::Function", "lc-Importer-2"),
            "UsersTable": ResourceRecord("AWS::DynamoDB::Table", "lc-UsersTable-3"),
        },
    )


@pytest.mark.parametrize(
    ("name", "physical"),
    [
        ("WelcomeEmailFunction", "lc-WelcomeEmail-1"),
        ("welcome_email", "lc-WelcomeEmail-1"),
        ("welcome-email", "lc-WelcomeEmail-1"),
        ("WelcomeEmail", "lc-WelcomeEmail-1"),
        ("importer", "lc-Importer-2"),
        ("Importer", "lc-Importer-2"),
    ],
)
def test_a_logical_id_or_folder_name_gives_the_physical_name(
    state: StackState, name: str, physical: str
) -> None:
    assert state.function(name) == physical


@pytest.mark.parametrize("name", ["users_table", "UsersTable", "nothing", ""])
def test_other_names_and_other_resource_types_give_none(state: StackState, name: str) -> None:
    assert state.function(name) is None


def test_unknown_function_error_lists_the_deployed_functions_sorted() -> None:
    error = UnknownFunctionError("welcome", ["lc-b", "lc-a"])

    assert str(error) == "unknown function 'welcome'. Deployed functions:\n  lc-a\n  lc-b"


def test_unknown_function_error_with_nothing_deployed_says_to_deploy() -> None:
    assert "deploy first with `localcloud deploy`" in str(UnknownFunctionError("x", []))
