"""The direct PutItem's lean store of flat items answers, stores and streams exactly as moto.

Each case is sent twice over the call-pipe door (no network): to a gateway with the direct path
and to one without it (moto's own PutItem), each on its own region's twin table, on moto as
shipped and as the server patches it. The answers (status and body), the items stored and the
stream records must be the same, and a case marked flat must have taken the lean store.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from moto.dynamodb.models import dynamodb_backends

from localcloud.emulator import fastpath
from localcloud.emulator.backends import ACCOUNT_ID
from localcloud.emulator.moto_patches import perf
from localcloud.engine.callframe import Call
from localcloud.gateway import Gateway, ServerInfo
from localcloud.trace import TraceStore

FAST, MOTO = "us-east-1", "us-west-2"
INFO = ServerInfo(FAST, ACCOUNT_ID, "http://127.0.0.1:4566", 0.0)


class Unused:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"not a DynamoDB call: {name}")


def call(region: str, operation: str, request: Any) -> Call:
    scope = f"AWS4-HMAC-SHA256 Credential=t/20260101/{region}/dynamodb/aws4_request"
    headers = [
        ("X-Amz-Target", f"DynamoDB_20120810.{operation}"),
        ("Content-Type", "application/x-amz-json-1.0"),
        ("Authorization", scope),
    ]
    body = request if isinstance(request, bytes) else json.dumps(request).encode()
    return Call("POST", "http://127.0.0.1:4566/", headers, body)


class Twins:
    """A gateway with the direct path and one without, and a table of each's in its region."""

    def __init__(self) -> None:
        self.fast = Gateway(Unused(), Unused(), TraceStore(), INFO)  # type: ignore[arg-type]
        self.moto = Gateway(Unused(), Unused(), TraceStore(), INFO)  # type: ignore[arg-type]
        del self.moto.routes[("dynamodb", "PutItem")]
        self.tables: list[str] = []
        self.lean: list[bool] = []

    def create(self, schema: dict[str, str], **extra: Any) -> str:
        name = f"flat-{uuid.uuid4().hex[:8]}"
        request = {
            "TableName": name,
            "KeySchema": [
                {"AttributeName": key, "KeyType": kind}
                for kind, key in zip(("HASH", "RANGE"), schema, strict=False)
            ],
            "AttributeDefinitions": [
                {"AttributeName": key, "AttributeType": kind} for key, kind in schema.items()
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            **extra,
        }
        for region in (FAST, MOTO):
            answer = self.moto.serve_call(call(region, "CreateTable", request))
            assert answer.status == 200, answer.body
        self.tables.append(name)
        return name

    def put(self, request: Any) -> tuple[int, Any]:
        """Both gateways' answers, which must be the same; the fast one's."""
        body = json.dumps(request).encode() if not isinstance(request, bytes) else request
        fast = self.fast.serve_call(call(FAST, "PutItem", body))
        moto = self.moto.serve_call(call(MOTO, "PutItem", body))
        assert (fast.status, _text(fast.body)) == (moto.status, _text(moto.body))
        return fast.status, fast.body

    def assert_same_state(self, name: str) -> None:
        fast, moto = (_state(region, name) for region in (FAST, MOTO))
        assert fast == moto

    def close(self) -> None:
        for name in self.tables:
            for region in (FAST, MOTO):
                self.moto.serve_call(call(region, "DeleteTable", {"TableName": name}))


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace").replace(MOTO, FAST)


def _state(region: str, name: str) -> Any:
    table = dynamodb_backends[ACCOUNT_ID][region].get_table(name)
    assert table.stream_shard is not None
    items = [
        (
            type(item.attrs).__name__,
            item.hash_key.to_json(),
            item.range_key.to_json() if item.range_key is not None else None,
            item.to_json(),
            item.size(),
        )
        for item in table.all_items()
    ]
    records = [
        (
            record.record["eventName"],
            {
                key: value
                for key, value in record.record["dynamodb"].items()
                if key in ("StreamViewType", "Keys", "NewImage", "OldImage")
            },
        )
        for record in table.stream_shard.items
    ]
    return items, records


@pytest.fixture(params=["moto", "moto with the server's perf patches"])
def twins(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Twins]:
    """The twins, on moto as shipped and on moto as the server runs it (its Item.__init__ and
    backend lookups replaced by moto_patches/perf.py)."""
    patches = perf.patches() if request.param != "moto" else None
    if patches is not None:
        patches.apply()
        request.addfinalizer(patches.undo)
    pair = Twins()
    lean = fastpath._put_flat_item

    def spy(table: Any, item: Any) -> bool:
        stored = lean(table, item)
        pair.lean.append(stored)
        return stored

    monkeypatch.setattr(fastpath, "_put_flat_item", spy)
    yield pair
    pair.close()


LIMIT = fastpath.ITEM_SIZE_LIMIT
FLAT = [
    {"pk": {"S": "a"}},
    {"pk": {"S": "a"}, "n": {"N": "5"}, "ok": {"BOOL": False}, "none": {"NULL": True}},
    {"pk": {"S": "é€😀"}, "name": {"S": "ü\u2028"}, "n": {"N": "-1.5e10"}},
    {"pk": {"S": "a"}, "n": {"N": "0.000000000000000000000000000000000000001"}},
    {"pk": {"S": "x" * 2048}},
    {"pk": {"S": "a"}, "big": {"S": "x" * (LIMIT - 6)}},  # exactly moto's limit
]
NOT_FLAT = [
    {"pk": {"S": "a"}, "tags": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}},
    {"pk": {"S": "a"}, "list": {"L": [{"S": "x"}, {"N": "1"}]}, "map": {"M": {"k": {"S": "v"}}}},
    {"pk": {"S": "a"}, "empty": {"S": ""}},
    {"pk": {"S": "a"}, "bin": {"B": "eA=="}},
    {"pk": {"S": "a"}, "two": {"S": "a", "N": "1"}},
]
# What moto lets through though AWS may not: the lean store must let it through alike.
ODD = [
    {"pk": {"S": "a"}, "n": {"N": "1" * 39}},
    {"pk": {"S": "a"}, "n": {"N": "1e126"}},
    {"pk": {"S": "a"}, "n": {"N": "-0"}},
    {"pk": {"S": "a"}, "n": {"N": "1_000"}},
]
REFUSED = [
    {"pk": {"S": ""}},  # an empty key
    {"other": {"S": "a"}},  # no key
    {"pk": {"N": "1"}},  # the key's type
    {"pk": {"S": "x" * 2049}},  # a key too long
    {"pk": {"S": "a"}, "big": {"S": "x" * (LIMIT - 5)}},  # one byte over the item's limit
    {"pk": {"S": "a"}, "n": {"N": "abc"}},
    {"pk": {"S": "a"}, "n": {"N": " 1"}},
    {"pk": {"S": "a"}, "n": {"N": "Infinity"}},
    {"pk": {"S": "a"}, "n": {"N": 1}},  # a JSON number
    {"pk": {"S": "a"}, "s": {"S": 1}},
    {"pk": {"S": "a"}, "none": {"NULL": False}},
    {"pk": {"S": "a"}, "tags": {"SS": []}},
    {"pk": {"S": "a"}, "m": {"M": {"inner": {"NS": []}}}},
]


