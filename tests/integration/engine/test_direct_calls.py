"""A handler's AWS calls to the local cloud travel over its worker's call pipe, not HTTP, and
behave exactly as over HTTP: binary bodies, errors, threads, another endpoint name, tracing."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config
from engine_support import invoke, unique

DIRECT = "DirectCalls.hook.<locals>.send"


@pytest.fixture
def targets(localcloud: Any, make_table: Any) -> dict[str, str]:
    bucket = unique("direct")
    localcloud.client("s3").create_bucket(Bucket=bucket)
    return {"bucket": bucket, "table": make_table().name}


def test_handler_calls_skip_http_and_behave_as_over_http(
    lam: Any, make_function: Any, targets: dict[str, str]
) -> None:
    name = make_function("aws_calls.round_trip", timeout=30)
    response, result = invoke(lam, name, targets)
    assert "FunctionError" not in response, result
    assert result == {
        "same_bytes": True,
        "missing_object": "404",
        "missing_table": "ResourceNotFoundException",
        "items": 40,
        "items_over_http": 40,
        "send": DIRECT,
    }


def test_handler_calls_are_traced_as_over_http(
    lam: Any, make_function: Any, targets: dict[str, str], traces: Any
) -> None:
    name = make_function("aws_calls.round_trip", timeout=30)
    invoke(lam, name, targets)
    [invocation] = traces.wait_for(lambda: traces.invocations(name), message="the invocation")
    operations = [h.resource for h in traces.trace_of(invocation) if h.kind == "call"]
    assert operations.count("PutItem") == 40
    assert operations.count("Scan") == 2  # one over the pipe, one over HTTP
    assert "DescribeTable" in operations
    bucket = targets["bucket"]
    # PutObject is named (its direct path: emulator/s3_fastpath.py); GetObject is not.
    assert {"PutObject", f"GET /{bucket}/a b/ü.bin"} <= set(operations)


def test_direct_calls_can_be_switched_off(
    localcloud: Any,
    lam: Any,
    make_function: Any,
    targets: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(localcloud.runtime.executor, "direct_calls", False)
    name = make_function("aws_calls.round_trip", timeout=30)
    response, result = invoke(lam, name, targets)
    assert "FunctionError" not in response, result
    assert result["same_bytes"] and result["items"] == 40
    assert result["send"] == "URLLib3Session.send"


def test_the_timeout_holds_while_a_call_blocks(
    lam: Any, make_function: Any, make_queue: Any
) -> None:
    url, _ = make_queue()
    name = make_function("aws_calls.long_poll", timeout=1)
    invoke(lam, name, {"queue": url})  # a first run imports boto3 outside the clock
    started = time.monotonic()
    response, result = invoke(lam, name, {"queue": url})
    assert response.get("FunctionError") == "Unhandled"
    assert "Task timed out after 1.00 seconds" in result["errorMessage"]
    assert time.monotonic() - started < 4  # not held until the 5 s poll returned


def test_a_function_pointing_aws_endpoint_url_elsewhere_keeps_its_calls_on_http(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    elsewhere = localcloud.endpoint_url.replace("127.0.0.1", "localhost")
    name = make_function("aws_calls.endpoints", env={"AWS_ENDPOINT_URL": elsewhere})
    response, result = invoke(lam, name)
    assert "FunctionError" not in response, result
    assert result["configured"] == elsewhere
    assert result["piped"] == localcloud.endpoint_url  # only the local cloud's own URL
    assert result["listed"] >= 0


def test_a_body_of_several_megabytes_with_any_bytes_crosses_the_pipe_whole(
    lam: Any, make_function: Any, targets: dict[str, str]
) -> None:
    name = make_function("aws_calls.big_binary", timeout=30, memory=256)
    response, result = invoke(lam, name, targets)
    assert "FunctionError" not in response, result
    assert result == {"same_bytes": True, "size": 261 * 20_000}


def test_presigned_urls_made_in_a_handler_carry_real_signatures(
    lam: Any, make_function: Any, targets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = make_function("aws_calls.presigned", timeout=30)
    response, result = invoke(lam, name, targets)
    assert "FunctionError" not in response, result
    # Signed again here, with the worker's credentials at the worker's time: the same URLs.
    key, secret, token = result["credentials"]
    session = boto3.Session(key, secret, token, region_name=result["region"])
    s3 = session.client(
        "s3", endpoint_url=result["endpoint"], config=Config(signature_version="s3v4")
    )
    sqs = session.client("sqs", endpoint_url=result["endpoint"])
    again = {
        "s3": lambda: s3.generate_presigned_url(
            "get_object", Params={"Bucket": targets["bucket"], "Key": "k"}, ExpiresIn=600
        ),
        "sqs": lambda: sqs.generate_presigned_url("list_queues", ExpiresIn=600),
    }
    for service, sign in again.items():
        url = result[service]
        assert "X-Amz-Signature=" + "0" * 64 not in url
        stamp = re.search(r"X-Amz-Date=(\d{8}T\d{6}Z)", url)
        assert stamp, url
        at = datetime.datetime.strptime(stamp[1], "%Y%m%dT%H%M%SZ")
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda at=at: at)
        assert url == sign(), service
