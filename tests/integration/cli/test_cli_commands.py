"""`localcloud trace`, `invoke` and `dlq` run in-process against a live cloud: what they print,
how they fail, and what they change."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from cli_support import create_function, poll, queue, unique

from localcloud.cli import main
from localcloud.pytest_plugin import TraceProbe

pytestmark = pytest.mark.integration

ECHO = """
import json


def handler(event, context):
    print("echo handling", json.dumps(event))
    return {"echo": event}
"""

BROKEN = """
def handler(event, context):
    print("about to fail")
    raise RuntimeError("the order is broken")
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- trace ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fanout(localcloud: Any) -> dict[str, Any]:
    """A topic feeding a queue; ``publish()`` returns the trace id of one published message."""
    name = unique("trace-cli")
    sns = localcloud.client("sns")
    topic = sns.create_topic(Name=name)["TopicArn"]
    _, queue_arn = queue(localcloud, f"{name}-q")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    probe = TraceProbe(localcloud.traces)

    def publish() -> str:
        before = {h.trace_id for h in probe.hops("publish", topic)}
        sns.publish(TopicArn=topic, Message="{}")

        def delivered() -> list[str]:
            fresh = {h.trace_id for h in probe.hops("publish", topic)} - before
            return [t for t in fresh if any(h.kind == "deliver" for h in probe.store.get(t) or [])]

        [trace_id] = probe.wait_for(delivered, message="the delivery to the queue")
        return trace_id

    return {"topic": topic, "queue": f"{name}-q", "publish": publish}


