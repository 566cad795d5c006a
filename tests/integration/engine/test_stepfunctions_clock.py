"""Step Functions' Wait states and Retry intervals on the cloud's test clock, through boto3, the
admin endpoint and the CLI: a day's Wait ends as soon as the clock moves a day, a Retry's
interval lets the next attempt run when the clock passes it, StopExecution ends a wait at once,
an execution's TimeoutSeconds counts on the clock, and a short real wait still ends by itself.

Each test moves the clock only once its wait is on it (the clock's ``waits``), and the fixture
puts the clock back to the real time afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from engine_support import unique, wait_until

from localcloud.admin_client import AdminClient
from localcloud.cli import main

pytestmark = pytest.mark.integration

FINISHED = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
DAY = 86400


@pytest.fixture
def sfn(localcloud: Any) -> Any:
    return localcloud.client("stepfunctions")


@pytest.fixture
def clock(localcloud: Any) -> Iterator[AdminClient]:
    """The admin client, to move the cloud's clock; the real time again afterwards."""
    admin = AdminClient(localcloud.endpoint_url)
    yield admin
    admin.move_clock(now=time.time())


@pytest.fixture
def make_machine(sfn: Any, role_arn: str) -> Iterator[Callable[..., str]]:
    created: list[str] = []

    def make(definition: dict[str, Any]) -> str:
        arn = sfn.create_state_machine(
            name=unique("sm-clock"), definition=json.dumps(definition), roleArn=role_arn
        )["stateMachineArn"]
        created.append(arn)
        return str(arn)

    yield make
    for arn in created:
        sfn.delete_state_machine(stateMachineArn=arn)


def function_arn(lam: Any, name: str) -> str:
    return str(lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"])


def status(sfn: Any, execution: str) -> str:
    return str(sfn.describe_execution(executionArn=execution)["status"])


def finished(sfn: Any, execution: str, timeout: float = 10.0) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        described = sfn.describe_execution(executionArn=execution)
        return described if described["status"] in FINISHED else None

    return dict(wait_until(done, timeout, f"execution {execution} to end", interval=0.02))


def history(sfn: Any, execution: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution)["events"]
    return [event["type"] for event in events]


def waits_on(clock: AdminClient, count: int = 1) -> None:
    """Until ``count`` waits are on the cloud's clock."""
    wait_until(
        lambda: clock.schedules()["clock"]["waits"] == count,
        10,
        f"{count} wait(s) on the clock",
        interval=0.02,
    )


def test_a_day_long_wait_ends_within_a_second_of_moving_the_clock_a_day(
    localcloud: Any,
    sfn: Any,
    lam: Any,
    clock: AdminClient,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = make_function("states.classify")
    lam.invoke(FunctionName=name, Payload=json.dumps({"n": 0}))  # warm: the task runs at once
    machine = make_machine(
        {
            "StartAt": "Tomorrow",
            "States": {
                "Tomorrow": {"Type": "Wait", "Seconds": DAY, "Next": "Classify"},
                "Classify": {"Type": "Task", "Resource": function_arn(lam, name), "End": True},
            },
        }
    )
    execution = sfn.start_execution(stateMachineArn=machine, input='{"n": 42}')["executionArn"]
    waits_on(clock)
    assert status(sfn, execution) == "RUNNING"
    assert clock.schedules()["clock"]["next_wait_ends"] is not None

    moved = time.monotonic()
    code = main(["clock", "--advance", str(DAY), "--endpoint", localcloud.endpoint_url])
    result = finished(sfn, execution, timeout=5)
    took = time.monotonic() - moved

    assert code == 0
    assert "the cloud's clock:" in capsys.readouterr().out
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"n": 42, "size": "big"}
    assert took < 1.0, f"the execution ended {took:.2f} s after the clock moved"
    types = history(sfn, execution)
    assert types.index("WaitStateExited") < types.index("TaskStateEntered")


def test_a_timestamp_path_wait_ends_when_the_clock_reaches_the_timestamp(
    sfn: Any, clock: AdminClient, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {
            "StartAt": "Until",
            "States": {"Until": {"Type": "Wait", "TimestampPath": "$.at", "End": True}},
        }
    )
    at = datetime.fromtimestamp(time.time() + DAY, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"at": at}))[
        "executionArn"
    ]
    waits_on(clock)
    clock.move_clock(advance_s=DAY / 2)
    time.sleep(0.2)
    assert status(sfn, execution) == "RUNNING"

    clock.move_clock(now=at)

    result = finished(sfn, execution, timeout=5)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"at": at}


