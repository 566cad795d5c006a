"""Step Functions on the local cloud, through boto3: ASL run by moto's interpreter, with Lambda
tasks on the engine's executor and optimized integrations through the gateway. One behaviour each.

Retry intervals are 1 s with BackoffRate 1, so the slowest test waits about two seconds.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from engine_support import HANDLERS, unique, wait_until

from localcloud.deploy import deploy, destroy
from localcloud.emulator import stepfunctions

pytestmark = pytest.mark.integration

FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


@pytest.fixture
def sfn(localcloud: Any) -> Any:
    return localcloud.client("stepfunctions")


@pytest.fixture
def make_machine(sfn: Any, role_arn: str) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(definition: dict[str, Any], kind: str = "STANDARD") -> str:
        arn = sfn.create_state_machine(
            name=unique("sm"), definition=json.dumps(definition), roleArn=role_arn, type=kind
        )["stateMachineArn"]
        created.append(arn)
        return str(arn)

    yield make
    for arn in created:
        sfn.delete_state_machine(stateMachineArn=arn)


def finished(sfn: Any, execution_arn: str, timeout: float = 20.0) -> dict[str, Any]:
    """DescribeExecution once the execution has ended."""

    def done() -> dict[str, Any] | None:
        described = sfn.describe_execution(executionArn=execution_arn)
        return described if described["status"] in FINISHED else None

    return dict(wait_until(done, timeout, f"execution {execution_arn} to end"))


def run(sfn: Any, machine: str, document: Any) -> dict[str, Any]:
    started = sfn.start_execution(stateMachineArn=machine, input=json.dumps(document))
    return finished(sfn, started["executionArn"])


def history_types(sfn: Any, execution_arn: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution_arn)["events"]
    return [event["type"] for event in events]


def function_arn(lam: Any, name: str) -> str:
    return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def test_a_task_with_retry_then_catch_runs_the_function_twice_and_takes_the_fallback(
    sfn: Any, lam: Any, make_function: Callable[..., str], make_machine: Callable[..., str]
) -> None:
    name = make_function("states.decline")
    machine = make_machine(
        {
            "StartAt": "Charge",
            "States": {
                "Charge": {
                    "Type": "Task",
                    "Resource": function_arn(lam, name),
                    "Retry": [
                        {
                            "ErrorEquals": ["PaymentDeclinedError"],
                            "IntervalSeconds": 1,
                            "MaxAttempts": 1,
                            "BackoffRate": 1,
                        }
                    ],
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}
                    ],
                    "End": True,
                },
                "Refund": {
                    "Type": "Pass",
                    "Result": "refunded",
                    "ResultPath": "$.outcome",
                    "End": True,
                },
            },
        }
    )

    result = run(sfn, machine, {"order": "o-1"})

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["outcome"] == "refunded"
    assert output["error"]["Error"] == "PaymentDeclinedError"
    assert "card declined for order o-1" in output["error"]["Cause"]
    types = history_types(sfn, result["executionArn"])
    assert types.count("LambdaFunctionFailed") == 2
    assert types.index("PassStateEntered") > types.index("TaskStateExited")


def test_an_uncaught_task_error_fails_the_execution_with_the_functions_error_type(
    sfn: Any, lam: Any, make_function: Callable[..., str], make_machine: Callable[..., str]
) -> None:
    name = make_function("states.decline")
    machine = make_machine(
        {
            "StartAt": "Charge",
            "States": {
                "Charge": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": name, "Payload.$": "$"},
                    "End": True,
                }
            },
        }
    )

    result = run(sfn, machine, {"order": "o-2"})

    assert result["status"] == "FAILED"
    assert result["error"] == "PaymentDeclinedError"
    assert "card declined for order o-2" in result["cause"]


def catching_all(resource: str, **task: Any) -> dict[str, Any]:
    """A machine whose one Task state's every error is caught into ``$.error``."""
    return {
        "StartAt": "Work",
        "States": {
            "Work": {
                "Type": "Task",
                "Resource": resource,
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}
                ],
                "End": True,
                **task,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }


def test_a_function_that_times_out_fails_its_task_with_lambda_unknown(
    sfn: Any, lam: Any, make_function: Callable[..., str], make_machine: Callable[..., str]
) -> None:
    slow = function_arn(lam, make_function("basic.sleepy", timeout=1))
    machine = make_machine(catching_all(slow))

    result = run(sfn, machine, {"seconds": 3})

    error = json.loads(result["output"])["error"]
    assert error["Error"] == "Lambda.Unknown"
    assert "Task timed out" in error["Cause"]