def test_trace_last_prints_trees_with_hop_kinds_and_resources(
    localcloud: Any, fanout: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    trace_id = fanout["publish"]()

    code, out, _ = run(capsys, "trace", "--last", "50", "--endpoint", localcloud.endpoint_url)

    assert code == 0
    assert f"trace {trace_id}" in out
    block = out[out.index(f"trace {trace_id}") :]
    topic_name = fanout["topic"].rsplit(":", 1)[-1]
    assert "publish" in block and f"sns:{topic_name}" in block
    [deliver] = [line for line in block.splitlines() if " deliver " in line]
    assert f"sns:{topic_name}/" in deliver  # the subscription: topic and subscription id
    assert "ms" in block


def test_trace_by_id_prints_only_that_trace(
    localcloud: Any, fanout: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    trace_id = fanout["publish"]()

    code, out, _ = run(capsys, "trace", trace_id, "--endpoint", localcloud.endpoint_url)

    assert code == 0
    assert out.count("trace ") == 1
    assert out.startswith(f"trace {trace_id}")
    assert fanout["topic"].rsplit(":", 1)[-1] in out


def test_trace_json_prints_one_parseable_object_per_line(
    localcloud: Any, fanout: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    trace_id = fanout["publish"]()

    code, out, _ = run(
        capsys, "trace", "--last", "3", "--json", "--endpoint", localcloud.endpoint_url
    )

    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert 1 <= len(objects) <= 3
    assert all(o["trace_id"] == o["hops"][0]["trace_id"] for o in objects)
    mine = [o for o in objects if o["trace_id"] == trace_id]
    assert len(mine) == 1
    assert [h["kind"] for h in mine[0]["hops"]][:2] == ["publish", "deliver"]


def test_trace_of_an_unknown_id_is_an_error_naming_it(
    localcloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "trace", "1-00000000-missing", "--endpoint", localcloud.endpoint_url
    )

    assert code == 2
    assert out == ""
    assert "1-00000000-missing" in err and "/_localcloud/traces" in err


def test_trace_follow_prints_new_traces_and_stops_after_follow_seconds(
    localcloud: Any, fanout: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    published: list[str] = []
    publisher = threading.Timer(0.3, lambda: published.append(fanout["publish"]()))
    publisher.start()
    started = time.monotonic()
    try:
        code, out, _ = run(
            capsys,
            "trace",
            "--last",
            "0",
            "--follow",
            "--follow-seconds",
            "2",
            "--json",
            "--endpoint",
            localcloud.endpoint_url,
        )
    finally:
        publisher.join()

    assert code == 0
    assert time.monotonic() - started < 10
    followed = {json.loads(line)["trace_id"] for line in out.splitlines()}
    assert published and published[0] in followed


def test_trace_follow_shows_every_trace_of_a_burst_once_with_each_hop_once(
    localcloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = localcloud.client("sqs")
    url = sqs.create_queue(QueueName=unique("burst"))["QueueUrl"]
    burst = 500

    def publish() -> None:
        for n in range(burst):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")

    publisher = threading.Timer(0.5, publish)
    publisher.start()
    try:
        code, out, _ = run(
            capsys,
            *("trace", "--last", "0", "--follow", "--follow-seconds", "10", "--json"),
            *("--endpoint", localcloud.endpoint_url),
        )
    finally:
        publisher.join()

    assert code == 0
    hops = [json.loads(line) for line in out.splitlines()]
    ids = [hop["id"] for hop in hops]
    assert len(ids) == len(set(ids)), "a hop was printed twice"
    name = url.rsplit("/", 1)[-1]
    publishes = [h for h in hops if h["kind"] == "publish" and h["resource"] == name]
    # Each SendMessage starts a trace of its own.
    assert len(publishes) == burst
    assert len({hop["trace_id"] for hop in publishes}) == burst


def test_trace_against_no_cloud_says_how_to_start_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cli_support import free_port

    endpoint = f"http://127.0.0.1:{free_port()}"
    code, _, err = run(capsys, "trace", "--endpoint", endpoint)

    assert code == 2
    assert endpoint in err and "localcloud up" in err


# -- invoke --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def functions(localcloud: Any) -> dict[str, str]:
    echo, broken = unique("cli-echo"), unique("cli-broken")
    create_function(localcloud, echo, ECHO)
    create_function(localcloud, broken, BROKEN)
    return {"echo": echo, "broken": broken}


def test_invoke_prints_the_payload_on_stdout_and_logs_on_stderr(
    localcloud: Any,
    functions: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"order": 42}))

    code, out, err = run(
        capsys,
        "invoke",
        functions["echo"],
        "--event",
        str(event),
        "--endpoint",
        localcloud.endpoint_url,
    )

    assert code == 0
    assert json.loads(out) == {"echo": {"order": 42}}
    assert "echo handling" in err and "echo handling" not in out
    assert "REPORT" in err or "START" in err


def test_invoke_exits_1_when_the_function_fails(
    localcloud: Any, functions: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "invoke", functions["broken"], "--endpoint", localcloud.endpoint_url
    )

    assert code == 1
    payload = json.loads(out)
    assert payload["errorType"] == "RuntimeError"
    assert payload["errorMessage"] == "the order is broken"
    assert "about to fail" in err
    assert f"{functions['broken']} failed" in err


def test_invoke_of_an_unknown_function_lists_the_deployed_ones(
    localcloud: Any, functions: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "invoke", "no-such-function", "--endpoint", localcloud.endpoint_url
    )

    assert code == 2
    assert out == ""
    assert "unknown function 'no-such-function'" in err
    assert functions["echo"] in err and functions["broken"] in err


def test_invoke_with_a_missing_event_file_says_which(
    localcloud: Any,
    functions: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "nope.json"

    code, _, err = run(
        capsys,
        "invoke",
        functions["echo"],
        "--event",
        str(missing),
        "--endpoint",
        localcloud.endpoint_url,
    )

    assert code == 2
    assert str(missing) in err and "not found" in err


def test_invoke_with_an_event_that_is_not_json_says_so(
    localcloud: Any,
    functions: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event = tmp_path / "bad.json"
    event.write_text("{not json")

    code, out, err = run(
        capsys,
        "invoke",
        functions["echo"],
        "--event",
        str(event),
        "--endpoint",
        localcloud.endpoint_url,
    )

    assert code == 2
    assert out == ""
    assert "not valid JSON" in err and str(event) in err


# -- dlq -----------------------------------------------------------------------------------------
def redrive_policy(dlq_arn: str) -> str:
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"})


@pytest.fixture
def dead_letters(localcloud: Any) -> dict[str, str]:
    """A source queue whose poison message was moved to its DLQ by receiving it too often."""
    name = unique("dlq-cli")
    sqs = localcloud.client("sqs")
    dlq_url, dlq_arn = queue(localcloud, f"{name}-dlq")
    source_url, _ = queue(localcloud, f"{name}-src", RedrivePolicy=redrive_policy(dlq_arn))
    sqs.send_message(
        QueueUrl=source_url,
        MessageBody='{"poison": true}',
        MessageAttributes={"tenant": {"DataType": "String", "StringValue": "acme"}},
    )
    for _ in range(3):  # over maxReceiveCount: SQS moves it to the DLQ on a later receive
        sqs.receive_message(QueueUrl=source_url, VisibilityTimeout=0)
    poll(lambda: _count(sqs, dlq_url) == 1, what="the poison message in the DLQ")
    return {
        "dlq": f"{name}-dlq",
        "dlq_url": dlq_url,
        "source": f"{name}-src",
        "source_url": source_url,
        "dlq_arn": dlq_arn,
    }


def _count(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_dlq_list_shows_each_dlq_with_its_count_and_sources(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "dlq", "list", "--endpoint", localcloud.endpoint_url)

    assert code == 0
    [line] = [line for line in out.splitlines() if line.startswith(dead_letters["dlq"])]
    assert "messages=1" in line
    assert f"sources={dead_letters['source']}" in line
    assert not any(line.startswith(dead_letters["source"]) for line in out.splitlines())


def test_dlq_show_prints_body_and_attributes_and_leaves_the_message(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "dlq", "show", dead_letters["dlq"], "--endpoint", localcloud.endpoint_url
    )

    assert code == 0
    assert '{"poison": true}' in out
    assert "tenant" in out and "acme" in out
    assert "received" in out
    assert _count(localcloud.client("sqs"), dead_letters["dlq_url"]) == 1


def test_dlq_show_json_prints_messages_as_json(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "dlq", "show", dead_letters["dlq"], "--json", "--endpoint", localcloud.endpoint_url
    )

    assert code == 0
    [message] = [json.loads(line) for line in out.splitlines()]
    assert message["Body"] == '{"poison": true}'
    assert message["MessageAttributes"]["tenant"]["StringValue"] == "acme"


def test_dlq_redrive_moves_messages_back_to_the_source(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs = localcloud.client("sqs")
    sqs.send_message(QueueUrl=dead_letters["dlq_url"], MessageBody="second")

    code, out, _ = run(
        capsys, "dlq", "redrive", dead_letters["dlq"], "--endpoint", localcloud.endpoint_url
    )

    assert code == 0
    assert f"moved 2 message(s) from {dead_letters['dlq']} to {dead_letters['source']}" in out
    assert _count(sqs, dead_letters["dlq_url"]) == 0
    received = sqs.receive_message(
        QueueUrl=dead_letters["source_url"],
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
    )["Messages"]
    assert sorted(m["Body"] for m in received) == ["second", '{"poison": true}']
    poison = next(m for m in received if m["Body"] == '{"poison": true}')
    assert poison["MessageAttributes"]["tenant"]["StringValue"] == "acme"


def test_dlq_redrive_to_another_queue(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    other_url, _ = queue(localcloud, unique("dlq-cli-other"))
    other = other_url.rsplit("/", 1)[-1]

    code, out, _ = run(
        capsys,
        "dlq",
        "redrive",
        dead_letters["dlq"],
        "--to",
        other,
        "--endpoint",
        localcloud.endpoint_url,
    )

    assert code == 0
    assert f"moved 1 message(s) from {dead_letters['dlq']} to {other}" in out
    sqs = localcloud.client("sqs")
    assert _count(sqs, other_url) == 1
    assert _count(sqs, dead_letters["source_url"]) == 0


def test_dlq_redrive_of_a_dlq_with_several_sources_returns_each_message_to_its_own(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    second_url, _ = queue(
        localcloud, unique("dlq-cli-src2"), RedrivePolicy=redrive_policy(dead_letters["dlq_arn"])
    )

    code, out, _ = run(
        capsys, "dlq", "redrive", dead_letters["dlq"], "--endpoint", localcloud.endpoint_url
    )

    assert code == 0
    assert f"moved 1 message(s) from {dead_letters['dlq']} to the queues they came from" in out
    sqs = localcloud.client("sqs")
    assert _count(sqs, dead_letters["source_url"]) == 1
    assert _count(sqs, second_url) == 0
    assert _count(sqs, dead_letters["dlq_url"]) == 0


def test_dlq_redrive_reports_a_failed_move_task(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    queue(localcloud, unique("dlq-cli-src2"), RedrivePolicy=redrive_policy(dead_letters["dlq_arn"]))
    sqs = localcloud.client("sqs")
    sqs.send_message(QueueUrl=dead_letters["dlq_url"], MessageBody="sent straight to the DLQ")

    code, out, _ = run(
        capsys, "dlq", "redrive", dead_letters["dlq"], "--endpoint", localcloud.endpoint_url
    )

    assert code == 1
    assert "(failed)" in out and "give DestinationArn" in out
    assert _count(sqs, dead_letters["dlq_url"]) >= 1


def test_dlq_show_of_an_unknown_queue_lists_the_queues(
    localcloud: Any, dead_letters: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "dlq", "show", "no-such-queue", "--endpoint", localcloud.endpoint_url
    )

    assert code == 2
    assert "no queue 'no-such-queue'" in err and dead_letters["dlq"] in err
