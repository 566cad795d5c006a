"""Step Functions patches (moto_patches/stepfunctions.py) seen through the API, in process: an
execution's name is checked as AWS checks it, and a state machine a CloudFormation stack makes
is the one the API finds. No network, no execution is started."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from localcloud.emulator.moto_patches import stepfunctions

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sfn"
DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


class NoHooks:
    """No execution starts in these tests, so no hook is called."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"hook {name} called")


@pytest.fixture
def sfn() -> Iterator[Any]:
    group = stepfunctions.patches(NoHooks())  # type: ignore[arg-type]
    with mock_aws():
        group.apply()
        try:
            yield boto3.client("stepfunctions", region_name=REGION)
        finally:
            group.undo()


def machine(sfn: Any) -> str:
    return str(
        sfn.create_state_machine(name="m", definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]
    )


def test_an_execution_name_over_80_characters_is_refused(sfn: Any) -> None:
    name = "t" * 81
    with pytest.raises(ClientError) as refused:
        sfn.start_execution(stateMachineArn=machine(sfn), name=name)

    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 80"
    )
    assert sfn.list_executions(stateMachineArn=machine(sfn))["executions"] == []


def test_an_execution_name_with_a_space_is_refused(sfn: Any) -> None:
    with pytest.raises(ClientError) as refused:
        sfn.start_execution(stateMachineArn=machine(sfn), name="two words")

    assert refused.value.response["Error"]["Code"] == "InvalidName"


def test_a_state_machine_a_stack_creates_is_found_and_goes_with_the_stack(sfn: Any) -> None:
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": "from-stack",
                    "DefinitionString": DEFINITION,
                    "RoleArn": ROLE,
                },
            }
        },
        "Outputs": {"Arn": {"Value": {"Ref": "Machine"}}},
    }
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName="stack", TemplateBody=json.dumps(template))
    outputs = cloudformation.describe_stacks(StackName="stack")["Stacks"][0]["Outputs"]
    arn = outputs[0]["OutputValue"]

    assert sfn.describe_state_machine(stateMachineArn=arn)["name"] == "from-stack"

    cloudformation.delete_stack(StackName="stack")
    with pytest.raises(ClientError) as gone:
        sfn.describe_state_machine(stateMachineArn=arn)
    assert gone.value.response["Error"]["Code"] == "StateMachineDoesNotExist"
