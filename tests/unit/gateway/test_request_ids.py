"""Request ids the gateway adds to its own answers: random version 4 UUIDs, never repeated."""

from __future__ import annotations

import uuid

from localcloud.gateway.response import REQUEST_ID, Response, new_request_id, with_request_id


def test_request_ids_are_version_4_uuids_in_their_usual_text() -> None:
    ids = [new_request_id() for _ in range(2000)]

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