@pytest.mark.parametrize("item", FLAT, ids=lambda item: str(item)[:40])
def test_a_flat_item_is_stored_leanly_as_moto_stores_it(twins: Twins, item: Any) -> None:
    name = twins.create({"pk": "S"})

    status, body = twins.put({"TableName": name, "Item": item})
    status_again, _ = twins.put({"TableName": name, "Item": {**item, "pk": item["pk"]}})

    assert (status, body, status_again) == (200, b"{}", 200)
    assert twins.lean == [True, True]
    twins.assert_same_state(name)


@pytest.mark.parametrize("item", NOT_FLAT, ids=lambda item: str(item)[:40])
def test_any_other_item_is_left_to_the_general_path(twins: Twins, item: Any) -> None:
    name = twins.create({"pk": "S"})

    status, _ = twins.put({"TableName": name, "Item": item})

    assert status == 200
    assert True not in twins.lean
    twins.assert_same_state(name)


@pytest.mark.parametrize("item", ODD, ids=lambda item: str(item)[:40])
def test_what_moto_lets_through_is_let_through_alike(twins: Twins, item: Any) -> None:
    name = twins.create({"pk": "S"})

    twins.put({"TableName": name, "Item": item})

    twins.assert_same_state(name)


@pytest.mark.parametrize("item", REFUSED, ids=lambda item: str(item)[:40])
def test_an_item_moto_refuses_is_refused_alike_and_nothing_stored(twins: Twins, item: Any) -> None:
    name = twins.create({"pk": "S"})

    status, _ = twins.put({"TableName": name, "Item": item})

    assert status == 400
    assert True not in twins.lean
    twins.assert_same_state(name)
    assert _state(FAST, name) == ([], [])


