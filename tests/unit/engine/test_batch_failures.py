"""How a ReportBatchItemFailures response is read: the records to retry, or the whole batch.

The rules (REFERENCE.md, SQS event source mapping; AWS's "partial batch response" rules): an empty
or null response and an empty or null ``batchItemFailures`` list are complete success; an
unparseable response, an empty or null ``itemIdentifier``, an identifier not in the batch or a
wrong key is complete failure (``None``: every record of the batch is retried).
"""

from __future__ import annotations

import pytest

from localcloud.engine.shapes import batch_failures

BATCH = {"m1", "m2", "m3"}

COMPLETE_SUCCESS: list[tuple[str, bytes]] = [
    ("empty response", b""),
    ("whitespace response", b" \n\t"),
    ("null response", b"null"),
    ("empty object", b"{}"),
    ("empty list", b'{"batchItemFailures": []}'),
    ("null list", b'{"batchItemFailures": null}'),
]

RETRY_SOME: list[tuple[str, bytes, set[str]]] = [
    ("one id", b'{"batchItemFailures": [{"itemIdentifier": "m2"}]}', {"m2"}),
    (
        "two ids",
        b'{"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}',
        {"m1", "m3"},
    ),
    (
        "every id",
        b'{"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}, '
        b'{"itemIdentifier": "m3"}]}',
        BATCH,
    ),
    (
        "an id twice",
        b'{"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m2"}]}',
        {"m2"},
    ),
    (
        "other keys beside the list",
        b'{"batchItemFailures": [{"itemIdentifier": "m1"}], "processed": 2}',
        {"m1"},
    ),
    (
        "other keys beside the identifier",
        b'{"batchItemFailures": [{"itemIdentifier": "m3", "reason": "timeout"}]}',
        {"m3"},
    ),
]

WHOLE_BATCH: list[tuple[str, bytes]] = [
    ("not JSON", b"not json"),
    ("truncated JSON", b'{"batchItemFailures": [{"itemIdentifier": "m1"'),
    ("not UTF-8", b"\xff\xfe"),
    ("unknown id", b'{"batchItemFailures": [{"itemIdentifier": "m9"}]}'),
    (
        "a known and an unknown id",
        b'{"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m9"}]}',
    ),
    ("missing itemIdentifier", b'{"batchItemFailures": [{}]}'),
    ("misspelt itemIdentifier", b'{"batchItemFailures": [{"itemId": "m1"}]}'),
    ("null itemIdentifier", b'{"batchItemFailures": [{"itemIdentifier": null}]}'),
    ("empty itemIdentifier", b'{"batchItemFailures": [{"itemIdentifier": ""}]}'),
    ("numeric itemIdentifier", b'{"batchItemFailures": [{"itemIdentifier": 1}]}'),
    ("list as itemIdentifier", b'{"batchItemFailures": [{"itemIdentifier": ["m1"]}]}'),
    ("object as itemIdentifier", b'{"batchItemFailures": [{"itemIdentifier": {"id": "m1"}}]}'),
    ("bare ids instead of objects", b'{"batchItemFailures": ["m1"]}'),
    ("null failure", b'{"batchItemFailures": [null]}'),
    ("failures as an object", b'{"batchItemFailures": {"itemIdentifier": "m1"}}'),
    ("failures as a string", b'{"batchItemFailures": "m1"}'),
    ("misspelt batchItemFailures", b'{"batchItemFailure": [{"itemIdentifier": "m1"}]}'),
    ("an unrelated object", b'{"statusCode": 200}'),
    ("a list instead of an object", b'[{"itemIdentifier": "m1"}]'),
    ("an empty list instead of an object", b"[]"),
    ("a string", b'"ok"'),
    ("a number", b"42"),
    ("a boolean", b"true"),
]


@pytest.mark.parametrize(
    "payload", [p for _, p in COMPLETE_SUCCESS], ids=[name for name, _ in COMPLETE_SUCCESS]
)
def test_response_meaning_complete_success_retries_nothing(payload: bytes) -> None:
    assert batch_failures(payload, BATCH) == set()


@pytest.mark.parametrize(
    ("payload", "retried"),
    [(p, ids) for _, p, ids in RETRY_SOME],
    ids=[name for name, _, _ in RETRY_SOME],
)
def test_response_naming_records_of_the_batch_retries_exactly_those(
    payload: bytes, retried: set[str]
) -> None:
    assert batch_failures(payload, BATCH) == retried


@pytest.mark.parametrize(
    "payload", [p for _, p in WHOLE_BATCH], ids=[name for name, _ in WHOLE_BATCH]
)
def test_invalid_response_fails_the_whole_batch(payload: bytes) -> None:
    assert batch_failures(payload, BATCH) is None


def test_identifiers_are_matched_against_this_batch_only() -> None:
    # GIVEN a response naming a record of an earlier batch
    payload = b'{"batchItemFailures": [{"itemIdentifier": "m1"}]}'

    # WHEN the current batch does not hold it THEN the response is invalid for this batch
    assert batch_failures(payload, {"m4", "m5"}) is None
    assert batch_failures(payload, {"m1", "m4"}) == {"m1"}
