"""`up --state DIR` keeps state machines and their finished executions across a restart, and the
machines run again after it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

FLOW = {
    "StartAt": "Greet",
    "States": {
        "Greet": {
            "Type": "Pass",
            "Parameters": {"greeting.$": "States.Format('hello {}', $.name)"},
            "End": True,
        }
    },
}


def ended(sfn: Any, execution_arn: str) -> dict[str, Any]:
    deadline = time.monotonic() + 15
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return dict(described)
        assert time.monotonic() < deadline, f"{execution_arn} still running"
        time.sleep(0.05)


def test_a_state_machine_and_its_executions_survive_a_restart(
    start_cloud: Any, tmp_path: Path
) -> None:
    first = start_cloud("--state", str(tmp_path))
    sfn: Any = first.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="kept-flow",
        definition=json.dumps(FLOW),
        roleArn="arn:aws:iam::123456789012:role/kept",
    )["stateMachineArn"]
    before = sfn.start_execution(stateMachineArn=machine, input='{"name": "ada"}')
    assert ended(sfn, before["executionArn"])["status"] == "SUCCEEDED"
    stderr = first.stop()
    assert (tmp_path / "state.bin").is_file(), stderr

    second = start_cloud("--state", str(tmp_path))
    sfn = second.client("stepfunctions")

    kept = sfn.describe_execution(executionArn=before["executionArn"])
    assert (kept["status"], json.loads(kept["output"])) == ("SUCCEEDED", {"greeting": "hello ada"})
    history = sfn.get_execution_history(executionArn=before["executionArn"])["events"]
    assert history[-1]["type"] == "ExecutionSucceeded"
    after = sfn.start_execution(stateMachineArn=machine, input='{"name": "grace"}')
    assert json.loads(ended(sfn, after["executionArn"])["output"]) == {"greeting": "hello grace"}
