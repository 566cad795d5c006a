"""Request ids: random version 4 UUIDs in their usual text, never repeated; the gateway adds one
to every answer that has none."""

from __future__ import annotations

import uuid

from localcloud.gateway.response import REQUEST_ID, Response, with_request_id
from localcloud.ids import request_id


def test_request_ids_are_version_4_uuids_in_their_usual_text() -> None:
    ids = [request_id() for _ in range(10_000)]

    parsed = [uuid.UUID(text) for text in ids]

    assert all(value.version == 4 and value.variant == uuid.RFC_4122 for value in parsed)
    assert [str(value) for value in parsed] == ids
    assert len(set(ids)) == len(ids)


def test_an_answer_without_an_id_gets_one_and_one_with_an_id_keeps_it() -> None:
    bare = Response(200, (("Content-Type", "application/json"),), b"{}")
    kept = Response(200, (("X-Amzn-RequestId", "mine"),), b"{}")

    added = with_request_id(bare)

    assert added.headers[:-1] == bare.headers and added.headers[-1][0] == REQUEST_ID
    assert uuid.UUID(added.headers[-1][1]).version == 4
    assert with_request_id(kept) is kept