def test_a_task_over_its_timeout_seconds_fails_with_states_timeout(
    sfn: Any, lam: Any, make_function: Callable[..., str], make_machine: Callable[..., str]
) -> None:
    slow = function_arn(lam, make_function("basic.sleepy", timeout=10))
    machine = make_machine(catching_all(slow, TimeoutSeconds=1))

    result = run(sfn, machine, {"seconds": 3})

    assert json.loads(result["output"])["error"]["Error"] == "States.Timeout"


def test_a_task_naming_a_missing_function_fails_with_lambdas_error_code(
    sfn: Any, make_machine: Callable[..., str]
) -> None:
    missing = "arn:aws:lambda:us-east-1:123456789012:function:" + unique("missing")
    machine = make_machine(catching_all(missing))

    result = run(sfn, machine, {})

    assert json.loads(result["output"])["error"]["Error"] == "Lambda.ResourceNotFoundException"


def test_a_wait_for_task_token_task_resumes_when_the_function_sends_the_token_back(
    sfn: Any, make_function: Callable[..., str], make_machine: Callable[..., str]
) -> None:
    approve = make_function("states.approve")
    machine = make_machine(
        {
            "StartAt": "Approval",
            "States": {
                "Approval": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": approve,
                        "Payload": {"token.$": "$$.Task.Token", "order.$": "$.order"},
                    },
                    "TimeoutSeconds": 20,
                    "End": True,
                }
            },
        }
    )

    result = run(sfn, machine, {"order": "o-9"})

    assert result["status"] == "SUCCEEDED", result.get("cause")
    assert json.loads(result["output"]) == {"approved": "o-9"}


def test_parallel_and_map_collect_their_branches_results_in_order(
    sfn: Any,
    lam: Any,
    traces: Any,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
) -> None:
    double_name = make_function("states.double")
    double = function_arn(lam, double_name)
    machine = make_machine(
        {
            "StartAt": "Both",
            "States": {
                "Both": {
                    "Type": "Parallel",
                    "Branches": [
                        {
                            "StartAt": "Doubled",
                            "States": {
                                "Doubled": {
                                    "Type": "Map",
                                    "ItemsPath": "$.items",
                                    "ItemProcessor": {
                                        "StartAt": "Double",
                                        "States": {
                                            "Double": {
                                                "Type": "Task",
                                                "Resource": double,
                                                "End": True,
                                            }
                                        },
                                    },
                                    "End": True,
                                }
                            },
                        },
                        {
                            "StartAt": "Count",
                            "States": {
                                "Count": {
                                    "Type": "Pass",
                                    "Parameters": {"count.$": "States.ArrayLength($.items)"},
                                    "End": True,
                                }
                            },
                        },
                    ],
                    "End": True,
                }
            },
        }
    )

    result = run(sfn, machine, {"items": [1, 2, 3, 4]})

    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == [[2, 4, 6, 8], {"count": 4}]
    invocations = traces.invocations(double_name)
    assert len(invocations) == 4
    by_id = {hop.id: hop for hop in traces.trace_of(invocations[0])}
    chain = []
    hop = invocations[0]
    while hop.parent in by_id:
        hop = by_id[hop.parent]
        chain.append((hop.kind, hop.resource))
    assert chain[:3] == [
        ("state entered", "Double"),
        ("state entered", "Doubled"),
        ("state entered", "Both"),
    ]
    assert chain[3][0] == "execution"


