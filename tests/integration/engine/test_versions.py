"""Published versions and aliases run their own code and configuration: a version is immutable,
$LATEST is the one that changes, an alias runs the version it points at, and a deleted version
cannot be invoked. Asynchronous invokes and event source mappings naming a version run it.

An alias with weighted routing (AdditionalVersionWeights) runs its additional version with the
weight's probability, per invocation, and says which ran; CreateAlias and UpdateAlias refuse a
routing configuration as Lambda does. Reserved concurrency is the function's: all its versions
share it."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from engine_support import invoke, receive_all, unique, wait_until

from localcloud.clients import client

SOURCE = """
import json
import os
import time

import boto3

ANSWER = {answer!r}


def handler(event, context):
    time.sleep(event.get("sleep", 0) if isinstance(event, dict) else 0)
    seen = {{
        "answer": ANSWER,
        "color": os.environ.get("COLOR"),
        "pid": os.getpid(),
        "version": os.environ["AWS_LAMBDA_FUNCTION_VERSION"],
        "invoked_arn": context.invoked_function_arn,
    }}
    sink = os.environ.get("SINK_URL")
    if sink:
        records = event.get("Records") or [event]
        for _ in records:
            boto3.client("sqs").send_message(QueueUrl=sink, MessageBody=json.dumps(seen))
    return seen
