"""Step Functions executions started by the local cloud itself: an EventBridge or SNS target's
StartExecution and StartSyncExecution (which moto's HTTP dispatch lacks).

Both run on moto's interpreting backend (moto_patches/stepfunctions.py), so an execution
started here is the same as one started over HTTP: listed, described, with its history.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import AWSError
from moto.stepfunctions.exceptions import InvalidArn, StateMachineDoesNotExist
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import SyncExecution
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import ExecutionView
from localcloud.errors import LocalCloudError

EXPRESS = "EXPRESS"


class StatesError(LocalCloudError):
    """What Step Functions answers a start it refuses."""

    http_status = 400

    @property
    def code(self) -> str:
        return self.aws_code


class InvalidArnError(StatesError):
    aws_code = "InvalidArn"


class StateMachineDoesNotExistError(StatesError):
    aws_code = "StateMachineDoesNotExist"


class InvalidExecutionInputError(StatesError):
    aws_code = "InvalidExecutionInput"


class StateMachineTypeNotSupportedError(StatesError):
    aws_code = "StateMachineTypeNotSupported"


def _backend(region: str, account: str) -> Any:
    return stepfunctions_parser_backends[account][region]


def _machine(arn: str) -> tuple[Any, Any]:
    """(backend, state machine) of a state machine ARN; StatesError when there is none."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "states" or parts[5] != "stateMachine":
        raise InvalidArnError(f"Invalid Arn: '{arn}'")
    backend = _backend(parts[3], parts[4] or DEFAULT_ACCOUNT_ID)
    try:
        return backend, backend.describe_state_machine(arn)
    except (StateMachineDoesNotExist, InvalidArn) as exc:
        raise StateMachineDoesNotExistError(f"State Machine Does Not Exist: '{arn}'") from exc


def _type_of(machine: Any) -> str:
    # moto keeps the type asked for in ``type``; its ``sm_type`` always says STANDARD.
    return str(getattr(machine, "type", None) or "STANDARD")


def _checked_input(document: str | None) -> str:
    text = "{}" if document is None else document
    try:
        json.loads(text)
    except ValueError as exc:
        raise InvalidExecutionInputError(f"Invalid State Machine Execution Input: {exc}") from exc
    return text


def start_execution(arn: str, document: str | None, name: str | None = None) -> str:
    """StartExecution (a target's): the new execution's ARN; ServiceError when refused."""
    backend, _ = _machine(arn)
    text = _checked_input(document)
    try:
        execution = backend.start_execution(arn, name or str(uuid.uuid4()), text)
    except AWSError as exc:  # ExecutionAlreadyExists, a bad name...
        raise ServiceError.of(exc) from exc
    return str(execution.exec_arn)


def start_sync_execution(arn: str, document: str | None, name: str | None = None) -> dict[str, Any]:
    """StartSyncExecution: run an EXPRESS machine to its end in this thread; AWS's response."""
    backend, machine = _machine(arn)
    if _type_of(machine) != EXPRESS:
        raise StateMachineTypeNotSupportedError(
            "This operation is not supported by this type of state machine",
        )
    text = _checked_input(document)
    name = name or str(uuid.uuid4())
    snapshot = copy.deepcopy(
        machine, {id(machine.executions): [], id(machine.backend): machine.backend}
    )
    execution = SyncExecution(
        name=name,
        sm_type=StateMachineType.EXPRESS,
        role_arn=snapshot.roleArn,
        exec_arn=f"arn:{backend.partition}:states:{backend.region_name}:{backend.account_id}"
        f":express:{machine.name}:{name}:{uuid.uuid4()}",
        account_id=backend.account_id,
        region_name=backend.region_name,
        state_machine=snapshot,
        start_date=datetime.datetime.now(tz=datetime.UTC),
        cloud_watch_logging_session=None,
        activity_store={},
        input_data=text,
    )
    execution.start()
    output: dict[str, Any] = dict(execution.to_start_sync_execution_output())
    for key in ("startDate", "stopDate"):
        if isinstance(output.get(key), datetime.datetime):
            output[key] = output[key].timestamp()
    output["status"] = str(getattr(output.get("status"), "value", output.get("status")))
    return {key: value for key, value in output.items() if value is not None}


def execution_view(execution: Any) -> ExecutionView:
    """A frozen view of one of moto's executions."""
    machine = execution.state_machine
    return ExecutionView(
        arn=execution.exec_arn,
        name=execution.name,
        state_machine_arn=getattr(machine, "source_arn", None) or machine.arn,
        state_machine_type=_type_of(machine),
        status=str(getattr(execution.exec_status, "value", execution.exec_status) or "RUNNING"),
        error=execution.error,
        cause=execution.cause,
    )


def stop_running() -> int:
    """Stop every running execution (before a reset forgets them); how many were stopped."""
    stopped = 0
    now = datetime.datetime.now(tz=datetime.UTC)
    for regions in list(stepfunctions_parser_backends.values()):
        for backend in list(regions.values()):
            for machine in list(backend.state_machines):
                for running in list(machine.executions):
                    worker = getattr(running, "exec_worker", None)
                    if worker is not None and running.status == "RUNNING":
                        running.stop(stop_date=now, error="States.Aborted", cause="reset")
                        stopped += 1
    return stopped