def test_optimized_integrations_land_in_sqs_sns_dynamodb_and_eventbridge(
    localcloud: Any,
    sfn: Any,
    sqs: Any,
    make_queue: Callable[..., tuple[str, str]],
    make_table: Callable[[], Any],
    make_machine: Callable[..., str],
) -> None:
    queue_url, _ = make_queue()
    topic_queue_url, topic_queue_arn = make_queue()
    bus_queue_url, bus_queue_arn = make_queue()
    sns = localcloud.client("sns")
    topic = sns.create_topic(Name=unique("topic"))["TopicArn"]
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=topic_queue_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    events = localcloud.client("events")
    rule = unique("rule")
    source = unique("orders")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": bus_queue_arn}])
    table = make_table()
    machine = make_machine(
        {
            "StartAt": "Send",
            "States": {
                "Send": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": queue_url, "MessageBody.$": "$.order"},
                    "ResultPath": "$.sent",
                    "Next": "Publish",
                },
                "Publish": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sns:publish",
                    "Parameters": {"TopicArn": topic, "Message.$": "$.order"},
                    "ResultPath": "$.published",
                    "Next": "Put",
                },
                "Put": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:putItem",
                    "Parameters": {
                        "TableName": table.name,
                        "Item": {"pk": {"S.$": "$.order"}, "state": {"S": "placed"}},
                    },
                    "ResultPath": "$.put",
                    "Next": "Get",
                },
                "Get": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:getItem",
                    "Parameters": {"TableName": table.name, "Key": {"pk": {"S.$": "$.order"}}},
                    "ResultSelector": {"state.$": "$.Item.state.S"},
                    "ResultPath": "$.got",
                    "Next": "Announce",
                },
                "Announce": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::events:putEvents",
                    "Parameters": {
                        "Entries": [
                            {
                                "Source": source,
                                "DetailType": "Placed",
                                "Detail": {"order.$": "$.order"},
                            }
                        ]
                    },
                    "ResultPath": "$.announced",
                    "End": True,
                },
            },
        }
    )

    result = run(sfn, machine, {"order": "o-3"})

    assert result["status"] == "SUCCEEDED", result.get("cause")
    output = json.loads(result["output"])
    assert output["got"] == {"state": "placed"}
    assert output["announced"]["FailedEntryCount"] == 0
    assert table.get_item(Key={"pk": "o-3"})["Item"]["state"] == "placed"

    def body(url: str) -> str | None:
        messages = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", [])
        return messages[0]["Body"] if messages else None

    assert wait_until(lambda: body(queue_url), 10, "the sent message") == "o-3"
    assert wait_until(lambda: body(topic_queue_url), 10, "the published message") == "o-3"
    delivered = json.loads(wait_until(lambda: body(bus_queue_url), 10, "the put event"))
    assert (delivered["source"], delivered["detail"]) == (source, {"order": "o-3"})


def test_start_sync_execution_answers_an_express_machines_output(
    localcloud: Any,
    lam: Any,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
) -> None:
    classify = function_arn(lam, make_function("states.classify"))
    machine = make_machine(
        {
            "StartAt": "Classify",
            "States": {
                "Classify": {"Type": "Task", "Resource": classify, "Next": "Label"},
                "Label": {
                    "Type": "Pass",
                    "Parameters": {"label.$": "States.Format('{} order', $.size)"},
                    "End": True,
                },
            },
        },
        kind="EXPRESS",
    )
    # boto3 sends StartSyncExecution to the host "sync-<endpoint host>"; a client that cannot
    # resolve that name keeps the endpoint's own host.
    client = boto3.client(
        "stepfunctions",
        endpoint_url=localcloud.endpoint_url,
        region_name=localcloud.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False),
    )

    result = client.start_sync_execution(stateMachineArn=machine, input='{"n": 3}')

    assert result["status"] == "SUCCEEDED", result.get("cause")
    assert json.loads(result["output"]) == {"label": "small order"}
    assert ":express:" in result["executionArn"]


