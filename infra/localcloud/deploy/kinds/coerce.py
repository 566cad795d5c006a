"""Coercing template values to the types an AWS API expects, as CloudFormation does.

Templates carry `"5"` where the API wants 5, `"true"` where it wants True, and 60 where it wants
"60"; the botocore operation model says which, so the kinds never convert by hand.
"""

from __future__ import annotations

from typing import Any

from botocore.model import Shape

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def coerce(value: Any, shape: Shape | None) -> Any:
    """``value`` converted to ``shape``'s scalar types where that is unambiguous."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {key: coerce(item, members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(item, shape.member) for item in value]  # type: ignore[attr-defined]
    if kind == "map" and isinstance(value, dict):
        return {key: coerce(item, shape.value) for key, item in value.items()}  # type: ignore[attr-defined]
    if kind in ("integer", "long") and isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return value
    if kind in ("float", "double") and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if kind == "boolean" and isinstance(value, str):
        return True if value in _TRUE else False if value in _FALSE else value
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
    return value


class CoercingClient:
    """A boto3 client whose API methods coerce their keyword arguments first."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        operation = self._client.meta.method_to_api_mapping.get(name)
        if operation is None:
            return attribute
        shape = self._client.meta.service_model.operation_model(operation).input_shape

        def call(**kwargs: Any) -> Any:
            return attribute(**coerce(kwargs, shape))

        return call
