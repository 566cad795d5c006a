"""infra/template.yaml agrees with functions/: handlers, settings, names, queues and outputs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from functions_support import ROOT, template

FUNCTIONS = {
    "UsersApiFunction": "users_api",
    "ImporterFunction": "importer",
    "WelcomeEmailFunction": "welcome_email",
    "UserDirectoryFunction": "user_directory",
    "AuditLogFunction": "audit_log",
    "SignupStatsFunction": "signup_stats",
    "ScreeningFunction": "screening",
    "OutboxRelayFunction": "outbox_relay",
    "SignupReportFunction": "signup_report",
}
TEMPLATE = template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


def test_globals_ship_the_whole_functions_folder_on_python_312() -> None:
    function_globals = TEMPLATE["Globals"]["Function"]

    assert function_globals["CodeUri"] == "../functions/"
    assert function_globals["Runtime"] == "python3.12"
    assert function_globals["Timeout"] == 10
    assert function_globals["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "users"
    assert (ROOT / "functions" / "requirements.txt").is_file()


def test_functions_are_exactly_those_listed_with_their_handlers() -> None:
    declared = {
        name: spec["Properties"]["Handler"]
        for name, spec in RESOURCES.items()
        if spec["Type"] == "AWS::Serverless::Function"
    }

    assert declared == {name: f"{folder}.app.lambda_handler" for name, folder in FUNCTIONS.items()}


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_handler_module_imports_offline_and_has_the_entry_point(logical_id: str) -> None:
    module = importlib.import_module(f"{FUNCTIONS[logical_id]}.app")

    assert callable(module.lambda_handler)
    assert "FunctionName" not in RESOURCES[logical_id]["Properties"]


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_required_setting_is_set_by_the_template(logical_id: str) -> None:
    folder = ROOT / "functions" / FUNCTIONS[logical_id]
    required = {
        name
        for path in folder.glob("*.py")
        for name in re.findall(r'require_env\("([A-Z_]+)"\)', Path(path).read_text())
    }
    variables = RESOURCES[logical_id]["Properties"].get("Environment", {}).get("Variables", {})

    assert required <= set(variables), f"{logical_id} lacks {required - set(variables)}"


def test_integration_points_have_explicit_names_and_state_has_none() -> None:
    assert RESOURCES["UsersBus"]["Properties"]["Name"] == "users"
    assert RESOURCES["SignupsTopic"]["Properties"]["TopicName"] == "user-signups"
    for spec in RESOURCES.values():
        properties = spec.get("Properties", {})
        assert "TableName" not in properties and "QueueName" not in properties
        assert "BucketName" not in properties


def test_queues_feeding_functions_outlast_the_function_timeout_and_redrive() -> None:
    for name in ("WelcomeEmailQueue", "DirectoryQueue"):
        properties = RESOURCES[name]["Properties"]
        assert properties["VisibilityTimeout"] >= TEMPLATE["Globals"]["Function"]["Timeout"]
        assert properties["RedrivePolicy"]["maxReceiveCount"] == 3
    assert RESOURCES["DirectoryDLQ"]["Properties"]["FifoQueue"] is True


def test_every_function_has_a_dlq_or_failure_destination() -> None:
    def has_failure_path(properties: dict[str, Any]) -> bool:
        destination = properties.get("EventInvokeConfig", {}).get("DestinationConfig", {})
        return "OnFailure" in destination or "DeadLetterQueue" in properties

    for logical_id in ("AuditLogFunction", "SignupStatsFunction", "ScreeningFunction"):
        assert has_failure_path(RESOURCES[logical_id]["Properties"]), logical_id


def test_welcome_subscription_filters_on_event_type_without_raw_delivery() -> None:
    properties = RESOURCES["WelcomeEmailSubscription"]["Properties"]

    assert properties["FilterPolicy"] == {"event_type": ["UserCreated"]}
    assert properties["RawMessageDelivery"] is False


def test_outputs_expose_what_sources_tests_and_the_demo_need() -> None:
    expected = {
        "UsersTableName",
        "DirectoryTableName",
        "StatsTableName",
        "IdempotencyTableName",
        "AuditBucketName",
        "EventBusName",
        "SignupsTopicArn",
        "SenderEmail",
        "ImportRejectsQueueUrl",
        "WelcomeEmailDLQUrl",
        "DirectoryDLQUrl",
        "AuditLogFailuresQueueUrl",
        "SignupStatsDLQUrl",
        "ScreeningFailuresQueueUrl",
        "BusDeliveryDLQUrl",
    }

    assert expected <= set(TEMPLATE["Outputs"])


def test_outbox_stream_feeds_the_relay_with_retries_and_a_failure_queue() -> None:
    table = RESOURCES["OutboxTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "version"]
    relay = RESOURCES["OutboxRelayFunction"]["Properties"]
    mapping = relay["Events"]["Outbox"]["Properties"]
    assert relay["Events"]["Outbox"]["Type"] == "DynamoDB"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["FilterCriteria"]["Filters"] == [{"Pattern": '{"eventName": ["INSERT"]}'}]
    assert "OnFailure" in mapping["DestinationConfig"]
    assert relay["Environment"]["Variables"]["RELAY_FAIL_ONCE_EMAIL"] == ""  # off on AWS
    api = RESOURCES["UsersApiFunction"]["Properties"]["Environment"]["Variables"]
    assert "OUTBOX_TABLE_NAME" in api
