"""Reads the settings a function gets through its environment, with errors that name the gap."""

from __future__ import annotations

import os

from shared.errors import UserServiceError


class ConfigurationError(UserServiceError):
    """A required environment variable is missing: the template or the test did not set it."""


def require_env(name: str) -> str:
    """The value of environment variable ``name``; raises if unset or empty."""
    value = os.environ.get(name, "")
    if not value:
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "this function")
        raise ConfigurationError(
            f"{function} needs the environment variable {name}; set it in infra/template.yaml "
            "(Environment.Variables) or in the test that runs the handler"
        )
    return value
