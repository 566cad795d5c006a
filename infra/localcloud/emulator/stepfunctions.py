"""Step Functions executions started by the local cloud itself: an EventBridge or SNS target's
StartExecution and StartSyncExecution (which moto's HTTP dispatch lacks).

Both run on moto's interpreting backend (moto_patches/stepfunctions.py), so an execution
started here is the same as one started over HTTP: listed, described, with its history.

Also the execution logs of a state machine whose ``loggingConfiguration`` logs (execution_logs.py
says what and how): ``ExecutionLog`` writes an execution's history events to its log group.
"""

from __future__ import annotations

import copy
import datetime
import json
import uuid
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.exceptions import AWSError
from moto.logs.models import logs_backends
from moto.stepfunctions.exceptions import InvalidArn, StateMachineDoesNotExist
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import SyncExecution
from moto.stepfunctions.parser.models import stepfunctions_parser_backends

from localcloud.emulator import execution_logs
from localcloud.emulator.backends import ServiceError, put_log_lines
from localcloud.emulator.execution_logs import ExecutionLogging
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


# -- Execution logs ------------------------------------------------------------------------------
def log_group_exists(logging: ExecutionLogging) -> bool:
    backends: Any = logs_backends
    return logging.group in backends[logging.account][logging.region].groups


def checked_logging(config: Any) -> ExecutionLogging | None:
    """A state machine's ``loggingConfiguration`` as Create/UpdateStateMachine take it: AWSError
    with Step Functions' code when refused, a destination group that does not exist included."""
    try:
        logging = execution_logs.checked_logging(config)
    except execution_logs.LoggingConfigurationError as exc:
        raise AWSError(str(exc), exception_type=exc.code) from exc
    if logging is not None and not log_group_exists(logging):
        raise AWSError(
            f"{execution_logs.INVALID}Log Destination not found: the log group "
            f"{logging.group!r} does not exist (create it first: AWS::Logs::LogGroup, or "
            "aws logs create-log-group).",
            exception_type="InvalidLoggingConfiguration",
        )
    return logging


class ExecutionLog:
    """Where one execution writes its history events: its machine's log group, in the stream of
    the minute it started."""

    def __init__(self, execution_arn: str, machine_name: str, logging: ExecutionLogging) -> None:
        self.execution_arn = execution_arn
        self.logging = logging
        self.stream = execution_logs.stream_name(
            machine_name, datetime.datetime.now(tz=datetime.UTC)
        )

    @classmethod
    def of(cls, execution: Any) -> ExecutionLog | None:
        """The log of one of moto's executions, as its state machine's snapshot configures it;
        None when it logs nothing."""
        machine = execution.state_machine
        try:
            logging = execution_logs.checked_logging(getattr(machine, "loggingConfiguration", None))
        except execution_logs.LoggingConfigurationError:  # refused at Create/Update already
            return None
        return None if logging is None else cls(execution.exec_arn, machine.name, logging)

    def write(
        self,
        event_id: int,
        previous_event_id: int,
        event_type: Any,
        timestamp: datetime.datetime | str,
        details: Any,
    ) -> bool:
        """Write one history event if the level logs it; whether it was written. A log group
        deleted since is not made again: the event is dropped, as Step Functions drops it."""
        kind = str(getattr(event_type, "value", event_type))
        if not execution_logs.is_logged(self.logging.level, kind):
            return False
        if not log_group_exists(self.logging):
            return False
        body = next(iter(details.values()), None) if isinstance(details, dict) else None
        record = execution_logs.log_record(
            event_id=event_id,
            previous_event_id=previous_event_id,
            event_type=kind,
            timestamp=timestamp,
            details=body if isinstance(body, dict) else None,
            execution_arn=self.execution_arn,
            include_data=self.logging.include_data,
        )
        put_log_lines(
            self.logging.region,
            self.logging.account,
            self.logging.group,
            self.stream,
            [execution_logs.log_message(record)],
        )
        return True