def test_start_sync_execution_is_served_on_the_sync_prefixed_host(
    localcloud: Any, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}, kind="EXPRESS"
    )
    host, port = localcloud.endpoint_url.removeprefix("http://").rsplit(":", 1)
    body = json.dumps({"stateMachineArn": machine, "input": "{}"}).encode()
    request = (
        "POST / HTTP/1.1\r\n"
        f"Host: sync-localhost:{port}\r\n"
        "Content-Type: application/x-amz-json-1.0\r\n"
        "X-Amz-Target: AWSStepFunctions.StartSyncExecution\r\n"
        "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/states/aws4_request, "
        "SignedHeaders=host, Signature=0\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk

    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 200 " in status_line, answer[:300]
    assert json.loads(rest.partition(b"\r\n\r\n")[2])["status"] == "SUCCEEDED"


def test_start_sync_execution_refuses_a_standard_machine(
    localcloud: Any, make_machine: Callable[..., str]
) -> None:
    machine = make_machine({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    client = boto3.client(
        "stepfunctions",
        endpoint_url=localcloud.endpoint_url,
        region_name=localcloud.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False),
    )

    with pytest.raises(client.exceptions.StateMachineTypeNotSupported):
        client.start_sync_execution(stateMachineArn=machine, input="{}")


def test_an_eventbridge_rule_starts_the_state_machine_and_the_trace_links_its_tasks(
    localcloud: Any,
    sfn: Any,
    lam: Any,
    traces: Any,
    role_arn: str,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
) -> None:
    classify = make_function("states.classify")
    machine = make_machine(
        {
            "StartAt": "Classify",
            "States": {
                "Classify": {
                    "Type": "Task",
                    "Resource": function_arn(lam, classify),
                    "InputPath": "$.detail",
                    "End": True,
                }
            },
        }
    )
    events = localcloud.client("events")
    rule = unique("rule")
    source = unique("shop")
    events.put_rule(Name=rule, EventPattern=json.dumps({"source": [source]}))
    events.put_targets(Rule=rule, Targets=[{"Id": "sm", "Arn": machine, "RoleArn": role_arn}])

    events.put_events(Entries=[{"Source": source, "DetailType": "Order", "Detail": '{"n": 12}'}])

    listed = wait_until(
        lambda: sfn.list_executions(stateMachineArn=machine)["executions"], 10, "an execution"
    )
    result = finished(sfn, listed[0]["executionArn"])
    assert json.loads(result["output"]) == {"n": 12, "size": "big"}
    assert json.loads(result["input"])["source"] == source
    invocation = traces.wait_for(lambda: traces.invocations(classify), 10, "the task's invoke")[0]
    path = [(kind, resource) for kind, _, resource in traces.path(invocation.trace_id)]
    assert path.index(("match", rule)) < path.index(("state entered", "Classify"))
    assert path.index(("state entered", "Classify")) < path.index(("invoke", classify))
    by_id = {hop.id: hop for hop in traces.trace_of(invocation)}
    state = by_id[invocation.parent]
    assert (state.kind, state.resource) == ("state entered", "Classify")
    assert by_id[state.parent].kind == "execution"


def test_execution_history_records_every_state_entered_and_exited(
    sfn: Any, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {
            "StartAt": "Pause",
            "States": {
                "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Route"},
                "Route": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.go", "BooleanEquals": True, "Next": "Yes"}],
                    "Default": "No",
                },
                "Yes": {"Type": "Succeed"},
                "No": {"Type": "Fail", "Error": "NotGoing"},
            },
        }
    )

    result = run(sfn, machine, {"go": True})

    assert result["status"] == "SUCCEEDED"
    assert history_types(sfn, result["executionArn"]) == [
        "ExecutionStarted",
        "WaitStateEntered",
        "WaitStateExited",
        "ChoiceStateEntered",
        "ChoiceStateExited",
        "SucceedStateEntered",
        "SucceedStateExited",
        "ExecutionSucceeded",
    ]
    waited = result["stopDate"] - result["startDate"]
    assert waited.total_seconds() >= 1.0


def test_stop_execution_aborts_a_waiting_execution(
    sfn: Any, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 30, "End": True}}}
    )
    started = sfn.start_execution(stateMachineArn=machine, input="{}")

    sfn.stop_execution(executionArn=started["executionArn"], error="Cancelled", cause="by test")

    result = finished(sfn, started["executionArn"], timeout=5)
    assert result["status"] == "ABORTED"
    assert [e["status"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]] == [
        "ABORTED"
    ]


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (
            {"StartAt": "Missing", "States": {"Done": {"Type": "Succeed"}}},
            "MISSING_TRANSITION_TARGET: Missing 'StartAt' target: Missing at /StartAt",
        ),
        (
            {"StartAt": "A", "States": {"A": {"Type": "Pass"}}},
            "The field 'Next' or 'End' is required at /States/A",
        ),
        ({"StartAt": "A", "States": {"A": {"Type": "Task", "End": True}}}, "'Resource'"),
    ],
)
def test_create_state_machine_refuses_an_invalid_definition(
    sfn: Any, role_arn: str, definition: dict[str, Any], expected: str
) -> None:
    with pytest.raises(sfn.exceptions.InvalidDefinition) as refused:
        sfn.create_state_machine(
            name=unique("bad"), definition=json.dumps(definition), roleArn=role_arn
        )

    assert expected in refused.value.response["Error"]["Message"]


SAM_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Classify:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {handlers}
      Handler: states.classify
      Runtime: python3.12
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: flow.asl.json
      DefinitionSubstitutions:
        ClassifyArn: !GetAtt Classify.Arn
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Classify
Outputs:
  FlowArn:
    Value: !Ref Flow
