"""Event invocations: 202, retries, destinations and the function's dead-letter queue."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import receive_all, unique

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("fast_retries")]


def _attempts(table: Any, event_id: str) -> int:
    item = table.get_item(Key={"pk": f"attempts#{event_id}"}, ConsistentRead=True).get("Item")
    return int(item["attempts"]) if item else 0


def test_event_invoke_is_accepted_at_once_and_runs(
    lam: Any, make_function: Any, traces: Any
) -> None:
    name = make_function("basic.echo")

    response = lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"a": 1}')

    assert response["StatusCode"] == 202
    hops = traces.wait_for(lambda: traces.invocations(name, "ok"), message="the async run")
    assert [h.detail["source"] for h in hops] == ["async"]


def test_async_failing_twice_then_succeeding_sends_one_success_record(
    lam: Any, make_function: Any, make_queue: Any, make_table: Any, sqs: Any
) -> None:
    table = make_table()
    name = make_function("sink.flaky", env={"SINK_TABLE": table.name})
    success_url, success_arn = make_queue()
    _, failure_arn = make_queue()
    lam.put_function_event_invoke_config(
        FunctionName=name,
        DestinationConfig={
            "OnSuccess": {"Destination": success_arn},
            "OnFailure": {"Destination": failure_arn},
        },
    )
    event: dict[str, Any] = {"id": unique("ev"), "fail_times": 2}

    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event).encode())

    [message] = receive_all(sqs, success_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(f":function:{name}:$LATEST")
    assert record["requestPayload"] == event
    assert record["responsePayload"] == {"attempts": 3}
    assert _attempts(table, event["id"]) == 3
    assert sqs.receive_message(QueueUrl=success_url, WaitTimeSeconds=1).get("Messages") is None


def test_async_always_failing_ends_in_on_failure_destination(
    lam: Any, make_function: Any, make_queue: Any, sqs: Any
) -> None:
    name = make_function("basic.fail")
    failure_url, failure_arn = make_queue()
    lam.put_function_event_invoke_config(
        FunctionName=name, DestinationConfig={"OnFailure": {"Destination": failure_arn}}
    )
    event = {"id": "always"}

    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event).encode())

    [message] = receive_all(sqs, failure_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == event
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "boom: always"
    assert record["responsePayload"]["errorType"] == "ValueError"


def test_async_maximum_retry_attempts_zero_runs_once(
    lam: Any, make_function: Any, make_queue: Any, make_table: Any, sqs: Any
) -> None:
    table = make_table()
    name = make_function("sink.flaky", env={"SINK_TABLE": table.name})
    failure_url, failure_arn = make_queue()
    lam.put_function_event_invoke_config(
        FunctionName=name,
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failure_arn}},
    )
    event: dict[str, Any] = {"id": unique("ev"), "fail_times": 5}

    lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event).encode())

    [message] = receive_all(sqs, failure_url, 1)
    record = json.loads(message["Body"])
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert _attempts(table, event["id"]) == 1


def test_async_failure_without_destination_goes_to_function_dlq(
    lam: Any, make_function: Any, make_queue: Any, sqs: Any
) -> None:
    dlq_url, dlq_arn = make_queue()
    name = make_function("basic.fail", dead_letter_arn=dlq_arn)
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    event = {"id": "to-dlq"}

    response = lam.invoke(
        FunctionName=name, InvocationType="Event", Payload=json.dumps(event).encode()
    )

    [message] = receive_all(sqs, dlq_url, 1)
    assert json.loads(message["Body"]) == event
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert set(attributes) == {"RequestID", "ErrorCode", "ErrorMessage"}
    assert attributes["ErrorMessage"] == "boom: to-dlq"
    assert attributes["RequestID"]
    assert response["StatusCode"] == 202
