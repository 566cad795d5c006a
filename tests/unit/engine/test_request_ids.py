"""Invocation request ids: Lambda's form (version 4 UUIDs), never the same twice."""

from __future__ import annotations

import uuid

from localcloud.engine.invoker import new_request_id


def test_request_ids_are_distinct_version_4_uuids() -> None:
    ids = [new_request_id() for _ in range(10_000)]

    assert len(set(ids)) == len(ids)
    parsed = [uuid.UUID(i) for i in ids]
    assert {(u.version, u.variant) for u in parsed} == {(4, uuid.RFC_4122)}
    assert [str(u) for u in parsed] == ids
