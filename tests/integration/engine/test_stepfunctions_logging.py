"""Step Functions execution logs on the local cloud: a state machine's LoggingConfiguration (SAM's
Logging) checked at deploy and at Create/UpdateStateMachine, and its executions' history events
in its log group, read back with CloudWatch Logs' own API. One behaviour each."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from engine_support import unique, wait_until

from localcloud.deploy import deploy, destroy

pytestmark = pytest.mark.integration

FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
FLOW = {
    "StartAt": "Keep",
    "States": {
        "Keep": {"Type": "Pass", "Parameters": {"kept.$": "$.order"}, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.kept", "StringEquals": "bad", "Next": "Refuse"}],
            "Default": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Refuse": {"Type": "Fail", "Error": "BadOrder", "Cause": "the order is bad"},
    },
}


@pytest.fixture
def sfn(localcloud: Any) -> Any:
    # StartSyncExecution goes to "sync-<host>", which a resolver may not know.
    return boto3.client(
        "stepfunctions",
        endpoint_url=localcloud.endpoint_url,
        region_name=localcloud.region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(inject_host_prefix=False),
    )


@pytest.fixture
def logs(localcloud: Any) -> Any:
    return localcloud.client("logs")


@pytest.fixture
def make_group(logs: Any) -> Iterator[Callable[[], tuple[str, str]]]:
    made: list[str] = []

    def make() -> tuple[str, str]:
        """A new log group: (name, ARN ending in :*)."""
        name = f"/aws/vendedlogs/states/{unique('flow')}"
        logs.create_log_group(logGroupName=name)
        made.append(name)
        arn = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"][0]["arn"]
        return name, arn if arn.endswith(":*") else f"{arn}:*"

    yield make
    for name in made:
        logs.delete_log_group(logGroupName=name)


def logging(level: str, arn: str, data: bool = False) -> dict[str, Any]:
    return {
        "level": level,
        "includeExecutionData": data,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}}],
    }


@pytest.fixture
def make_machine(sfn: Any, role_arn: str) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(config: dict[str, Any], kind: str = "EXPRESS") -> str:
        arn = sfn.create_state_machine(
            name=unique("logged"),
            definition=json.dumps(FLOW),
            roleArn=role_arn,
            type=kind,
            loggingConfiguration=config,
        )["stateMachineArn"]
        created.append(arn)
        return str(arn)

    yield make
    for arn in created:
        sfn.delete_state_machine(stateMachineArn=arn)


def records(logs: Any, group: str, execution_arn: str, count: int) -> list[dict[str, Any]]:
    """The log records of one execution, in order, once there are ``count`` of them."""

    def written() -> list[dict[str, Any]] | None:
        events = logs.filter_log_events(logGroupName=group)["events"]
        found = [json.loads(event["message"]) for event in events]
        mine = [record for record in found if record["execution_arn"] == execution_arn]
        return mine if len(mine) >= count else None

    found = wait_until(written, 10, f"{count} log records of {execution_arn}")
    return sorted(found, key=lambda record: int(record["id"]))


def finished(sfn: Any, execution_arn: str) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        described = sfn.describe_execution(executionArn=execution_arn)
        return described if described["status"] in FINISHED else None

    return dict(wait_until(done, 10, f"execution {execution_arn} to end"))


SAM_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  FlowLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: {group}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      DefinitionUri: flow.asl.json
      Logging:
        Level: ALL
        IncludeExecutionData: false
        Destinations:
          - CloudWatchLogsLogGroup:
              LogGroupArn: !GetAtt FlowLogs.Arn
      Policies:
        - CloudWatchLogsFullAccess
Outputs:
  FlowArn:
    Value: !Ref Flow
"""