def test_each_retry_runs_when_the_clock_passes_its_interval(
    sfn: Any,
    lam: Any,
    clock: AdminClient,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
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
                            "IntervalSeconds": 3600,
                            "MaxAttempts": 2,
                            "BackoffRate": 2,
                        }
                    ],
                    "End": True,
                }
            },
        }
    )
    execution = sfn.start_execution(stateMachineArn=machine, input='{"order": "o-9"}')[
        "executionArn"
    ]

    def attempts() -> int:
        return history(sfn, execution).count("LambdaFunctionFailed")

    wait_until(lambda: attempts() == 1, 20, "the first attempt")
    waits_on(clock)
    clock.move_clock(advance_s=3599)
    time.sleep(0.3)
    assert attempts() == 1  # an hour's interval: not yet

    clock.move_clock(advance_s=1)
    wait_until(lambda: attempts() == 2, 10, "the first retry")
    waits_on(clock)  # then two hours (BackoffRate 2)
    clock.move_clock(advance_s=7200)

    result = finished(sfn, execution)
    assert result["status"] == "FAILED"
    assert result["error"] == "PaymentDeclinedError"
    assert attempts() == 3


def test_stop_execution_during_a_day_long_wait_aborts_it_at_once(
    sfn: Any, clock: AdminClient, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": DAY, "End": True}}}
    )
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    waits_on(clock)

    stopped = time.monotonic()
    sfn.stop_execution(executionArn=execution, error="Cancelled", cause="by test")
    result = finished(sfn, execution, timeout=5)
    took = time.monotonic() - stopped

    assert result["status"] == "ABORTED"
    assert took < 1.0, f"aborted {took:.2f} s after StopExecution"
    assert history(sfn, execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    waits_on(clock, 0)


def test_stop_execution_during_a_retry_interval_aborts_it_without_another_attempt(
    sfn: Any,
    lam: Any,
    clock: AdminClient,
    make_function: Callable[..., str],
    make_machine: Callable[..., str],
) -> None:
    name = make_function("states.decline")
    machine = make_machine(
        {
            "StartAt": "Charge",
            "States": {
                "Charge": {
                    "Type": "Task",
                    "Resource": function_arn(lam, name),
                    "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 3600}],
                    "End": True,
                }
            },
        }
    )
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    waits_on(clock)

    sfn.stop_execution(executionArn=execution)

    result = finished(sfn, execution, timeout=5)
    assert result["status"] == "ABORTED"
    types = history(sfn, execution)
    assert types.count("LambdaFunctionFailed") == 1
    assert types[-1] == "ExecutionAborted"


def test_an_executions_timeout_counts_on_the_clock(
    sfn: Any, clock: AdminClient, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {
            "TimeoutSeconds": 3600,
            "StartAt": "Pause",
            "States": {"Pause": {"Type": "Wait", "Seconds": DAY, "End": True}},
        }
    )
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    waits_on(clock, 2)  # the Wait's and the timeout's

    clock.move_clock(advance_s=3600)

    result = finished(sfn, execution, timeout=5)
    assert result["status"] == "TIMED_OUT"
    assert history(sfn, execution)[-1] == "ExecutionTimedOut"
    waits_on(clock, 0)


def test_a_one_second_wait_still_ends_by_itself(
    sfn: Any, clock: AdminClient, make_machine: Callable[..., str]
) -> None:
    machine = make_machine(
        {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": 1, "End": True}}}
    )
    execution = sfn.start_execution(stateMachineArn=machine, input='{"k": 1}')["executionArn"]

    result = finished(sfn, execution, timeout=10)

    assert result["status"] == "SUCCEEDED"
    assert (result["stopDate"] - result["startDate"]).total_seconds() >= 1.0


def test_localcloud_clock_shows_the_waits_on_the_clock(
    localcloud: Any,
    sfn: Any,
    clock: AdminClient,
    make_machine: Callable[..., str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    machine = make_machine(
        {"StartAt": "Pause", "States": {"Pause": {"Type": "Wait", "Seconds": DAY, "End": True}}}
    )
    execution = sfn.start_execution(stateMachineArn=machine, input="{}")["executionArn"]
    waits_on(clock)
    capsys.readouterr()

    code = main(["clock", "--endpoint", localcloud.endpoint_url])
    shown = capsys.readouterr().out
    code_json = main(["schedule", "clock", "--json", "--endpoint", localcloud.endpoint_url])
    state = json.loads(capsys.readouterr().out)

    assert code == code_json == 0
    assert "the cloud's clock:" in shown and "1 Step Functions wait(s) on it" in shown
    assert state["waits"] == 1
    ends = datetime.fromisoformat(state["next_wait_ends"]).timestamp()
    assert ends == pytest.approx(time.time() + DAY, abs=60)
    sfn.stop_execution(executionArn=execution)
    assert finished(sfn, execution)["status"] == "ABORTED"