def test_a_lone_surrogate_answers_as_moto_does(twins: Twins) -> None:
    name = twins.create({"pk": "S"})
    body = b'{"TableName": "%s", "Item": {"pk": {"S": "a"}, "s": {"S": "\\ud800"}}}' % (
        name.encode()
    )

    twins.put(body)

    assert True not in twins.lean
    twins.assert_same_state(name)


def test_a_table_with_a_range_key_stores_and_overwrites_alike(twins: Twins) -> None:
    name = twins.create({"pk": "S", "sk": "N"})

    answers = [
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"N": "1.0"}}}),
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"S": "2"}}}),
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}}}),
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"N": "9" * 1025}}}),
    ]

    assert [status for status, _ in answers] == [200, 200, 200, 400, 400, 400]
    assert twins.lean[:3] == [True, True, True] and True not in twins.lean[3:]
    twins.assert_same_state(name)


def test_a_string_range_key_is_held_to_moto_s_length_limit(twins: Twins) -> None:
    name = twins.create({"pk": "S", "sk": "S"})

    statuses = [
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "sk": {"S": "é" * 512}}})[0],
        twins.put({"TableName": name, "Item": {"pk": {"S": "b"}, "sk": {"S": "x" * 1025}}})[0],
    ]

    assert statuses == [200, 400]
    assert twins.lean[0] is True and True not in twins.lean[1:]
    twins.assert_same_state(name)


def test_a_table_with_a_global_index_is_left_to_the_general_path(twins: Twins) -> None:
    index = {
        "IndexName": "by-g",
        "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"},
    }
    name = twins.create({"pk": "S", "g": "S"}, GlobalSecondaryIndexes=[index])
    # Two key attributes were declared: the second is the index's, not the table's range key.
    statuses = [
        twins.put({"TableName": name, "Item": {"pk": {"S": "a"}, "g": {"S": "x"}}})[0],
        twins.put({"TableName": name, "Item": {"pk": {"S": "b"}, "g": {"NULL": True}}})[0],
    ]

    assert statuses[0] == 200
    assert True not in twins.lean
    twins.assert_same_state(name)


@pytest.mark.parametrize(
    "extra",
    [
        {"ConditionExpression": "attribute_not_exists(pk)"},
        {"ReturnValues": "ALL_OLD"},
        {"ReturnConsumedCapacity": "TOTAL"},
        {"Expected": {"pk": {"Exists": False}}},
    ],
    ids=lambda extra: next(iter(extra)),
)
def test_a_put_with_more_than_an_item_is_moto_s(twins: Twins, extra: dict[str, Any]) -> None:
    name = twins.create({"pk": "S"})
    item = {"pk": {"S": "a"}, "n": {"N": "1"}}

    answers = [twins.put({"TableName": name, "Item": item, **extra}) for _ in range(2)]

    assert answers[0][0] == 200
    assert twins.lean == []
    twins.assert_same_state(name)


def test_a_missing_table_is_refused_alike(twins: Twins) -> None:
    status, _ = twins.put({"TableName": "flat-missing", "Item": {"pk": {"S": "a"}}})

    assert status == 400


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "latin-1"])
def test_a_body_not_in_plain_utf_8_answers_as_moto_does(twins: Twins, encoding: str) -> None:
    name = twins.create({"pk": "S"})
    request = json.dumps({"TableName": name, "Item": {"pk": {"S": "é"}}}, ensure_ascii=False)

    twins.put(request.encode(encoding))

    assert twins.lean == []
    twins.assert_same_state(name)