"""

FLOW = {
    "StartAt": "Classify",
    "States": {
        "Classify": {"Type": "Task", "Resource": "${ClassifyArn}", "Next": "Size"},
        "Size": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.size", "StringEquals": "big", "Next": "Big"}],
            "Default": "Small",
        },
        "Big": {"Type": "Succeed"},
        "Small": {"Type": "Fail", "Error": "TooSmall"},
    },
}


def test_a_deployed_sam_state_machine_runs_task_choice_succeed(
    localcloud: Any, sfn: Any, tmp_path: Path
) -> None:
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE.format(handlers=HANDLERS))
    stack = unique("flow")
    report = deploy(template, localcloud.endpoint_url, stack=stack)
    try:
        machine = report.outputs["FlowArn"]

        big = run(sfn, machine, {"n": 40})
        small = run(sfn, machine, {"n": 2})

        assert big["status"] == "SUCCEEDED"
        assert json.loads(big["output"]) == {"n": 40, "size": "big"}
        assert (small["status"], small["error"]) == ("FAILED", "TooSmall")
        again = deploy(template, localcloud.endpoint_url, stack=stack)
        assert again.updated == [] and again.created == []
    finally:
        destroy(localcloud.endpoint_url, stack)


def test_deploy_refuses_a_state_machine_with_an_invalid_definition(
    localcloud: Any, tmp_path: Path
) -> None:
    (tmp_path / "flow.asl.json").write_text(
        json.dumps({"StartAt": "Nowhere", "States": {"Done": {"Type": "Succeed"}}})
    )
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Flow:\n"
        "    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n"
        "      DefinitionUri: flow.asl.json\n"
    )

    with pytest.raises(Exception, match="MISSING_TRANSITION_TARGET") as refused:
        deploy(template, localcloud.endpoint_url, stack=unique("bad-flow"))

    assert "Flow" in str(refused.value)


def test_what_a_reset_does_first_aborts_every_running_execution(sfn: Any, role_arn: str) -> None:
    # Runtime.reset stops running executions before moto forgets them (a reset of the
    # session's cloud here would take the other tests' resources with it).
    machine = sfn.create_state_machine(
        name=unique("waiting"),
        definition=json.dumps(
            {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 30, "End": True}}}
        ),
        roleArn=role_arn,
    )["stateMachineArn"]
    started = sfn.start_execution(stateMachineArn=machine, input="{}")

    stopped = stepfunctions.stop_running()

    assert stopped >= 1
    assert finished(sfn, started["executionArn"], timeout=5)["status"] == "ABORTED"
    sfn.delete_state_machine(stateMachineArn=machine)


def test_a_changed_definition_updates_the_deployed_machine_in_place(
    localcloud: Any, sfn: Any, tmp_path: Path
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Role:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: []}\n"
        "  Flow:\n"
        "    Type: AWS::StepFunctions::StateMachine\n"
        "    Properties:\n"
        "      RoleArn: !GetAtt Role.Arn\n"
        "      Definition:\n"
        "        StartAt: Answer\n"
        "        States:\n"
        "          Answer: {Type: Pass, Result: {answer: '${Answer}'}, End: true}\n"
        "      DefinitionSubstitutions: {Answer: '41'}\n"
    )
    stack = unique("answer")
    first = deploy(template, localcloud.endpoint_url, stack=stack)
    try:
        machine = first.resources["Flow"].physical_id
        template.write_text(template.read_text().replace("'41'", "'42'"))

        second = deploy(template, localcloud.endpoint_url, stack=stack)

        assert second.updated == ["Flow"]
        assert second.resources["Flow"].physical_id == machine
        assert json.loads(run(sfn, machine, {})["output"]) == {"answer": "42"}
    finally:
        destroy(localcloud.endpoint_url, stack)


def test_a_sam_eventbridge_rule_event_starts_the_deployed_machine(
    localcloud: Any, sfn: Any, tmp_path: Path
) -> None:
    source = unique("shop")
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Flow:\n"
        "    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n"
        "      Definition:\n"
        "        StartAt: Keep\n"
        "        States:\n"
        "          Keep: {Type: Pass, InputPath: $.detail, End: true}\n"
        "      Events:\n"
        "        Placed:\n"
        "          Type: EventBridgeRule\n"
        "          Properties:\n"
        f"            Pattern: {{source: [{source}]}}\n"
        "Outputs:\n"
        "  FlowArn: {Value: !Ref Flow}\n"
    )
    stack = unique("placed")
    report = deploy(template, localcloud.endpoint_url, stack=stack)
    try:
        machine = report.outputs["FlowArn"]

        localcloud.client("events").put_events(
            Entries=[{"Source": source, "DetailType": "Placed", "Detail": '{"order": "o-7"}'}]
        )

        listed = wait_until(
            lambda: sfn.list_executions(stateMachineArn=machine)["executions"], 10, "an execution"
        )
        assert json.loads(finished(sfn, listed[0]["executionArn"])["output"]) == {"order": "o-7"}
    finally:
        destroy(localcloud.endpoint_url, stack)
