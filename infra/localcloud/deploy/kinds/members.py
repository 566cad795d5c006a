"""What a kind applies inside a property: the members of the API shape it passes the value to
whole, or the keys it picks by hand. Read offline from botocore's bundled service models.

A property passed whole to an API parameter is applied member for member as far as botocore's
shape goes, so its members are computed from the shape rather than listed; a property a kind
takes apart by hand applies only the keys it reads, which the kind lists.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import Shape


@dataclass(frozen=True)
class ApiParameter:
    """A property whose value a kind passes whole as ``parameter`` of ``operation``."""

    service: str
    operation: str
    parameter: str

    def shape(self) -> Shape:
        return _input_shape(self.service, self.operation).members[self.parameter]  # type: ignore[attr-defined,no-any-return]


# What a kind reads from inside one property: an API parameter's shape, or the keys it picks
# (of the value itself, or of each item when the value is a list).
type Members = ApiParameter | frozenset[str]


@functools.cache
def _input_shape(service: str, operation: str) -> Shape:
    model = botocore.session.get_session().get_service_model(service)
    shape = model.operation_model(operation).input_shape
    if shape is None:
        raise ValueError(f"{service} {operation} takes no input")
    return shape


def _intrinsic(value: Any) -> bool:
    """Whether ``value`` is an intrinsic function, whose result is only known when applying."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = str(next(iter(value)))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def stray_members(name: str, value: Any, members: Members) -> Iterator[str]:
    """Paths (``VpcConfig.Colour``, ``Targets[1].Colour``) inside property ``name`` that
    ``members`` does not take."""
    if isinstance(members, ApiParameter):
        yield from _stray_in_shape(value, members.shape(), name)
        return
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        if isinstance(item, dict) and not _intrinsic(item):
            where = f"{name}[{index}]" if isinstance(value, list) else name
            yield from (f"{where}.{key}" for key in item if key not in members)


def _stray_in_shape(value: Any, shape: Shape, path: str) -> Iterator[str]:
    if _intrinsic(value):
        return
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        fields = shape.members  # type: ignore[attr-defined]
        for key, item in value.items():
            if key not in fields:
                yield f"{path}.{key}"
            else:
                yield from _stray_in_shape(item, fields[key], f"{path}.{key}")
    elif kind == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _stray_in_shape(item, shape.member, f"{path}[{index}]")  # type: ignore[attr-defined]
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            yield from _stray_in_shape(item, shape.value, f"{path}.{key}")  # type: ignore[attr-defined]
