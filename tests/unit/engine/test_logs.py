"""Function logs in CloudWatch Logs (moto in-process): Lambda's START/END/REPORT lines around the
output, and a log group that keeps only its newest events past its bound."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.logs.models import LogStream, logs_backends

from localcloud.emulator.backends import LOG_EVENT_OVERHEAD, put_log_lines
from localcloud.emulator.moto_patches import perf
from localcloud.engine.executor import FunctionSpec, InvocationResult
from localcloud.engine.logs import LogWriter

REGION = "eu-west-1"
GROUP = "/aws/lambda/noisy"


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


SPEC = FunctionSpec(
    name="noisy",
    arn=f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:noisy",
    handler="app.handler",
    runtime="python3.12",
    timeout=3.0,
    memory_size=128,
    environment={},
    code_paths=(),
    reserved_concurrency=None,
    region=REGION,
    account_id=DEFAULT_ACCOUNT_ID,
)


def result(request_id: str, output: str, stream: str = "s1") -> InvocationResult:
    return InvocationResult(request_id, b"null", None, output, 1.5, stream)


def messages(stream: str = "s1") -> list[str]:
    events = boto3.client("logs", region_name=REGION).get_log_events(
        logGroupName=GROUP, logStreamName=stream
    )["events"]
    return [event["message"] for event in events]


def test_an_invocation_is_logged_between_start_and_report() -> None:
    LogWriter(max_group_bytes=1 << 20).write(SPEC, result("r1", "hello\n\nworld\n"))

    logged = messages()

    assert logged[:3] == ["START RequestId: r1 Version: $LATEST", "hello", "world"]
    assert logged[3] == "END RequestId: r1"
    assert logged[4].startswith("REPORT RequestId: r1\tDuration: 1.50 ms")


def test_a_log_group_past_its_bound_drops_its_oldest_invocations() -> None:
    # GIVEN a group bound to three invocations' lines
    writer = LogWriter(max_group_bytes=1 << 30)
    writer.write(SPEC, result("r00", "x" * 100 + "\n"))
    one_invocation = sum(len(message) + LOG_EVENT_OVERHEAD for message in messages())
    writer.max_group_bytes = 3 * one_invocation

    # WHEN ten invocations have written to it
    for n in range(1, 10):
        writer.write(SPEC, result(f"r{n:02d}", "x" * 100 + "\n"))

    # THEN it holds the newest three, whole
    logged = messages()
    assert [m for m in logged if m.startswith("END")] == [
        "END RequestId: r07",
        "END RequestId: r08",
        "END RequestId: r09",
    ]
    assert len(logged) == 12


def test_a_stream_left_without_events_goes() -> None:
    writer = LogWriter(max_group_bytes=1)  # only the newest invocation stays

    writer.write(SPEC, result("r1", "old environment\n", stream="old"))
    writer.write(SPEC, result("r2", "new environment\n", stream="new"))

    streams = boto3.client("logs", region_name=REGION).describe_log_streams(logGroupName=GROUP)
    assert [s["logStreamName"] for s in streams["logStreams"]] == ["new"]


def test_dropped_events_are_freed() -> None:
    # moto's record of every instance is weak in the cloud (moto_patches/perf.py)
    patched = perf.patches()
    patched.apply()
    try:
        writer = LogWriter(max_group_bytes=1)
        writer.write(SPEC, result("r1", "first\n"))
        stream: Any = logs_backends[DEFAULT_ACCOUNT_ID][REGION].groups[GROUP].streams["s1"]
        first = weakref.ref(stream.events[0])

        writer.write(SPEC, result("r2", "second\n"))
        gc.collect()
    finally:
        patched.undo()

    assert first() is None


def test_the_start_line_names_the_version_that_ran() -> None:
    ran = result("r9", "hi\n")
    ran.executed_version = "3"

    LogWriter(max_group_bytes=1 << 20).write(SPEC, ran)

    assert messages()[-4] == "START RequestId: r9 Version: 3"


def test_written_lines_read_back_as_lines_put_through_put_log_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN two groups with the same subscription filter, one written to by the engine and one
    # through the API, with what moto hands the filters' destinations recorded
    sent: list[tuple[str, list[tuple[int, str]]]] = []

    def record(self: Any, log_events: Any, **_: Any) -> None:
        sent.append((self.log_group.name, [(e["timestamp"], e["message"]) for e in log_events]))

    monkeypatch.setattr(LogStream, "_send_log_events", record)
    client = boto3.client("logs", region_name=REGION)
    backend = logs_backends[DEFAULT_ACCOUNT_ID][REGION]
    lines = ["START RequestId: r1", "a\tb", "é 漢", "REPORT RequestId: r1\tDuration: 1.00 ms"]
    for group in ("engine", "api"):
        client.create_log_group(logGroupName=group)
        client.create_log_stream(logGroupName=group, logStreamName="s")
        backend.groups[group].put_subscription_filter(
            "f", "", "arn:aws:kinesis:eu-west-1:123456789012:stream/x", ""
        )

    # WHEN the same lines go to each
    put_log_lines(REGION, DEFAULT_ACCOUNT_ID, "engine", "s", lines)
    at = backend.groups["engine"].streams["s"].events[0].timestamp
    client.put_log_events(
        logGroupName="api",
        logStreamName="s",
        logEvents=[{"timestamp": at, "message": line} for line in lines],
    )

    # THEN both read back the same (but for ingestion times and event ids)
    def seen(group: str) -> list[Any]:
        events = client.get_log_events(logGroupName=group, logStreamName="s")["events"]
        found = client.filter_log_events(logGroupName=group)["events"]
        (stream,) = client.describe_log_streams(logGroupName=group)["logStreams"]
        return [
            [(e["timestamp"], e["message"]) for e in events],
            [(e["logStreamName"], e["timestamp"], e["message"]) for e in found],
            {k: stream[k] for k in ("firstEventTimestamp", "lastEventTimestamp", "storedBytes")},
            stream["uploadSequenceToken"],
        ]

    assert seen("engine") == seen("api")
    assert seen("engine")[0] == [(at, line) for line in lines]
    assert sent == [("engine", [(at, line) for line in lines]), ("api", sent[0][1])]
