"""The direct PutItem's quick look for binary values: it may say "maybe" wrongly, never "no"."""

from __future__ import annotations

import json

import pytest

from localcloud.emulator.fastpath import _has_binary, _may_hold_binary


@pytest.mark.parametrize(
    "item",
    [
        {"pk": {"S": "a"}, "b": {"B": "eA=="}},
        {"pk": {"S": "a"}, "bs": {"BS": ["eA=="]}},
        {"pk": {"S": "a"}, "m": {"M": {"deep": {"L": [{"B": "eA=="}]}}}},
    ],
)
def test_an_item_with_a_binary_value_is_always_looked_at(item: dict[str, object]) -> None:
    body = json.dumps({"TableName": "t", "Item": item}).encode()
    escaped = json.dumps({"TableName": "t", "Item": item}, ensure_ascii=True).replace(
        '"B', '"\\u0042'
    )

    assert _has_binary(item)
    assert _may_hold_binary(body)
    assert _may_hold_binary(escaped.encode())


def test_an_item_of_strings_and_numbers_skips_the_walk() -> None:
    body = json.dumps(
        {"TableName": "t", "Item": {"pk": {"S": "a"}, "n": {"N": "1"}, "s": {"SS": ["Bob"]}}}
    ).encode()

    assert not _may_hold_binary(body)


def test_a_string_value_spelled_like_a_binary_key_only_costs_the_walk() -> None:
    item = {"pk": {"S": "B"}}
    body = json.dumps({"TableName": "t", "Item": item}).encode()

    assert _may_hold_binary(body)
    assert not _has_binary(item)