"""


def _code(answer: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", SOURCE.format(answer=answer))
    return buffer.getvalue()


@pytest.fixture
def versioned(lam: Any, role_arn: str) -> Iterator[Callable[..., str]]:
    """A function answering ``answer``, with ``env`` as its variables."""
    created: list[str] = []

    def make(answer: str, env: dict[str, str] | None = None) -> str:
        name = unique("ver")
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": _code(answer)},
            Timeout=10,
            Environment={"Variables": env or {}},
        )
        created.append(name)
        return name

    yield make
    for name in created:
        lam.delete_function(FunctionName=name)


def _update(lam: Any, name: str, answer: str) -> None:
    lam.update_function_code(FunctionName=name, ZipFile=_code(answer))


def test_each_published_version_runs_its_own_code(lam: Any, versioned: Any) -> None:
    name = versioned("one")
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    _update(lam, name, "two")
    assert lam.publish_version(FunctionName=name)["Version"] == "2"
    _update(lam, name, "three")

    response, body = invoke(lam, f"{name}:1")
    assert body["answer"] == "one" and body["version"] == "1"
    assert response["ExecutedVersion"] == "1"
    assert body["invoked_arn"].endswith(f":function:{name}:1")
    _, body = invoke(lam, name, Qualifier="2")
    assert body["answer"] == "two" and body["version"] == "2"
    response, body = invoke(lam, name)
    assert body["answer"] == "three" and body["version"] == "$LATEST"
    assert response["ExecutedVersion"] == "$LATEST"
    _, body = invoke(lam, f"{name}:$LATEST")
    assert body["answer"] == "three"
    # Versions have their own environments, apart from $LATEST's.
    pids = {invoke(lam, q)[1]["pid"] for q in (f"{name}:1", f"{name}:2", name)}
    assert len(pids) == 3


def test_each_version_keeps_its_configuration(lam: Any, versioned: Any) -> None:
    name = versioned("same", env={"COLOR": "red"})
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"COLOR": "blue"}}
    )
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": {"COLOR": "green"}}
    )
    assert invoke(lam, f"{name}:1")[1]["color"] == "red"
    assert invoke(lam, f"{name}:2")[1]["color"] == "blue"
    assert invoke(lam, name)[1]["color"] == "green"


def test_an_alias_runs_its_version_even_from_a_warm_environment(lam: Any, versioned: Any) -> None:
    name = versioned("one")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    _, before = invoke(lam, f"{name}:live")
    assert before["answer"] == "one"
    _update(lam, name, "two")
    assert invoke(lam, name)[1]["answer"] == "two"
    response, after = invoke(lam, f"{name}:live")
    assert after["answer"] == "one" and after["pid"] == before["pid"]
    assert response["ExecutedVersion"] == "1"

    lam.publish_version(FunctionName=name)
    lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2")
    assert invoke(lam, name, Qualifier="live")[1]["answer"] == "two"


def test_a_deleted_or_unknown_version_is_not_found(lam: Any, versioned: Any) -> None:
    name = versioned("one")
    lam.publish_version(FunctionName=name)
    _update(lam, name, "two")
    lam.publish_version(FunctionName=name)
    assert invoke(lam, f"{name}:1")[1]["answer"] == "one"
    lam.delete_function(FunctionName=name, Qualifier="1")
    for qualifier in ("1", "7", "nosuchalias"):
        with pytest.raises(lam.exceptions.ResourceNotFoundException) as caught:
            invoke(lam, f"{name}:{qualifier}")
        assert "Function not found: arn:aws:lambda:" in str(caught.value)
        assert f":function:{name}:{qualifier}" in str(caught.value)
    assert invoke(lam, f"{name}:2")[1]["answer"] == "two"


def _two_versions(lam: Any, versioned: Any, **env: str) -> str:
    """A function whose version 1 answers "one" and version 2 "two"."""
    name = versioned("one", env=env or None)
    lam.publish_version(FunctionName=name)
    _update(lam, name, "two")
    lam.publish_version(FunctionName=name)
    return name


def test_a_weighted_alias_runs_both_versions_by_weight(lam: Any, versioned: Any) -> None:
    name = _two_versions(lam, versioned)
    lam.create_alias(
        FunctionName=name,
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    ran: Counter[str] = Counter()
    for _ in range(200):
        response, body = invoke(lam, f"{name}:canary")
        # The response says which version ran, and it is the one whose code answered.
        assert body["answer"] == {"1": "one", "2": "two"}[response["ExecutedVersion"]]
        assert body["version"] == response["ExecutedVersion"]
        ran[response["ExecutedVersion"]] += 1
    # Binomial(200, 0.5): 60 and 140 are more than five standard deviations out.
    assert set(ran) == {"1", "2"}
    assert 60 <= ran["1"] <= 140 and 60 <= ran["2"] <= 140, ran


def test_a_weighted_alias_routes_async_invokes_and_follows_update_alias(
    lam: Any, sqs: Any, versioned: Any, make_queue: Any
) -> None:
    sink_url, _ = make_queue()
    name = _two_versions(lam, versioned, SINK_URL=sink_url)
    lam.create_alias(
        FunctionName=name,
        Name="shift",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}},
    )
    response, body = invoke(lam, f"{name}:shift")
    assert (response["ExecutedVersion"], body["answer"]) == ("2", "two")
    lam.invoke(FunctionName=f"{name}:shift", InvocationType="Event", Payload=b"{}")
    lam.update_alias(
        FunctionName=name, Name="shift", RoutingConfig={"AdditionalVersionWeights": {"2": 0.0}}
    )
    lam.invoke(FunctionName=name, Qualifier="shift", InvocationType="Event", Payload=b"{}")
    # The sync invoke wrote one message too; the async ones ran version 2, then version 1.
    seen = [json.loads(m["Body"])["answer"] for m in receive_all(sqs, sink_url, 3)]
    assert sorted(seen) == ["one", "two", "two"]
    response, body = invoke(lam, f"{name}:shift")
    assert (response["ExecutedVersion"], body["answer"]) == ("1", "one")


def test_an_sns_subscription_on_a_weighted_alias_runs_the_routed_version(
    lam: Any, sqs: Any, versioned: Any, make_queue: Any, localcloud: Any
) -> None:
    sink_url, _ = make_queue()
    name = _two_versions(lam, versioned, SINK_URL=sink_url)
    alias_arn = lam.create_alias(
        FunctionName=name,
        Name="all-in",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 1.0}},
    )["AliasArn"]
    sns = localcloud.client("sns")
    topic = sns.create_topic(Name=unique("alias-topic"))["TopicArn"]
    try:
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=alias_arn)
        sns.publish(TopicArn=topic, Message="hello")
        (message,) = receive_all(sqs, sink_url, 1)
    finally:
        sns.delete_topic(TopicArn=topic)
    seen = json.loads(message["Body"])
    assert (seen["answer"], seen["version"]) == ("two", "2")


def test_alias_routing_is_validated_as_lambda_does(lam: Any, versioned: Any) -> None:
    name = _two_versions(lam, versioned)
    _update(lam, name, "three")
    lam.publish_version(FunctionName=name)

    def refused(error: Any, **kwargs: Any) -> str:
        with pytest.raises(error) as caught:
            lam.create_alias(FunctionName=name, Name="bad", **kwargs)
        return str(caught.value)

    invalid = lam.exceptions.InvalidParameterValueException
    message = refused(
        invalid,
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1, "3": 0.1}},
    )
    assert "Number of items in AdditionalVersionWeights cannot be greater than 1" in message
    message = refused(
        invalid, FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"1": 0.1}}
    )
    assert (
        "Invalid function version 1. Function version 1 is already included in routing "
        "configuration." in message
    )
    message = refused(
        invalid, FunctionVersion="$LATEST", RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}}
    )
    assert "$LATEST is not supported for an alias pointing to more than 1 version" in message
    message = refused(
        lam.exceptions.ResourceNotFoundException,
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"7": 0.1}},
    )
    assert "Function not found: arn:aws:lambda:" in message
    assert f":function:{name}:7" in message
    with pytest.raises(lam.exceptions.ClientError) as caught:
        lam.create_alias(
            FunctionName=name,
            Name="bad",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 1.5}},
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "Member must have value less than or equal to 1.0" in str(caught.value)
    # Nothing refused was created.
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == []

    # UpdateAlias without FunctionVersion is checked against the alias's current version.
    lam.create_alias(FunctionName=name, Name="live", FunctionVersion="2")
    with pytest.raises(invalid, match="Function version 2 is already included"):
        lam.update_alias(
            FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"2": 0.3}}
        )
    lam.update_alias(
        FunctionName=name, Name="live", RoutingConfig={"AdditionalVersionWeights": {"3": 0.3}}
    )
    routing = lam.get_alias(FunctionName=name, Name="live")["RoutingConfig"]
    assert routing == {"AdditionalVersionWeights": {"3": 0.3}}


def test_reserved_concurrency_is_shared_by_all_versions(
    lam: Any, versioned: Any, localcloud: Any
) -> None:
    name = _two_versions(lam, versioned)
    # Set after both were published: the function's setting, not a copy taken per version.
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    slow: dict[str, Any] = {}
    first = threading.Thread(
        target=lambda: slow.update(result=invoke(lam, f"{name}:1", {"sleep": 3})), daemon=True
    )
    first.start()
    executor = localcloud.runtime.executor
    wait_until(lambda: executor.running(f"{name}:1") == 1, message="version 1 running")

    # No retries: botocore would retry a throttle, perhaps after version 1 finished.
    once = client("lambda", localcloud.endpoint_url, retries=1)
    for other in (f"{name}:2", name):
        with pytest.raises(once.exceptions.TooManyRequestsException):
            invoke(once, other)
    first.join(timeout=15)
    assert slow["result"][1]["answer"] == "one"
    # Its one slot free again, version 2 runs.
    assert invoke(lam, f"{name}:2")[1]["answer"] == "two"


def test_async_invokes_and_mappings_naming_a_version_run_it(
    lam: Any, sqs: Any, versioned: Any, make_queue: Any, make_mapping: Any
) -> None:
    sink_url, _ = make_queue()
    name = versioned("one", env={"SINK_URL": sink_url})
    lam.publish_version(FunctionName=name)
    _update(lam, name, "two")

    lam.invoke(FunctionName=f"{name}:1", InvocationType="Event", Payload=b"{}")
    lam.invoke(FunctionName=name, Qualifier="1", InvocationType="Event", Payload=b"{}")
    seen = [json.loads(m["Body"]) for m in receive_all(sqs, sink_url, 2)]
    assert [s["answer"] for s in seen] == ["one", "one"]

    source_url, source_arn = make_queue()
    make_mapping(source_arn, f"{name}:1", BatchSize=1)
    sqs.send_message(QueueUrl=source_url, MessageBody="hello")
    (message,) = receive_all(sqs, sink_url, 1)
    assert json.loads(message["Body"])["answer"] == "one"
