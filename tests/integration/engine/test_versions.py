"""Published versions and aliases run their own code and configuration: a version is immutable,
$LATEST is the one that changes, an alias runs the version it points at, and a deleted version
cannot be invoked. Asynchronous invokes and event source mappings naming a version run it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from engine_support import invoke, receive_all, unique

SOURCE = """
import json
import os

import boto3

ANSWER = {answer!r}


def handler(event, context):
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


def test_weighted_alias_routing_is_refused(lam: Any, versioned: Any) -> None:
    name = versioned("one")
    lam.publish_version(FunctionName=name)
    _update(lam, name, "two")
    lam.publish_version(FunctionName=name)
    lam.create_alias(
        FunctionName=name,
        Name="canary",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )
    with pytest.raises(lam.exceptions.InvalidParameterValueException, match="weighted"):
        invoke(lam, f"{name}:canary")


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
