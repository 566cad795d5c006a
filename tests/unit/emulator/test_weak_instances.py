"""moto's record of every model instance (its dashboard's ``/moto-api/data.json``) holds them
weakly here: what is deleted is freed, what is alive is still listed, after a reset too."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.model_instances import reset_model_data
from moto.dynamodb.models.table import Table
from moto.moto_api._internal.responses import MotoAPIResponse

from localcloud.emulator.moto_patches import perf


@pytest.fixture
def patched() -> Iterator[Any]:
    with mock_aws():
        group = perf.patches()
        group.apply()
        try:
            yield boto3.client("dynamodb", region_name="us-east-1")
        finally:
            group.undo()


def make_table(dynamodb: Any, name: str, items: int) -> None:
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    for n in range(items):
        dynamodb.put_item(TableName=name, Item={"pk": {"S": f"k{n}"}})


def tables_alive(name: str) -> list[Any]:
    gc.collect()
    return [t for t in Table.instances_tracked if t.name == name]


def dashboard_tables() -> list[str]:
    _, _, body = MotoAPIResponse().model_data(None, "", {})
    return [t["name"] for t in json.loads(body)["dynamodb"]["Table"]]


def test_a_deleted_table_and_its_items_are_freed(patched: Any) -> None:
    make_table(patched, "gone", items=20)
    table = weakref.ref(tables_alive("gone")[0])
    item = weakref.ref(next(iter(table().items.values())))

    patched.delete_table(TableName="gone")
    gc.collect()

    assert table() is None and item() is None


def test_the_dashboard_lists_the_live_tables_only(patched: Any) -> None:
    make_table(patched, "kept", items=2)
    make_table(patched, "dropped", items=2)
    patched.delete_table(TableName="dropped")
    gc.collect()

    assert dashboard_tables() == ["kept"]
    assert isinstance(Table.instances_tracked, perf.WeakInstances)


def test_after_moto_resets_its_record_the_instances_are_still_held_weakly(patched: Any) -> None:
    make_table(patched, "before", items=1)
    reset_model_data()  # moto puts a plain list back on every model
    assert type(Table.instances_tracked) is list

    make_table(patched, "after", items=1)
    assert isinstance(Table.instances_tracked, perf.WeakInstances)
    assert dashboard_tables() == ["after"]
    patched.delete_table(TableName="after")
    assert tables_alive("after") == []


def test_s3_keys_stay_on_motos_list_for_its_reset_to_dispose_of(patched: Any) -> None:
    from moto.s3.models import FakeKey

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="k", Body=b"x")

    assert type(FakeKey.instances_tracked) is list
    assert any(key.name == "k" for key in FakeKey.instances_tracked)


def test_the_record_of_instances_that_died_stays_bounded() -> None:
    class Model:
        pass

    record = perf.WeakInstances()
    kept = [Model() for _ in range(10)]
    for instance in kept:
        record.append(instance)
    for _ in range(20_000):
        record.append(Model())  # dies at once

    assert len(record._held) < 2 * 1024 + len(kept)
    assert list(record) == kept and len(record) == 10
