"""Step Functions execution logs, pure: the logging configurations Step Functions takes or
refuses, which history events each level logs, and the record written for one event."""

from __future__ import annotations

import datetime
import json

import pytest

from localcloud.emulator.execution_logs import (
    ExecutionLogging,
    LoggingConfigurationError,
    checked_logging,
    is_logged,
    log_message,
    log_record,
    stream_name,
)

GROUP_ARN = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/flow:*"
EXECUTION = "arn:aws:states:eu-west-1:123456789012:express:flow:run-1:4b1c"


def config(level: str = "ALL", *arns: str, data: bool = False) -> dict[str, object]:
    return {
        "level": level,
        "includeExecutionData": data,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": arn}} for arn in arns],
    }


def test_a_configuration_names_the_group_its_region_and_account() -> None:
    logging = checked_logging(config("ERROR", GROUP_ARN, data=True))

    assert logging == ExecutionLogging("ERROR", True, GROUP_ARN)
    assert (logging.region, logging.account, logging.group) == (
        "eu-west-1",
        "123456789012",
        "/aws/vendedlogs/states/flow",
    )


def test_a_level_without_a_destination_is_taken_and_logs_nothing() -> None:
    # as Step Functions answers (moto's aws_verified test updates a machine to {"level": "ALL"})
    assert checked_logging({"level": "ALL"}) is None


@pytest.mark.parametrize("given", [None, {}, {"level": "OFF"}, config("OFF", GROUP_ARN)], ids=repr)
def test_no_configuration_or_level_off_logs_nothing(given: dict[str, object] | None) -> None:
    assert checked_logging(given) is None


@pytest.mark.parametrize(
    ("given", "code", "words"),
    [
        (
            config("ALL", GROUP_ARN.removesuffix(":*")),
            "InvalidLoggingConfiguration",
            "Log Group ARN must be provided with '*' qualifier",
        ),
        (config("ALL", GROUP_ARN, GROUP_ARN), "InvalidLoggingConfiguration", "at most one"),
        (
            config("ALL", "arn:aws:sqs:eu-west-1:1:q"),
            "InvalidLoggingConfiguration",
            "Invalid Log Group ARN",
        ),
        (config("VERBOSE", GROUP_ARN), "ValidationException", "[ALL, ERROR, FATAL, OFF]"),
    ],
    ids=["no-qualifier", "two-destinations", "not-a-log-group", "bad-level"],
)
def test_a_configuration_step_functions_refuses_raises_its_error(
    given: dict[str, object], code: str, words: str
) -> None:
    with pytest.raises(LoggingConfigurationError) as refused:
        checked_logging(given)

    assert refused.value.code == code
    assert words in str(refused.value)


def test_all_logs_every_event_type() -> None:
    for kind in ("ExecutionStarted", "PassStateEntered", "TaskSucceeded", "ExecutionFailed"):
        assert is_logged("ALL", kind)


def test_error_logs_failures_of_states_and_of_the_execution_only() -> None:
    logged = [
        kind
        for kind in (
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskFailed",
            "TaskStateExited",
            "FailStateEntered",
            "LambdaFunctionTimedOut",
            "WaitStateAborted",
            "ExecutionSucceeded",
            "ExecutionFailed",
        )
        if is_logged("ERROR", kind)
    ]

    assert logged == [
        "TaskFailed",
        "FailStateEntered",
        "LambdaFunctionTimedOut",
        "WaitStateAborted",
        "ExecutionFailed",
    ]


def test_fatal_logs_only_the_executions_own_failure() -> None:
    kinds = (
        "ExecutionAborted",
        "ExecutionFailed",
        "ExecutionTimedOut",
        "TaskFailed",
        "FailStateEntered",
        "ExecutionSucceeded",
    )

    assert [kind for kind in kinds if is_logged("FATAL", kind)] == [
        "ExecutionAborted",
        "ExecutionFailed",
        "ExecutionTimedOut",
    ]
    assert not any(is_logged("OFF", kind) for kind in kinds)


STARTED = {
    "input": '{"order": 7}',
    "inputDetails": {"truncated": False},
    "roleArn": "arn:aws:iam::123456789012:role/flow",
}


def test_a_record_carries_aws_fields_as_strings_with_the_events_details() -> None:
    record = log_record(
        event_id=1,
        previous_event_id=0,
        event_type="ExecutionStarted",
        timestamp="2026-12-05T16:00:01.250Z",
        details=STARTED,
        execution_arn=EXECUTION,
        include_data=True,
    )

    assert record == {
        "id": "1",
        "type": "ExecutionStarted",
        "details": STARTED,
        "previous_event_id": "0",
        "event_timestamp": "1796486401250",
        "execution_arn": EXECUTION,
        "redrive_count": "0",
    }
    assert json.loads(log_message(record)) == record


def test_without_execution_data_a_record_leaves_input_and_output_out() -> None:
    exited = {"name": "Keep", "output": '{"a": 1}', "outputDetails": {"truncated": False}}

    started = log_record(
        event_id=1,
        previous_event_id=0,
        event_type="ExecutionStarted",
        timestamp=datetime.datetime(2026, 12, 5, 16, tzinfo=datetime.UTC),
        details=STARTED,
        execution_arn=EXECUTION,
        include_data=False,
    )
    left = log_record(
        event_id=3,
        previous_event_id=2,
        event_type="PassStateExited",
        timestamp=datetime.datetime(2026, 12, 5, 16, tzinfo=datetime.UTC),
        details=exited,
        execution_arn=EXECUTION,
        include_data=False,
    )

    assert started["details"] == {"roleArn": STARTED["roleArn"]}
    assert left["details"] == {"name": "Keep"}
    assert "output" in exited  # the history event itself keeps its data


def test_an_output_over_248_kb_escaped_is_cut_and_marked_truncated() -> None:
    big = '"' * 130_000  # 130,000 characters, 260,000 escaped
    exited = {"name": "Keep", "output": big, "outputDetails": {"truncated": False}}

    record = log_record(
        event_id=3,
        previous_event_id=2,
        event_type="PassStateExited",
        timestamp="2026-12-05T16:00:00.000Z",
        details=exited,
        execution_arn=EXECUTION,
        include_data=True,
    )

    logged = record["details"]["output"]
    assert len(json.dumps(logged)) - 2 <= 248 * 1024 < len(json.dumps(big)) - 2
    assert logged == '"' * (248 * 1024 // 2)
    assert record["details"]["outputDetails"] == {"truncated": True}
    assert exited["output"] == big and exited["outputDetails"] == {"truncated": False}


def test_an_event_without_details_logs_empty_details() -> None:
    record = log_record(
        event_id=4,
        previous_event_id=3,
        event_type="ExecutionSucceeded",
        timestamp="2026-12-05T16:00:00.000Z",
        details=None,
        execution_arn=EXECUTION,
        include_data=False,
    )

    assert record["details"] == {}


def test_the_stream_is_named_for_the_machine_and_the_minute_the_execution_started() -> None:
    started = datetime.datetime(
        2026, 12, 5, 17, 4, 59, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )

    assert stream_name("flow", started) == "states/flow/2026-12-05-16-04/00000000"
