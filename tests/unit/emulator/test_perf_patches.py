"""The speed patches answer as moto does: the same values, the same refusals."""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item

from localcloud.emulator.moto_patches.perf import ITEM_SIZE_LIMIT, item_init


def _built(init: Any, attrs: dict[str, Any]) -> Item | str:
    item = Item.__new__(Item)
    try:
        init(item, DynamoType(attrs["pk"]), None, attrs)
    except ItemSizeTooLarge:
        return "ItemSizeTooLarge"
    return item


def _padding(total: int) -> dict[str, Any]:
    """An item whose moto-measured size is ``total`` bytes (names and values counted)."""
    base = {"pk": {"S": "k"}, "n": {"N": "12.5"}}
    used = sum(len(k) + DynamoType(v).size() for k, v in base.items()) + len("pad")
    return {**base, "pad": {"S": "x" * (total - used)}}


@pytest.mark.parametrize(
    ("attrs", "refused"),
    [
        (
            {"pk": {"S": "a"}, "m": {"M": {"x": {"L": [{"N": "1"}, {"S": "é"}]}}}},
            False,
        ),
        (_padding(ITEM_SIZE_LIMIT), False),
        (_padding(ITEM_SIZE_LIMIT + 1), True),
        ({"pk": {"S": "a"}, **{f"k{i}": {"S": "v" * 20_000} for i in range(21)}}, True),
    ],
    ids=["nested", "at-the-limit", "one-byte-over", "many-attributes-over"],
)
def test_items_are_built_and_refused_as_moto_builds_them(
    attrs: dict[str, Any], refused: bool
) -> None:
    ours, moto = _built(item_init, attrs), _built(Item.__init__, attrs)
    assert isinstance(moto, str) is refused
    if refused:
        assert ours == moto
        return
    assert isinstance(ours, Item) and isinstance(moto, Item)
    assert ours == moto
    assert ours.to_json() == moto.to_json()
    assert type(ours.attrs) is type(moto.attrs)
