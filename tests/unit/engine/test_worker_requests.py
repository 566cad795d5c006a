"""The request frames between the executor and its workers: a JSON head line, an invocation's
followed by its payload as it is. In-process, no worker."""

from __future__ import annotations

import io
import json

import pytest

from localcloud.engine.executor import invocation_frame
from localcloud.engine.worker import _requests

ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"


def test_payloads_reach_the_worker_as_the_text_they_were() -> None:
    payloads = [
        json.dumps({"Records": [{"body": '{"a": "b\\n"}\n', "x": "é漢"}]}).encode(),
        b"",
        b"  ",
        b'"\\u0000"\n\n',
        b"not json at all\n{",
    ]
    stream = io.BytesIO(
        b"".join(
            invocation_frame(p, f"r{i}", "Root=1-a", ARN, 12.5) for i, p in enumerate(payloads)
        )
    )

    requests = list(_requests(stream))

    assert [r["payload"] for r in requests] == [p.decode() for p in payloads]
    assert requests[0] == {
        "request_id": "r0",
        "trace_header": "Root=1-a",
        "invoked_function_arn": ARN,
        "deadline": 12.5,
        "payload": payloads[0].decode(),
    }
    assert [r["request_id"] for r in requests] == ["r0", "r1", "r2", "r3", "r4"]


def test_an_init_request_has_no_payload_and_the_next_invocation_follows() -> None:
    stream = io.BytesIO(b'{"init_only": true}\n' + invocation_frame(b"{}", "r", "", ARN, 1.0))

    requests = list(_requests(stream))

    assert requests[0] == {"init_only": True}
    assert requests[1]["payload"] == "{}"


def test_input_cut_off_inside_a_payload_ends_the_requests() -> None:
    frame = invocation_frame(b'{"a": 1}', "r", "", ARN, 1.0)
    stream = io.BytesIO(invocation_frame(b"[]", "r0", "", ARN, 1.0) + frame[:-3])

    assert [r["payload"] for r in _requests(stream)] == ["[]"]


def test_a_payload_that_is_not_utf8_is_refused_before_it_is_sent() -> None:
    with pytest.raises(UnicodeDecodeError):
        invocation_frame('{"a": "é"}'.encode("utf-16"), "r", "", ARN, 1.0)