def test_a_sam_express_machine_logs_every_event_without_execution_data(
    localcloud: Any, sfn: Any, logs: Any, tmp_path: Path
) -> None:
    group = f"/aws/vendedlogs/states/{unique('sam-flow')}"
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = tmp_path / "template.yaml"
    template.write_text(SAM_TEMPLATE.format(group=group))
    stack = unique("logged-flow")
    report = deploy(template, localcloud.endpoint_url, stack=stack)
    try:
        machine = report.outputs["FlowArn"]

        result = sfn.start_sync_execution(stateMachineArn=machine, input='{"order": "o-1"}')

        assert result["status"] == "SUCCEEDED"
        written = records(logs, group, result["executionArn"], 8)
        assert [record["type"] for record in written] == [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ChoiceStateEntered",
            "ChoiceStateExited",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded",
        ]
        assert written[0]["details"] == {"roleArn": written[0]["details"]["roleArn"]}
        assert written[1]["details"] == {"name": "Keep"}
        assert not any("input" in r["details"] or "output" in r["details"] for r in written)
        assert [r["id"] for r in written] == [str(n) for n in range(1, len(written) + 1)]
        assert set(written[0]) == {
            *("id", "type", "details", "previous_event_id", "event_timestamp"),
            *("execution_arn", "redrive_count"),
        }
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
        name = machine.rsplit(":", 1)[-1]
        assert [s["logStreamName"].split("/")[:2] for s in streams] == [["states", name]]
        described = sfn.describe_state_machine(stateMachineArn=machine)["loggingConfiguration"]
        assert (described["level"], described["includeExecutionData"]) == ("ALL", False)
        assert described["destinations"][0]["cloudWatchLogsLogGroup"]["logGroupArn"].endswith(
            f"log-group:{group}:*"
        )
        assert deploy(template, localcloud.endpoint_url, stack=stack).updated == []
        template.write_text(template.read_text().replace("Level: ALL", "Level: ERROR"))
        assert deploy(template, localcloud.endpoint_url, stack=stack).updated == ["Flow"]
        described = sfn.describe_state_machine(stateMachineArn=machine)["loggingConfiguration"]
        assert described["level"] == "ERROR"
    finally:
        destroy(localcloud.endpoint_url, stack)


def test_level_error_logs_only_the_failure_events_of_a_failing_execution(
    sfn: Any, logs: Any, make_group: Callable[[], tuple[str, str]], make_machine: Any
) -> None:
    group, arn = make_group()
    machine = make_machine(logging("ERROR", arn), kind="STANDARD")

    failed = sfn.start_execution(stateMachineArn=machine, input='{"order": "bad"}')
    assert finished(sfn, failed["executionArn"])["status"] == "FAILED"
    succeeded = sfn.start_execution(stateMachineArn=machine, input='{"order": "good"}')
    assert finished(sfn, succeeded["executionArn"])["status"] == "SUCCEEDED"

    written = records(logs, group, failed["executionArn"], 2)
    assert [record["type"] for record in written] == ["FailStateEntered", "ExecutionFailed"]
    assert written[1]["details"] == {"error": "BadOrder", "cause": "the order is bad"}
    every = logs.filter_log_events(logGroupName=group)["events"]
    assert len(every) == 2  # the succeeded execution logged nothing at ERROR


def test_execution_data_is_logged_when_asked_for(
    sfn: Any, logs: Any, make_group: Callable[[], tuple[str, str]], make_machine: Any
) -> None:
    group, arn = make_group()
    machine = make_machine(logging("ALL", arn, data=True))

    result = sfn.start_sync_execution(stateMachineArn=machine, input='{"order": "o-2"}')

    written = records(logs, group, result["executionArn"], 8)
    assert json.loads(written[0]["details"]["input"]) == {"order": "o-2"}
    assert json.loads(written[-1]["details"]["output"]) == {"kept": "o-2"}


