"""Malformed requests, generated for every protocol and every row of the route table, are
answered as AWS answers them: below 500, in the protocol's error shape, and the server still
answers its health check within a second after each.

Hypothesis generates them (fuzz_support.py) with a fixed number of examples per test and
``derandomize``: every run sends the same requests, so CI cannot flake on a new draw; a failure
prints the request that caused it.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest
from fuzz_support import (
    Door,
    Hints,
    Raw,
    check_answer,
    json_requests,
    lambda_requests,
    query_requests,
    row_requests,
    s3_requests,
    transport_requests,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localcloud.engine.callframe import Call
from localcloud.gateway.routes import ROUTES

# A deeper local run: LOCALCLOUD_FUZZ_EXAMPLES=500 (and LOCALCLOUD_FUZZ_RANDOM=1 for new draws).
EXAMPLES = int(os.environ.get("LOCALCLOUD_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    derandomize=not os.environ.get("LOCALCLOUD_FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROW_EXAMPLES = max(EXAMPLES // 3, 1)  # per row: the table has twenty-odd
HEALTH_WITHIN_S = 1.0


def exchange(door: Door, raw: Raw) -> None:
    """Send ``raw``, check the answer is AWS's, and that the server is still healthy."""
    status, headers, body = door.send(raw)
    check_answer(raw, status, headers, body)
    took = door.health_seconds()
    assert took < HEALTH_WITHIN_S, f"health took {took:.2f} s after {raw}"


@pytest.mark.parametrize("row", sorted(ROUTES), ids=lambda row: f"{row[0]}:{row[1]}")
def test_every_row_of_the_route_table_answers_malformed_requests(
    door: Door, hints: Hints, row: tuple[str, str]
) -> None:
    @settings(FUZZ, max_examples=ROW_EXAMPLES)
    @given(raw=row_requests(hints, *row))
    def run(raw: Raw) -> None:
        exchange(door, raw)

    run()


@FUZZ
@given(data=st.data())
def test_json_protocol_requests_are_answered_as_aws(door: Door, hints: Hints, data: Any) -> None:
    exchange(door, data.draw(json_requests(hints)))


@FUZZ
@given(data=st.data())
def test_query_protocol_requests_are_answered_as_aws(door: Door, hints: Hints, data: Any) -> None:
    exchange(door, data.draw(query_requests(hints)))


@FUZZ
@given(data=st.data())
def test_lambda_rest_requests_are_answered_as_aws(door: Door, hints: Hints, data: Any) -> None:
    exchange(door, data.draw(lambda_requests(hints)))


@FUZZ
@given(data=st.data())
def test_s3_rest_xml_requests_are_answered_as_aws(door: Door, hints: Hints, data: Any) -> None:
    exchange(door, data.draw(s3_requests(hints)))


@FUZZ
@given(raw=transport_requests())
def test_malformed_signatures_targets_and_paths_are_answered_as_aws(door: Door, raw: Raw) -> None:
    exchange(door, raw)


@FUZZ
@given(data=st.data())
def test_the_call_pipe_answers_as_the_http_door_does(
    localcloud: Any, hints: Hints, data: Any
) -> None:
    raw = data.draw(json_requests(hints) | query_requests(hints) | lambda_requests(hints))
    call = Call(
        raw.method, f"{localcloud.endpoint_url}{raw.path}", list(raw.headers.items()), raw.body
    )
    answer = localcloud.gateway.serve_call(call)
    headers = {name.lower(): value for name, value in answer.headers}
    check_answer(raw, answer.status, headers, answer.body)