def test_update_state_machine_changing_the_level_applies_to_the_next_execution(
    sfn: Any, logs: Any, make_group: Callable[[], tuple[str, str]], make_machine: Any
) -> None:
    group, arn = make_group()
    machine = make_machine(logging("FATAL", arn))
    quiet = sfn.start_sync_execution(stateMachineArn=machine, input='{"order": "o-3"}')

    sfn.update_state_machine(stateMachineArn=machine, loggingConfiguration=logging("ALL", arn))
    loud = sfn.start_sync_execution(stateMachineArn=machine, input='{"order": "o-4"}')

    assert len(records(logs, group, loud["executionArn"], 8)) == 8
    every = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName=group)["events"]]
    assert not [record for record in every if record["execution_arn"] == quiet["executionArn"]]
    described = sfn.describe_state_machine(stateMachineArn=machine)["loggingConfiguration"]
    assert described["level"] == "ALL"


def test_a_log_group_arn_without_its_qualifier_is_refused(
    sfn: Any, role_arn: str, make_group: Callable[[], tuple[str, str]]
) -> None:
    _, arn = make_group()

    with pytest.raises(sfn.exceptions.InvalidLoggingConfiguration) as refused:
        sfn.create_state_machine(
            name=unique("unlogged"),
            definition=json.dumps(FLOW),
            roleArn=role_arn,
            loggingConfiguration=logging("ALL", arn.removesuffix(":*")),
        )

    assert refused.value.response["Error"]["Message"] == (
        "Invalid Logging Configuration: Log Group ARN must be provided with '*' qualifier."
    )


def test_a_log_group_that_does_not_exist_is_refused(sfn: Any, role_arn: str) -> None:
    missing = f"arn:aws:logs:us-east-1:123456789012:log-group:{unique('nowhere')}:*"

    with pytest.raises(sfn.exceptions.InvalidLoggingConfiguration, match="does not exist"):
        sfn.create_state_machine(
            name=unique("unlogged"),
            definition=json.dumps(FLOW),
            roleArn=role_arn,
            loggingConfiguration=logging("ERROR", missing),
        )


def test_deploy_refuses_a_log_group_arn_without_its_qualifier_with_step_functions_words(
    localcloud: Any, tmp_path: Path
) -> None:
    (tmp_path / "flow.asl.json").write_text(json.dumps(FLOW))
    template = tmp_path / "template.yaml"
    template.write_text(
        SAM_TEMPLATE.format(group=f"/aws/vendedlogs/states/{unique('bad')}").replace(
            "LogGroupArn: !GetAtt FlowLogs.Arn",
            "LogGroupArn: !Sub 'arn:aws:logs:${AWS::Region}:${AWS::AccountId}"
            ":log-group:${FlowLogs}'",
        )
    )
    stack = unique("bad-logging")

    try:
        with pytest.raises(Exception, match=r"must be provided with '\*' qualifier") as refused:
            deploy(template, localcloud.endpoint_url, stack=stack)
        assert "Flow" in str(refused.value)
    finally:
        destroy(localcloud.endpoint_url, stack)


def test_a_standard_execution_logs_the_events_of_its_parallel_branches_too(
    sfn: Any, logs: Any, role_arn: str, make_group: Callable[[], tuple[str, str]]
) -> None:
    group, arn = make_group()
    branch = {"StartAt": "One", "States": {"One": {"Type": "Pass", "End": True}}}
    machine = sfn.create_state_machine(
        name=unique("fanned"),
        definition=json.dumps(
            {
                "StartAt": "Fan",
                "States": {"Fan": {"Type": "Parallel", "Branches": [branch, branch], "End": True}},
            }
        ),
        roleArn=role_arn,
        loggingConfiguration=logging("ALL", arn),
    )["stateMachineArn"]
    try:
        started = sfn.start_execution(stateMachineArn=machine, input="{}")
        assert finished(sfn, started["executionArn"])["status"] == "SUCCEEDED"
        history = sfn.get_execution_history(executionArn=started["executionArn"])["events"]

        written = records(logs, group, started["executionArn"], len(history))

        assert [r["type"] for r in written] == [event["type"] for event in history]
        assert [int(r["id"]) for r in written] == [event["id"] for event in history]
        assert [r["type"] for r in written].count("PassStateEntered") == 2
    finally:
        sfn.delete_state_machine(stateMachineArn=machine)
