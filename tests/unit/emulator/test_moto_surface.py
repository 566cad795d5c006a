"""The moto surface the local cloud relies on, checked in one place.

A moto upgrade that renames, moves or re-signs anything the patches replace or call fails here,
with the precise list, instead of somewhere in the integration tests. Update the lists below
only together with the code that relies on them (emulator/moto_patches/, sqs_queues.py,
fastpath.py, backends.py, views.py).
"""

from __future__ import annotations

import inspect
import re
import time
from importlib.metadata import version
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.sqs import models as sqs_models
from moto.sqs.models import SQSBackend

from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator import backends
from localcloud.emulator.moto_patches import MotoPatches
from localcloud.emulator.patching import Patch

PINNED_MOTO = "5.2.5"


class NoHooks:
    """Hooks that are never called: the patches are built, not applied."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"hook {name} called while building patches")


def all_patches() -> list[Patch]:
    return MotoPatches(NoHooks()).patches  # type: ignore[arg-type]


# Every patched target, by label: what the local cloud replaces inside moto.
PATCHED = {
    "moto.awslambda.models.LambdaBackend.create_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.update_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.delete_event_source_mapping",
    "moto.awslambda.models.LambdaBackend.create_function",
    "moto.awslambda.models.LambdaFunction.update_configuration",
    "moto.awslambda.models.LambdaFunction.get_configuration",
    "moto.events.models.EventPattern.load",
    "moto.events.models.Replay.replay_events",
    "moto.sns.models.FilterPolicyMatcher",
    "moto.sns.models.SNSBackend._validate_filter_policy",
    "moto.sns.models.Subscription.publish",
    "moto.sns.models.Topic.publish",
    "moto.sqs.models.Message.__new__",
    "moto.sqs.models.Queue._messages",
    "moto.sqs.models.Queue.messages",
    "moto.sqs.models.Queue.add_message",
    "moto.sqs.models.Queue.delete_message",
    "moto.sqs.models.Queue.wait_for_messages",
    "moto.sqs.models.Queue.approximate_number_of_messages",
    "moto.sqs.models.Queue.approximate_number_of_messages_not_visible",
    "moto.sqs.models.Queue.approximate_number_of_messages_delayed",
    "moto.sqs.models.SQSBackend.receive_message",
    "moto.sqs.models.SQSBackend.change_message_visibility",
    "moto.sqs.models.SQSBackend.send_message",
    "moto.backends.list_of_moto_modules",
    "moto.core.common_models.BaseModel.__new__",
    "moto.core.base_backend.BackendDict.__getitem__",
    "moto.core.base_backend.AccountSpecificBackend.__getitem__",
    "moto.dynamodb.models.dynamo_type.Item.__init__",
    "moto.core.utils.camelcase_to_underscores",
    "moto.core.responses.camelcase_to_underscores",
    "moto.sqs.models.camelcase_to_underscores",
    "moto.sns.models.camelcase_to_underscores",
    "moto.sns.responses.camelcase_to_underscores",
    "moto.sqs.models.unix_time",
    "moto.sqs.models.unix_time_millis",
    "moto.sqs.models.generate_receipt_handle",
    "moto.moto_server.werkzeug_app.DISABLE_GLOBAL_CORS",
    "moto.iam.models.get_account_id_from",
    "moto.iam.models.mark_account_as_visited",
    "moto.iam.models.IAMBackend._init_aws_policies",
    "moto.iam.models.IAMBackend._init_managed_policies",
    "moto.apigateway.models.Authorizer.__init__",
    "moto.dynamodb.models.table.StreamShard.add",
    "moto.dynamodb.models.DynamoDBBackend.transact_write_items",
    "moto.dynamodb.models.table.Table.set_stream_specification",
    "moto.dynamodbstreams.models.DynamoDBStreamsBackend.get_shard_iterator",
    "moto.dynamodbstreams.models.DynamoDBStreamsBackend.get_records",
    "moto.kinesis.models.Stream.put_record",
    "moto.kinesis.models.Stream.split_shard",
    "moto.kinesis.models.Stream.merge_shards",
    "moto.events.models.EventsBackend.put_rule",
    "moto.events.models.EventsBackend.delete_rule",
    "moto.events.models.EventsBackend.enable_rule",
    "moto.events.models.EventsBackend.disable_rule",
    "moto.events.models.EventsBackend.delete_event_bus",
    "moto.scheduler.models.EventBridgeSchedulerBackend.create_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.update_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.delete_schedule",
    "moto.scheduler.models.EventBridgeSchedulerBackend.delete_schedule_group",
    "moto.stepfunctions.responses.get_backend",
    "moto.stepfunctions.models.stepfunctions_backends",
    "moto.stepfunctions.parser.models.StepFunctionsParserBackend._validate_definition",
    "moto.stepfunctions.parser.models.StepFunctionsParserBackend.start_execution",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_batch.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_ecs.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_events.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_glue.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sfn.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sns.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_unsupported.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.item_reader.eval.resource_eval_s3.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.result_writer.resource_eval.resource_eval_s3.boto_client_for",
    "moto.stepfunctions.parser.asl.component.state.exec.execute_state.Thread",
    "moto.stepfunctions.parser.backend.execution.Execution.start",
    "moto.stepfunctions.parser.backend.execution.BaseExecutionWorkerCommunication.terminated",
    "moto.stepfunctions.parser.asl.component.state.state.CommonStateField._eval_body",
    "moto.stepfunctions.parser.asl.component.program.program.threading",
    "moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker.threading",
    "moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration"
    ".inline_iteration_component.threading",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda"
    ".StateTaskLambda._from_error",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service"
    ".state_task_service_lambda.StateTaskServiceLambda._from_error",
    "moto.s3.notifications.send_event",
    "moto.s3.notifications.send_test_event",
    "moto.s3.models.S3Backend.complete_multipart_upload",
    "moto.s3.models.S3Backend._set_delete_marker",
    "moto.s3.models.S3Backend.delete_object",
    "moto.s3.responses.S3Response._notification_config_from_body",
    "moto.s3.responses.S3Response.get_bucket_notification",
    "moto.cloudwatch.models.CloudWatchBackend.put_metric_alarm",
    "moto.stepfunctions.parser.models.StepFunctionsParserBackend.create_state_machine",
    "moto.stepfunctions.parser.models.StepFunctionsParserBackend.update_state_machine",
    "moto.stepfunctions.parser.asl.eval.event.event_manager.EventManager._publish_history_log",
    # moto_patches/stepfunctions.py: Wait states and Retry intervals wait on the cloud's clock
    "moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function"
    ".WaitFunction._wait_interval",
    "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp"
    ".Timestamp._get_wait_seconds",
    "moto.stepfunctions.parser.asl.component.common.retry.retrier_decl.RetrierDecl._eval_body",
    "moto.stepfunctions.parser.asl.component.common.retry.retrier_decl.time",
    "moto.stepfunctions.parser.asl.component.program.program.Program.eval",
    *(
        f"moto.stepfunctions.parser.asl.eval.environment.Environment.{name}"
        for name in ("set_ended", "set_error", "set_timed_out", "set_stop")
    ),
    # moto_patches/cognito.py: the requests' ValidationData / ClientMetadata, then the triggers
    *(
        f"moto.cognitoidp.responses.CognitoIdpResponse.{name}"
        for name in (
            "sign_up",
            "confirm_sign_up",
            "admin_create_user",
            "admin_confirm_sign_up",
            "initiate_auth",
            "admin_initiate_auth",
            "respond_to_auth_challenge",
            "admin_respond_to_auth_challenge",
            "confirm_forgot_password",
            "forgot_password",
        )
    ),
    "moto.cognitoidp.models.CognitoIdpBackend.forgot_password",
    "moto.cognitoidp.models.CognitoIdpBackend.confirm_forgot_password",
    "moto.cognitoidp.models.CognitoIdpBackend.sign_up",
    "moto.cognitoidp.models.CognitoIdpBackend.admin_create_user",
    "moto.cognitoidp.models.CognitoIdpBackend.confirm_sign_up",
    "moto.cognitoidp.models.CognitoIdpBackend.admin_confirm_sign_up",
    "moto.cognitoidp.models.CognitoIdpBackend.initiate_auth",
    "moto.cognitoidp.models.CognitoIdpBackend.admin_initiate_auth",
    "moto.cognitoidp.models.CognitoIdpBackend.respond_to_auth_challenge",
    "moto.cognitoidp.models.CognitoIdpBackend.update_user_pool",
    "moto.cognitoidp.models.CognitoIdpBackend.delete_user_pool",
    "moto.cognitoidp.models.CognitoIdpUserPool.create_id_token",
    "moto.cognitoidp.models.CognitoIdpUserPool.create_jwt",
    "moto.cognitoidp.models.CognitoIdpUserPool.create_refresh_token",
    "moto.logs.models.LogsBackend.put_subscription_filter",
    "moto.logs.models.LogStream._send_log_events",
}

# The parameters of every moto callable the patches wrap or the emulator calls by keyword.
SIGNATURES: dict[str, tuple[Any, list[str]]] = {
    "LambdaBackend.create_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.create_event_source_mapping",
        ["self", "spec"],
    ),
    "LambdaBackend.update_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.update_event_source_mapping",
        ["self", "uuid", "spec"],
    ),
    "LambdaBackend.delete_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.delete_event_source_mapping",
        ["self", "uuid"],
    ),
    "LambdaBackend.create_function": (
        "moto.awslambda.models:LambdaBackend.create_function",
        ["self", "spec"],
    ),
    "LambdaFunction.update_configuration": (
        "moto.awslambda.models:LambdaFunction.update_configuration",
        ["self", "config_updates"],
    ),
    "Replay.replay_events": ("moto.events.models:Replay.replay_events", ["self", "archive"]),
    "EventPattern.__init__": (
        "moto.events.models:EventPattern.__init__",
        ["self", "raw_pattern", "pattern"],
    ),
    "Topic.publish": (
        "moto.sns.models:Topic.publish",
        [
            "self",
            "message",
            "subject",
            "message_attributes",
            "group_id",
            "deduplication_id",
            "message_structure",
        ],
    ),
    "Subscription.publish": (
        "moto.sns.models:Subscription.publish",
        [
            "self",
            "message",
            "message_id",
            "subject",
            "message_attributes",
            "group_id",
            "deduplication_id",
            "message_structure",
        ],
    ),
    "SNSBackend.publish": (
        "moto.sns.models:SNSBackend.publish",
        [
            "self",
            "message",
            "arn",
            "phone_number",
            "subject",
            "message_attributes",
            "group_id",
            "deduplication_id",
            "message_structure",
        ],
    ),
    "SNSBackend.publish_batch": (
        "moto.sns.models:SNSBackend.publish_batch",
        ["self", "topic_arn", "publish_batch_request_entries"],
    ),
    "SNSResponse._transform_message_attributes": (
        "moto.sns.responses:SNSResponse._transform_message_attributes",
        ["self", "message_attributes"],
    ),
    "Item.__init__": (
        "moto.dynamodb.models.dynamo_type:Item.__init__",
        ["self", "hash_key", "range_key", "attrs"],
    ),
    "AccountSpecificBackend.__getitem__": (
        "moto.core.base_backend:AccountSpecificBackend.__getitem__",
        ["self", "region_name"],
    ),
    "BackendDict.__getitem__": (
        "moto.core.base_backend:BackendDict.__getitem__",
        ["self", "account_id"],
    ),
    "SNSBackend.set_subscription_attributes": (
        "moto.sns.models:SNSBackend.set_subscription_attributes",
        ["self", "arn", "name", "value"],
    ),
    "SNSBackend._validate_filter_policy": (
        "moto.sns.models:SNSBackend._validate_filter_policy",
        ["self", "value", "scope"],
    ),
    "SQSBackend.send_message": (
        "moto.sqs.models:SQSBackend.send_message",
        [
            "self",
            "queue_name",
            "message_body",
            "message_attributes",
            "delay_seconds",
            "deduplication_id",
            "group_id",
            "system_attributes",
            "validate_group_id",
        ],
    ),
    "SQSBackend.receive_message": (
        "moto.sqs.models:SQSBackend.receive_message",
        [
            "self",
            "queue_name",
            "count",
            "wait_seconds_timeout",
            "visibility_timeout",
            "message_attribute_names",
        ],
    ),
    "SQSBackend.change_message_visibility": (
        "moto.sqs.models:SQSBackend.change_message_visibility",
        ["self", "queue_name", "receipt_handle", "visibility_timeout"],
    ),
    "SQSBackend.delete_message": (
        "moto.sqs.models:SQSBackend.delete_message",
        ["self", "queue_name", "receipt_handle"],
    ),
    "SQSBackend.send_message_batch": (
        "moto.sqs.models:SQSBackend.send_message_batch",
        ["self", "queue_name", "entries"],
    ),
    "SQSBackend.delete_message_batch": (
        "moto.sqs.models:SQSBackend.delete_message_batch",
        ["self", "queue_name", "receipts"],
    ),
    "Queue.add_message": ("moto.sqs.models:Queue.add_message", ["self", "message"]),
    "Queue.delete_message": ("moto.sqs.models:Queue.delete_message", ["self", "receipt_handle"]),
    "Queue.wait_for_messages": ("moto.sqs.models:Queue.wait_for_messages", ["self", "timeout"]),
    "DynamoDBBackend.put_item": (
        "moto.dynamodb.models:DynamoDBBackend.put_item",
        [
            "self",
            "table_name",
            "item_attrs",
            "expected",
            "condition_expression",
            "expression_attribute_names",
            "expression_attribute_values",
            "overwrite",
            "return_values_on_condition_check_failure",
        ],
    ),
    "LambdaBackend.layers_versions_by_arn": (
        "moto.awslambda.models:LambdaBackend.layers_versions_by_arn",
        ["self", "layer_version_arn"],
    ),
    "LogsBackend.put_log_events": (
        "moto.logs.models:LogsBackend.put_log_events",
        ["self", "log_group_name", "log_stream_name", "log_events"],
    ),
    "LogGroup.put_log_events": (
        "moto.logs.models:LogGroup.put_log_events",
        ["self", "log_stream_name", "log_events"],
    ),
    "Message.validate_attribute_name": (
        "moto.sqs.models:Message.validate_attribute_name",
        ["name"],
    ),
    "get_account_id_from": ("moto.iam.models:get_account_id_from", ["access_key"]),
    "mark_account_as_visited": (
        "moto.iam.models:mark_account_as_visited",
        ["account_id", "access_key", "service", "region"],
    ),
    "IAMBackend._init_aws_policies": (
        "moto.iam.models:IAMBackend._init_aws_policies",
        ["self"],
    ),
    "IAMBackend._init_managed_policies": (
        "moto.iam.models:IAMBackend._init_managed_policies",
        ["self"],
    ),
    "MotoAPIBackend.reset": ("moto.moto_api._internal.models:MotoAPIBackend.reset", ["self"]),
    # sqs_moves.py makes the moved message anew and marks it sent
    "Message.__init__": (
        "moto.sqs.models:Message.__init__",
        ["self", "message_id", "body", "system_attributes"],
    ),
    "Message.mark_sent": ("moto.sqs.models:Message.mark_sent", ["self", "delay_seconds"]),
    "StreamShard.add": ("moto.dynamodb.models.table:StreamShard.add", ["self", "old", "new"]),
    "StreamRecord.__init__": (
        "moto.dynamodb.models.table:StreamRecord.__init__",
        ["self", "table", "stream_type", "event_name", "old", "new", "seq"],
    ),
    "LambdaBackend.get_event_source_mapping": (
        "moto.awslambda.models:LambdaBackend.get_event_source_mapping",
        ["self", "uuid"],
    ),
    # backends.function resolves a qualified ARN (a version or alias) to its version's object
    "LambdaBackend.get_function": (
        "moto.awslambda.models:LambdaBackend.get_function",
        ["self", "function_name_or_arn", "qualifier"],
    ),
    "LambdaBackend.get_alias": (
        "moto.awslambda.models:LambdaBackend.get_alias",
        ["self", "name", "function_name"],
    ),
    # backends.unsubscribe: the unsubscribe link (gateway/unsubscribe_links.py) deletes by ARN
    "SNSBackend.unsubscribe": (
        "moto.sns.models:SNSBackend.unsubscribe",
        ["self", "subscription_arn"],
    ),
    "Table.set_stream_specification": (
        "moto.dynamodb.models.table:Table.set_stream_specification",
        ["self", "streams"],
    ),
    "DynamoDBStreamsBackend.get_shard_iterator": (
        "moto.dynamodbstreams.models:DynamoDBStreamsBackend.get_shard_iterator",
        ["self", "arn", "shard_id", "shard_iterator_type", "sequence_number"],
    ),
    "DynamoDBStreamsBackend.get_records": (
        "moto.dynamodbstreams.models:DynamoDBStreamsBackend.get_records",
        ["self", "iterator_arn", "limit"],
    ),
    # moto_patches/kinesis.py replaces Stream.put_record and calls what it called
    "kinesis Stream.put_record": (
        "moto.kinesis.models:Stream.put_record",
        ["self", "partition_key", "explicit_hash_key", "data"],
    ),
    "kinesis Stream.split_shard": (
        "moto.kinesis.models:Stream.split_shard",
        ["self", "shard_to_split", "new_starting_hash_key"],
    ),
    "kinesis Stream.merge_shards": (
        "moto.kinesis.models:Stream.merge_shards",
        ["self", "shard_to_merge", "adjacent_shard_to_merge"],
    ),
    "kinesis Stream.get_shard_for_key": (
        "moto.kinesis.models:Stream.get_shard_for_key",
        ["self", "partition_key", "explicit_hash_key"],
    ),
    "kinesis Shard.put_record": (
        "moto.kinesis.models:Shard.put_record",
        ["self", "partition_key", "data", "explicit_hash_key"],
    ),
    "DynamoDBBackend.transact_write_items": (
        "moto.dynamodb.models:DynamoDBBackend.transact_write_items",
        ["self", "transact_items"],
    ),
    "stepfunctions get_backend": (
        "moto.stepfunctions.responses:get_backend",
        ["account", "region"],
    ),
    "boto_client_for": (
        "moto.stepfunctions.parser.asl.utils.boto_client:boto_client_for",
        ["region", "service", "state_credentials"],
    ),
    "StepFunctionsParserBackend.start_execution": (
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend.start_execution",
        ["self", "state_machine_arn", "name", "execution_input", "trace_header"],
    ),
    "StepFunctionsParserBackend._validate_definition": (
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend._validate_definition",
        ["definition"],
    ),
    "StepFunctionBackend.describe_state_machine": (
        "moto.stepfunctions.models:StepFunctionBackend.describe_state_machine",
        ["self", "arn"],
    ),
    "Execution.start": ("moto.stepfunctions.parser.backend.execution:Execution.start", ["self"]),
    "Execution.__init__": (
        "moto.stepfunctions.parser.backend.execution:SyncExecution.__init__",
        [
            "self",
            "name",
            "sm_type",
            "role_arn",
            "exec_arn",
            "account_id",
            "region_name",
            "state_machine",
            "start_date",
            "cloud_watch_logging_session",
            "activity_store",
            "input_data",
            "trace_header",
        ],
    ),
    "BaseExecutionWorkerCommunication.terminated": (
        "moto.stepfunctions.parser.backend.execution:BaseExecutionWorkerCommunication.terminated",
        ["self"],
    ),
    "StateTaskLambda._from_error": (
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda"
        ":StateTaskLambda._from_error",
        ["self", "env", "ex"],
    ),
    "StateTaskServiceLambda._from_error": (
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.service"
        ".state_task_service_lambda:StateTaskServiceLambda._from_error",
        ["self", "env", "ex"],
    ),
    "FailureEvent.__init__": (
        "moto.stepfunctions.parser.asl.component.common.error_name.failure_event"
        ":FailureEvent.__init__",
        ["self", "env", "error_name", "event_type", "event_details"],
    ),
    # the logging patches read the configuration by these keyword names; each history event
    # comes to the log with these parameters
    "StepFunctionsParserBackend.create_state_machine": (
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend.create_state_machine",
        [
            *("self", "name", "definition", "roleArn", "tags", "publish"),
            *("loggingConfiguration", "tracingConfiguration", "encryptionConfiguration"),
            *("version_description", "sm_type"),
        ],
    ),
    "StepFunctionsParserBackend.update_state_machine": (
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend.update_state_machine",
        [
            *("self", "arn", "definition", "role_arn", "logging_configuration"),
            *("tracing_configuration", "encryption_configuration", "publish"),
            "version_description",
        ],
    ),
    "EventManager._publish_history_log": (
        "moto.stepfunctions.parser.asl.eval.event.event_manager:EventManager._publish_history_log",
        ["self", "event_id", "source_event_id", "event_type", "timestamp", "event_details"],
    ),
    "CommonStateField._eval_body": (
        "moto.stepfunctions.parser.asl.component.state.state:CommonStateField._eval_body",
        ["self", "env"],
    ),
    # moto_patches/stepfunctions.py: the waits on the clock take and call these
    "WaitFunction._wait_interval": (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function"
        ":WaitFunction._wait_interval",
        ["self", "env", "wait_seconds"],
    ),
    "Timestamp._get_wait_seconds": (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp"
        ":Timestamp._get_wait_seconds",
        ["self", "env"],
    ),
    "Timestamp._from_timestamp_string": (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp"
        ":Timestamp._from_timestamp_string",
        ["timestamp"],
    ),
    "Timestamp._create_failure_event": (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp"
        ":Timestamp._create_failure_event",
        ["self", "env", "timestamp_str"],
    ),
    "RetrierDecl._eval_body": (
        "moto.stepfunctions.parser.asl.component.common.retry.retrier_decl:RetrierDecl._eval_body",
        ["self", "env"],
    ),
    "Environment.set_stop": (
        "moto.stepfunctions.parser.asl.eval.environment:Environment.set_stop",
        ["self", "stop_date", "cause", "error"],
    ),
    "Environment.set_error": (
        "moto.stepfunctions.parser.asl.eval.environment:Environment.set_error",
        ["self", "error"],
    ),
    "Program.eval": (
        "moto.stepfunctions.parser.asl.component.program.program:Program.eval",
        ["self", "env"],
    ),
    "Environment.is_running": (
        "moto.stepfunctions.parser.asl.eval.environment:Environment.is_running",
        ["self"],
    ),
    "s3 send_event": (
        "moto.s3.notifications:send_event",
        ["account_id", "event_name", "bucket", "key"],
    ),
    "s3 send_test_event": ("moto.s3.notifications:send_test_event", ["account_id", "bucket"]),
    "S3Backend.complete_multipart_upload": (
        "moto.s3.models:S3Backend.complete_multipart_upload",
        ["self", "bucket_name", "multipart_id", "body"],
    ),
    "S3Backend._set_delete_marker": (
        "moto.s3.models:S3Backend._set_delete_marker",
        ["self", "bucket_name", "key_name"],
    ),
    "S3Backend.delete_object": (
        "moto.s3.models:S3Backend.delete_object",
        ["self", "bucket_name", "key_name", "version_id", "bypass"],
    ),
    "S3Backend.get_bucket_notification_configuration": (
        "moto.s3.models:S3Backend.get_bucket_notification_configuration",
        ["self", "bucket_name"],
    ),
    "S3Response._notification_config_from_body": (
        "moto.s3.responses:S3Response._notification_config_from_body",
        ["self"],
    ),
    "S3Response.get_bucket_notification": (
        "moto.s3.responses:S3Response.get_bucket_notification",
        ["self"],
    ),
    # emulator/s3_fastpath.py: a plain PutObject, as moto's S3Response.put_object makes it
    "S3Backend.put_object": (
        "moto.s3.models:S3Backend.put_object",
        [
            *("self", "bucket_name", "key_name", "value", "storage", "etag", "multipart"),
            *("encryption", "kms_key_id", "bucket_key_enabled", "lock_mode"),
            *("lock_legal_status", "lock_until", "checksum_value", "request_method"),
            "disable_notification",
        ],
    ),
    "S3Backend.put_object_tagging": (
        "moto.s3.models:S3Backend.put_object_tagging",
        ["self", "key", "tags"],
    ),
    "S3Backend.get_bucket": ("moto.s3.models:S3Backend.get_bucket", ["self", "bucket_name"]),
    "FakeKey.set_metadata": (
        "moto.s3.models:FakeKey.set_metadata",
        ["self", "metadata", "replace"],
    ),
    "FakeKey.set_acl": ("moto.s3.models:FakeKey.set_acl", ["self", "acl"]),
    "s3 metadata_from_headers": ("moto.s3.utils:metadata_from_headers", ["headers"]),
    "s3 parse_region_from_url": (
        "moto.s3.utils:parse_region_from_url",
        ["url", "use_default_region"],
    ),
    "S3Response.subdomain_based_buckets": (
        "moto.s3.responses:S3Response.subdomain_based_buckets",
        ["request"],
    ),
    "gen_amzn_requestid_long": (
        "moto.utilities.aws_headers:gen_amzn_requestid_long",
        ["headerdict"],
    ),
    "get_partition": ("moto.utilities.utils:get_partition", ["region"]),
    # moto_patches/cloudwatch.py passes the alarm name on by position, the rest as given
    "CloudWatchBackend.put_metric_alarm": (
        "moto.cloudwatch.models:CloudWatchBackend.put_metric_alarm",
        [
            *("self", "name", "namespace", "metric_name", "comparison_operator"),
            *("evaluation_periods", "period", "threshold", "statistic", "description"),
            *("dimensions", "alarm_actions", "metric_data_queries", "datapoints_to_alarm"),
            *("extended_statistic", "ok_actions", "insufficient_data_actions", "unit"),
            *("actions_enabled", "treat_missing_data", "evaluate_low_sample_count_percentile"),
            *("threshold_metric_id", "rule", "tags"),
        ],
    ),
    # moto_patches/cognito.py wraps these, passing every parameter on by position
    "CognitoIdpBackend.sign_up": (
        "moto.cognitoidp.models:CognitoIdpBackend.sign_up",
        ["self", "client_id", "username", "password", "attributes"],
    ),
    "CognitoIdpBackend.admin_create_user": (
        "moto.cognitoidp.models:CognitoIdpBackend.admin_create_user",
        ["self", "user_pool_id", "username", "message_action", "temporary_password", "attributes"],
    ),
    "CognitoIdpBackend.confirm_sign_up": (
        "moto.cognitoidp.models:CognitoIdpBackend.confirm_sign_up",
        ["self", "client_id", "username"],
    ),
    "CognitoIdpBackend.admin_confirm_sign_up": (
        "moto.cognitoidp.models:CognitoIdpBackend.admin_confirm_sign_up",
        ["self", "user_pool_id", "username"],
    ),
    "CognitoIdpBackend.initiate_auth": (
        "moto.cognitoidp.models:CognitoIdpBackend.initiate_auth",
        ["self", "client_id", "auth_flow", "auth_parameters"],
    ),
    "CognitoIdpBackend.admin_initiate_auth": (
        "moto.cognitoidp.models:CognitoIdpBackend.admin_initiate_auth",
        ["self", "user_pool_id", "client_id", "auth_flow", "auth_parameters"],
    ),
    "CognitoIdpBackend.respond_to_auth_challenge": (
        "moto.cognitoidp.models:CognitoIdpBackend.respond_to_auth_challenge",
        ["self", "session", "client_id", "challenge_name", "challenge_responses"],
    ),
    "CognitoIdpBackend.confirm_forgot_password": (
        "moto.cognitoidp.models:CognitoIdpBackend.confirm_forgot_password",
        ["self", "client_id", "username", "password", "confirmation_code"],
    ),
    "CognitoIdpBackend.forgot_password": (
        "moto.cognitoidp.models:CognitoIdpBackend.forgot_password",
        ["self", "client_id", "username"],
    ),
    "CognitoIdpBackend.delete_user_pool": (
        "moto.cognitoidp.models:CognitoIdpBackend.delete_user_pool",
        ["self", "user_pool_id"],
    ),
    "CognitoIdpBackend.update_user_pool": (
        "moto.cognitoidp.models:CognitoIdpBackend.update_user_pool",
        ["self", "user_pool_id", "extended_config"],
    ),
    "CognitoIdpUserPool.create_id_token": (
        "moto.cognitoidp.models:CognitoIdpUserPool.create_id_token",
        ["self", "client_id", "username", "origin_jti"],
    ),
    "CognitoIdpUserPool.create_jwt": (
        "moto.cognitoidp.models:CognitoIdpUserPool.create_jwt",
        ["self", "client_id", "username", "token_use", "expires_in", "extra_data"],
    ),
    "CognitoIdpUserPool.create_refresh_token": (
        "moto.cognitoidp.models:CognitoIdpUserPool.create_refresh_token",
        ["self", "client_id", "username"],
    ),
    # moto_patches/logs.py takes and passes on these by position
    "LogsBackend.put_subscription_filter": (
        "moto.logs.models:LogsBackend.put_subscription_filter",
        [
            *("self", "log_group_name", "filter_name", "filter_pattern", "destination_arn"),
            "role_arn",
        ],
    ),
    "LogStream._send_log_events": (
        "moto.logs.models:LogStream._send_log_events",
        ["self", "service", "destination_arn", "filter_name", "log_events"],
    ),
}

# moto's private names the emulator reads or calls.
PRIVATE_NAMES = [
    ("moto.sqs.models", "_filter_message_attributes"),
    ("moto.sns.models:Subscription", "_parse_message_structure"),
    ("moto.sns.responses:SNSResponse", "_get_attributes"),
    ("moto.sns.responses:SNSResponse", "_transform_message_attributes"),
    ("moto.sns.models:SNSBackend", "_validate_filter_policy"),
    ("moto.dynamodbstreams.models:DynamoDBStreamsBackend", "_get_table_from_arn"),
    ("moto.stepfunctions.parser.models:StepFunctionsParserBackend", "_validate_definition"),
    ("moto.stepfunctions.models:StepFunctionBackend", "_validate_name"),
    ("moto.stepfunctions.parser.asl.component.state.state:CommonStateField", "_eval_body"),
    ("moto.stepfunctions.parser.backend.execution:SyncExecution", "to_start_sync_execution_output"),
    (
        "moto.stepfunctions.parser.asl.component.state.exec.state_task.lambda_eval_utils",
        "LambdaFunctionErrorException",
    ),
    ("moto.s3.models:S3Backend", "_set_delete_marker"),
    ("moto.s3.responses:S3Response", "_notification_config_from_body"),
    ("moto.s3.responses:S3Response", "serialized"),
    ("moto.s3.models:FakeBucket", "is_versioned"),
    ("moto.s3.models", "FakeDeleteMarker"),
    # emulator/s3_fastpath.py: moto's unauthenticated-action count and its switch
    ("moto.core.authorization:ActionAuthenticatorMixin", "request_count"),
    ("moto.settings", "INITIAL_NO_AUTH_ACTION_COUNT"),
    ("moto.s3.models:FakeKey", "response_dict"),
    ("moto.s3.models", "s3_backends"),
    # moto_patches/cognito.py: a pool's user lookup and the response handler's parameter reader
    ("moto.cognitoidp.models:CognitoIdpUserPool", "_get_user"),
    ("moto.cognitoidp.responses:CognitoIdpResponse", "_get_param"),
    ("moto.logs.models:LogStream", "_send_log_events"),
    # moto_patches/stepfunctions.py reads a Timestamp wait's time as moto does
    (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp:Timestamp",
        "_from_timestamp_string",
    ),
    (
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp:Timestamp",
        "_create_failure_event",
    ),  # emulator/fastpath.py's lean PutItem checks a flat item with moto's own checks
    ("moto.dynamodb.models.table:Table", "_validate_number_type"),
    # moto_ids.py draws message ids from moto's random source; moto_patches/sqs.py's send for
    # standard queues checks delays as moto does
    ("moto.moto_api._internal", "mock_random"),
    ("moto.sqs.models", "MAXIMUM_MESSAGE_DELAY"),
    # moto_patches/sns.py's Topic.publish lists the first page of subscriptions as moto does
    ("moto.sns.models", "DEFAULT_PAGE_SIZE"),
    ("moto.sns.exceptions", "TopicNotFound"),
    # moto_patches/perf.py keeps each model's instances_tracked weakly; moto's dashboard reads it
    ("moto.dynamodb.models.table:Table", "instances_tracked"),
    ("moto.core.model_instances", "reset_model_data"),
]
# Set on every instance by moto's constructors (checked by making one).
INSTANCE_NAMES = {
    # the IAM patches copy AWS's managed policies per backend, replacing these containers
    "AWSManagedPolicy": ["tags", "versions", "attachment_count"],
    "Queue": [
        "_messages",
        "_messages_lock",
        "lambda_event_source_mappings",
        "fifo_queue",
        # sqs_moves.py: which queue a redrive policy targets, by ARN
        "queue_arn",
        "redrive_policy",
        # moto_patches/sqs.py's send for standard queues
        "maximum_message_size",
        "delay_seconds",
    ],
    "Subscription": [
        "_filter_policy_matcher",
        "attributes",
        "protocol",
        "endpoint",
        "arn",
        "topic",
    ],
    # moto_patches/sns.py's Topic.publish
    "Topic": ["sns_backend", "sent_notifications", "arn"],
    "SNSBackend": ["subscriptions", "topics"],
    # the stream patches and backends.read_stream read the table's shard and its records
    "Table": [
        "stream_shard",
        "latest_stream_label",
        "stream_specification",
        "region_name",
        "ttl",
        # emulator/fastpath.py's lean PutItem stores a flat item as Table.put_item does
        *("items", "global_indexes", "hash_key_attr", "range_key_attr"),
        *("hash_key_type", "range_key_type"),
    ],
    # backends.expire_items reads an item's TTL attribute and deletes it by its keys
    "Item": ["attrs", "hash_key", "range_key"],
    "StreamShard": ["items", "starting_sequence_number", "id", "table"],
    "StreamRecord": ["record"],
    # emulator/moto_patches/s3.py reads a bucket's notification configuration and its entries
    "FakeBucket": [
        *("notification_configuration", "name", "region_name", "account_id"),
        # emulator/s3_fastpath.py leaves a bucket with a policy, logging or locks to moto
        *("policy", "logging", "acl", "object_lock_enabled"),
    ],
    "NotificationConfiguration": ["topic", "queue", "cloud_function", "event_bridge"],
    "Notification": ["id", "arn", "events", "filters"],
    "FakeKey": [
        *("name", "size", "etag", "version_id"),
        # emulator/s3_fastpath.py sets these as moto's S3Response.put_object does
        *("website_redirect_location", "checksum_algorithm"),
    ],
}


def resolve(path: str) -> Any:
    module_name, _, attribute = path.partition(":")
    target: Any = __import__(module_name, fromlist=["_"])
    for part in attribute.split(".") if attribute else []:
        target = getattr(target, part)
    return target


def test_moto_is_the_pinned_version() -> None:
    assert version("moto") == PINNED_MOTO, (
        f"moto {version('moto')} is installed; the surface below was checked for {PINNED_MOTO}. "
        "Re-check every list in this file against the new version, then update PINNED_MOTO "
        "and the pin in pyproject.toml together."
    )


def test_every_patch_target_exists_and_is_listed() -> None:
    patches = all_patches()
    labels = {p.label for p in patches}
    missing = sorted(
        p.label for p in patches if not p.shadows_instance and not hasattr(p.target, p.name)
    )
    assert missing == [], f"moto no longer has: {missing}"
    assert labels == PATCHED, (
        f"patched but not listed: {sorted(labels - PATCHED)}; "
        f"listed but not patched: {sorted(PATCHED - labels)}"
    )


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_every_signature_relied_on_keeps_its_parameter_names(name: str) -> None:
    path, expected = SIGNATURES[name]
    assert list(inspect.signature(resolve(path)).parameters) == expected


@pytest.mark.parametrize(("owner", "name"), PRIVATE_NAMES)
def test_every_private_name_used_exists(owner: str, name: str) -> None:
    assert hasattr(resolve(owner), name), f"{owner} has no {name} any more"


def test_moto_constructors_still_set_the_instance_attributes_relied_on() -> None:
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        sns = boto3.client("sns", region_name="us-east-1")
        url = sqs.create_queue(QueueName="surface")["QueueUrl"]
        topic = sns.create_topic(Name="surface")["TopicArn"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])[
            "SubscriptionArn"
        ]
        queue = backends.sqs_backend("us-east-1").get_queue("surface")
        held = backends.sns_backend("us-east-1").subscriptions[subscription]
        for instance, names in (
            (queue, INSTANCE_NAMES["Queue"]),
            (held, INSTANCE_NAMES["Subscription"]),
            (held.topic, INSTANCE_NAMES["Topic"]),
            (backends.sns_backend("us-east-1"), INSTANCE_NAMES["SNSBackend"]),
        ):
            absent = [n for n in names if not hasattr(instance, n)]
            assert absent == [], f"{type(instance).__name__} instances lack {absent}"
        # The store replaces the list moto's constructor sets on the instance.
        assert isinstance(vars(queue)["_messages"], list)


def test_kinesis_objects_hold_what_the_patch_and_backends_read() -> None:
    """moto_patches/kinesis.py and backends.read_kinesis_shard/kinesis_shards read a stream's
    ``arn`` and ``shards``, a shard's ``records`` (by sequence number), ``parent``,
    ``adjacent_parent``, ``is_open``, its hash range and ``get_max_sequence_number``, and a
    record's fields."""
    from moto.kinesis.models import kinesis_backends

    with mock_aws():
        client = boto3.client("kinesis", region_name="us-east-1")
        client.create_stream(StreamName="surface", ShardCount=1)
        client.put_record(StreamName="surface", Data=b"x", PartitionKey="k")
        stream = kinesis_backends[DEFAULT_ACCOUNT]["us-east-1"].streams["surface"]
        [shard] = stream.shards.values()
        shard_names = ("parent", "adjacent_parent", "is_open", "shard_id", "records")
        for name in (*shard_names, "starting_hash", "ending_hash"):
            assert hasattr(shard, name), f"Shard lacks {name}"
        assert shard.get_max_sequence_number() == 1
        record = shard.records[1]
        for name in ("sequence_number", "partition_key", "data", "created_at"):
            assert hasattr(record, name), f"Record lacks {name}"
        assert stream.arn.endswith(":stream/surface")


def test_aws_managed_policies_hold_the_attributes_the_copies_replace() -> None:
    from moto.iam.models import AWSManagedPolicy

    data = {
        "DefaultVersionId": "v1",
        "Path": "/",
        "Document": {"Version": "2012-10-17", "Statement": []},
        "CreateDate": "2020-01-01T00:00:00+00:00",
        "UpdateDate": "2020-01-01T00:00:00+00:00",
    }
    policy = AWSManagedPolicy.from_data("Surface", DEFAULT_ACCOUNT, "aws", data)

    absent = [n for n in INSTANCE_NAMES["AWSManagedPolicy"] if n not in vars(policy)]
    assert absent == [], f"AWSManagedPolicy instances lack {absent}"


def test_the_local_account_is_motos_default_account() -> None:
    assert backends.ACCOUNT_ID == DEFAULT_ACCOUNT


def test_the_classes_the_direct_paths_use_are_there() -> None:
    assert callable(DynamoDBBackend.get_table)
    assert callable(SQSBackend.get_queue)
    assert sqs_models.Message.__name__ == "Message"


def test_api_gateway_views_read_what_moto_holds() -> None:
    """emulator/apigw_views.py reads moto's RestAPI, Resource, Method, Integration and Stage
    (apigateway) and Api, Route, Integration and Stage (apigatewayv2) by attribute."""
    with mock_aws():
        rest = boto3.client("apigateway", region_name="us-east-1")
        api_id = rest.create_rest_api(name="surface")["id"]
        root = rest.get_resources(restApiId=api_id)["items"][0]["id"]
        child = rest.create_resource(restApiId=api_id, parentId=root, pathPart="{id}")["id"]
        rest.put_method(
            restApiId=api_id, resourceId=child, httpMethod="GET", authorizationType="NONE"
        )
        rest.put_integration(
            restApiId=api_id,
            resourceId=child,
            httpMethod="GET",
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
            timeoutInMillis=1000,
        )
        deployment = rest.create_deployment(restApiId=api_id)["id"]
        rest.create_stage(
            restApiId=api_id, stageName="dev", deploymentId=deployment, variables={"a": "b"}
        )
        view = backends.api(api_id, "us-east-1")
        assert view is not None and view.protocol == "REST"
        assert [(r.key, r.integration and r.integration.timeout_ms) for r in view.routes] == [
            ("GET /{id}", 1000)
        ]
        assert dict(view.stages["dev"].variables) == {"a": "b"}

        http = boto3.client("apigatewayv2", region_name="us-east-1")
        http_id = http.create_api(Name="surface", ProtocolType="HTTP")["ApiId"]
        integration = http.create_integration(
            ApiId=http_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri="arn:aws:lambda:us-east-1:123456789012:function:f",
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        http.create_route(ApiId=http_id, RouteKey="$default", Target=f"integrations/{integration}")
        http.create_stage(ApiId=http_id, StageName="$default", StageVariables={"x": "y"})
        view = backends.api(http_id, "us-east-1")
        assert view is not None and view.protocol == "HTTP" and view.has_default_stage
        assert [(r.key, r.integration and r.integration.type) for r in view.routes] == [
            ("$default", "AWS_PROXY")
        ]
        assert dict(view.stages["$default"].variables) == {"x": "y"}


def test_api_keys_view_reads_moto_keys_plans_and_plan_keys() -> None:
    """emulator/apigw_views.py's api_keys_from_moto reads the apigateway backend's ``keys``,
    ``usage_plans`` and ``usage_plan_keys`` (and each one's to_json), and the API views carry
    authorizers, gateway responses (RestAPI.gateway_responses) and integration responses."""
    with mock_aws():
        rest = boto3.client("apigateway", region_name="us-east-1")
        api_id = rest.create_rest_api(name="keys")["id"]
        key = rest.create_api_key(name="k", enabled=True, value="surface-key-value-0123")["id"]
        plan = rest.create_usage_plan(
            name="p",
            apiStages=[{"apiId": api_id, "stage": "prod"}],
            throttle={"rateLimit": 5, "burstLimit": 2},
        )["id"]
        rest.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
        authorizer = rest.create_authorizer(
            restApiId=api_id,
            name="a",
            type="TOKEN",
            authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:f/invocations",
            identitySource="method.request.header.Authorization",
        )["id"]
        view = backends.api_keys("us-east-1")
        assert [k["value"] for k in view.keys] == ["surface-key-value-0123"]
        assert [p["apiStages"][0]["apiId"] for p in view.plans] == [api_id]
        assert dict(view.plan_keys) == {plan: (key,)}
        rest.put_gateway_response(
            restApiId=api_id,
            responseType="UNAUTHORIZED",
            statusCode="401",
            responseParameters={"gatewayresponse.header.X": "'y'"},
        )
        api = backends.api(api_id, "us-east-1")
        assert api is not None and api.authorizers[authorizer]["type"] == "TOKEN"
        assert api.gateway_responses["UNAUTHORIZED"]["responseParameters"] == {
            "gatewayresponse.header.X": "'y'"
        }


def test_rest_authorizers_keep_their_validation_expression() -> None:
    """moto_patches/apigateway.py: moto's CreateAuthorizer hands the expression over misspelt
    (``identiy_validation_expression``); with the patch the authorizer keeps it."""
    import inspect

    from moto.apigateway import models as apigateway_models

    from localcloud.emulator.moto_patches.apigateway import _authorizer_init

    create = inspect.signature(apigateway_models.RestAPI.create_authorizer)
    assert "identiy_validation_expression" in create.parameters
    authorizer = apigateway_models.Authorizer.__new__(apigateway_models.Authorizer)
    _authorizer_init(authorizer, "a1", "a", "TOKEN", identiy_validation_expression="^Bearer ")
    assert authorizer.to_json()["identityValidationExpression"] == "^Bearer "


def test_cognito_signing_keys_come_from_motos_pools_and_its_shipped_key() -> None:
    """backends.cognito_signing_keys reads ``CognitoIdpBackend.user_pools`` and the public JWKS
    moto ships (``cognitoidp/resources/jwks-public.json``), whose key signs every pool's tokens."""
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool = idp.create_user_pool(PoolName="surface")["UserPool"]["Id"]
        issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool}"
        keys = backends.cognito_signing_keys(issuer)
        assert keys is not None and [k["kid"] for k in keys["keys"]] == ["dummy"]
        assert backends.cognito_signing_keys(issuer + "x") is None
        assert backends.cognito_signing_keys("https://issuer.example") is None


def test_stream_shards_and_records_hold_what_the_stream_source_reads() -> None:
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="surface",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        ddb.put_item(TableName="surface", Item={"pk": {"S": "k"}})
        table = DynamoDBBackend.get_table(
            dynamodb_backends[DEFAULT_ACCOUNT]["us-east-1"], "surface"
        )
        shard = table.stream_shard
        for instance, kind in (
            (table, "Table"),
            (shard, "StreamShard"),
            (shard.items[0], "StreamRecord"),
            (table.all_items()[0], "Item"),
        ):
            absent = [n for n in INSTANCE_NAMES[kind] if not hasattr(instance, n)]
            assert absent == [], f"{kind} instances lack {absent}"
        record = shard.items[0].record
        assert {"eventID", "eventName", "dynamodb"} <= set(record)
        assert {"Keys", "SequenceNumber", "StreamViewType", "NewImage"} <= set(record["dynamodb"])


def test_moto_rules_and_schedules_still_hold_what_the_schedule_views_read() -> None:
    """views.ScheduledRuleView and ScheduleView read these attributes (backends.py the maps)."""
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        scheduler = boto3.client("scheduler", region_name="us-east-1")
        events.put_rule(Name="tick", ScheduleExpression="rate(5 minutes)", State="DISABLED")
        events.put_targets(Rule="tick", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:1:q"}])
        scheduler.create_schedule(
            Name="daily",
            ScheduleExpression="cron(0 9 * * ? *)",
            ScheduleExpressionTimezone="Europe/Paris",
            FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
            Target={"Arn": "arn:aws:sqs:us-east-1:1:q", "RoleArn": "arn:aws:iam::1:role/r"},
            ActionAfterCompletion="NONE",
        )
        (rule,) = backends.scheduled_rules()
        assert (rule.name, rule.bus, rule.expression, rule.enabled) == (
            "tick",
            "default",
            "rate(5 minutes)",
            False,
        )
        assert rule.targets[0]["Id"] == "t"
        (schedule,) = backends.schedules()
        assert (schedule.group, schedule.timezone, schedule.enabled) == (
            "default",
            "Europe/Paris",
            True,
        )
        assert schedule.flexible_window == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}
        assert schedule.action_after_completion == "NONE"
        assert backends.schedule("us-east-1", DEFAULT_ACCOUNT, "default", "daily") == schedule
        backends.delete_schedule("us-east-1", DEFAULT_ACCOUNT, "default", "daily")
        assert backends.schedules() == []


def test_state_machines_and_executions_hold_the_attributes_relied_on() -> None:
    from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    with mock_aws():
        backend = stepfunctions_parser_backends[DEFAULT_ACCOUNT]["us-east-1"]
        machine = backend.create_state_machine(
            name="surface",
            definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
            roleArn=f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/surface",
            sm_type="EXPRESS",
        )
        # moto keeps the asked-for type in ``type`` (``sm_type`` always says STANDARD).
        assert machine.type == "EXPRESS"
        for name in ("arn", "name", "roleArn", "executions", "backend", "sm_type"):
            assert hasattr(machine, name), f"StateMachine instances lack {name}"
        for name in ("partition", "region_name", "account_id"):
            assert hasattr(backend, name), f"the Step Functions backend lacks {name}"
        # ExecutionLog.of reads the configuration; the Execution.start patch sets the
        # session its worker hands to the EventManager, whose history-log hook reads it back.
        assert machine.loggingConfiguration == {"level": "OFF"}
        execution = backend.start_execution(machine.arn, "surface-run", "{}")
        assert hasattr(execution, "_cloud_watch_logging_session")
        assert hasattr(EventManager(), "_cloud_watch_logging_session")


@pytest.mark.parametrize(
    "module",
    [
        "moto.stepfunctions.parser.asl.component.program.program",
        "moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker",
        "moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration"
        ".inline_iteration_component",
    ],
)
def test_the_interpreter_modules_whose_threading_is_replaced_use_only_its_thread(
    module: str,
) -> None:
    # moto_patches/stepfunctions.py gives these modules a ``threading`` holding only Thread.
    source = inspect.getsource(resolve(module))
    used = set(re.findall(r"\bthreading\.(\w+)", source))
    assert used <= {"Thread"}, f"{module} uses threading.{sorted(used - {'Thread'})}"


def test_moto_s3_objects_hold_what_the_notification_patches_read() -> None:
    from moto.s3.models import FakeKey, NotificationConfiguration

    config = NotificationConfiguration(
        queue=[{"Queue": "arn:aws:sqs:us-east-1:123456789012:q", "Event": ["s3:ObjectCreated:*"]}],
        event_bridge={},
    )
    key = FakeKey("k", b"v", DEFAULT_ACCOUNT, "us-east-1")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="surface")
        from moto.s3.models import s3_backends

        bucket = s3_backends[DEFAULT_ACCOUNT]["aws"].get_bucket("surface")
        for instance, names in (
            (bucket, INSTANCE_NAMES["FakeBucket"]),
            (config, INSTANCE_NAMES["NotificationConfiguration"]),
            (config.queue[0], INSTANCE_NAMES["Notification"]),
            (key, INSTANCE_NAMES["FakeKey"]),
        ):
            absent = [n for n in names if not hasattr(instance, n)]
            assert absent == [], f"{type(instance).__name__} instances lack {absent}"


def test_moto_alarms_hold_the_state_the_cloudwatch_patch_carries_over() -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    with mock_aws():
        cloudwatch = boto3.client("cloudwatch", region_name="us-east-1")
        cloudwatch.put_metric_alarm(
            AlarmName="surface",
            MetricName="Errors",
            Namespace="AWS/Lambda",
            Statistic="Sum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanThreshold",
        )
        alarm = cloudwatch_backends[DEFAULT_ACCOUNT]["us-east-1"].alarms["surface"]
        fields = ("state_value", "state_reason", "state_reason_data", "state_updated_timestamp")
        absent = [n for n in fields if not hasattr(alarm, n)]
    assert absent == [], f"Alarm instances lack {absent}"


def test_function_urls_are_found_by_their_id_in_motos_functions() -> None:
    # emulator/function_urls.py reads LambdaBackend._lambdas._functions[...]["latest"].url_config
    # (.url, .config) and the URL's AWS form.
    import io
    import zipfile

    from localcloud.emulator.function_urls import function_url, url_id_of

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("h.py", "def handler(e, c):\n    return e\n")
    trust = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},'
    trust += '"Action":"sts:AssumeRole"}]}'
    with mock_aws():
        role = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="r", AssumeRolePolicyDocument=trust
        )
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.create_function(
            FunctionName="surface-url",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.handler",
            Code={"ZipFile": code.getvalue()},
        )
        created = lam.create_function_url_config(
            FunctionName="surface-url", AuthType="AWS_IAM", Cors={"AllowOrigins": ["*"]}
        )
        assert re.fullmatch(
            r"https://[a-z0-9]+\.lambda-url\.us-east-1\.on\.aws/?", created["FunctionUrl"]
        )
        view = function_url(url_id_of(created["FunctionUrl"]), "eu-west-1")
        assert view is not None
        assert view.function_arn.endswith(":function:surface-url")
        assert (view.auth_type, view.region, dict(view.cors or {})) == (
            "AWS_IAM",
            "us-east-1",
            {"AllowOrigins": ["*"]},
        )
        assert function_url("nosuchid", "us-east-1") is None


def test_api_gateway_views_read_request_validation() -> None:
    """emulator/apigw_views.py reads a RestAPI's ``request_validators`` (each RequestValidator's
    ``name``, ``validate_request_body``, ``validate_request_parameters``) and ``models`` (each
    Model's to_json), and a Method's ``request_validator_id``, ``request_parameters`` and
    ``request_models``."""
    with mock_aws():
        rest = boto3.client("apigateway", region_name="us-east-1")
        api_id = rest.create_rest_api(name="validated")["id"]
        root = rest.get_resources(restApiId=api_id)["items"][0]["id"]
        validator = rest.create_request_validator(
            restApiId=api_id, name="v", validateRequestBody=True, validateRequestParameters=False
        )["id"]
        rest.create_model(restApiId=api_id, name="m", contentType="application/json", schema="{}")
        rest.put_method(
            restApiId=api_id,
            resourceId=root,
            httpMethod="POST",
            authorizationType="NONE",
            requestValidatorId=validator,
            requestParameters={"method.request.header.h": True},
            requestModels={"application/json": "m"},
        )
        view = backends.api(api_id, "us-east-1")
        assert view is not None
        (route,) = view.routes
        assert route.request_validator_id == validator
        assert dict(route.request_parameters) == {"method.request.header.h": True}
        assert dict(route.request_models) == {"application/json": "m"}
        assert dict(view.request_validators[validator]) == {
            "name": "v",
            "validateRequestBody": True,
            "validateRequestParameters": False,
        }
        assert view.models["m"]["schema"] == "{}"


def test_cognito_pools_users_and_groups_hold_what_the_trigger_patches_read() -> None:
    """moto_patches/cognito.py reads a pool's config, clients, users, tokens and key, a user's
    attributes, status and groups, a group's name, precedence and role."""
    from moto.cognitoidp.models import CognitoIdpUserPool, UserStatus

    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = idp.create_user_pool(
            PoolName="surface",
            LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:f"},
        )["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"
        ]["ClientId"]
        idp.create_group(UserPoolId=pool_id, GroupName="g", Precedence=1)
        idp.admin_create_user(UserPoolId=pool_id, Username="u")
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="u", GroupName="g")
        from moto.cognitoidp.models import cognitoidp_backends

        pool = cognitoidp_backends[DEFAULT_ACCOUNT]["us-east-1"].user_pools[pool_id]
        assert isinstance(pool, CognitoIdpUserPool)
        assert pool.extended_config["LambdaConfig"] == {
            "PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:f"
        }
        assert client_id in pool.clients and pool.clients[client_id].extended_config
        assert {"region", "id", "users", "id_tokens", "json_web_key"} <= set(vars(pool))
        assert isinstance(cognitoidp_backends[DEFAULT_ACCOUNT]["us-east-1"].sessions, dict)
        user = pool._get_user("u")
        assert {"username", "attributes", "attribute_lookup", "status", "groups"} <= set(vars(user))
        assert user.status == UserStatus.FORCE_CHANGE_PASSWORD
        (group,) = user.groups
        assert (group.group_name, group.precedence, group.role_arn) == ("g", 1, None)


def test_moto_log_streams_hand_subscribed_events_to_the_patched_sender() -> None:
    from moto.logs.models import LogStream, logs_backends

    sent: list[tuple[Any, ...]] = []
    now = int(time.time() * 1000)

    def record(
        self: Any, service: str, destination_arn: str, filter_name: str, log_events: Any
    ) -> None:
        sent.append((self, service, destination_arn, filter_name, log_events))

    with mock_aws():
        logs = boto3.client("logs", region_name="us-east-1")
        logs.create_log_group(logGroupName="surface")
        logs.create_log_stream(logGroupName="surface", logStreamName="s")
        group = logs_backends[DEFAULT_ACCOUNT]["us-east-1"].groups["surface"]
        # a filter as put_subscription_filter stores it, without moto's check of the function
        group.put_subscription_filter(
            "f", "ERROR", "arn:aws:lambda:us-east-1:123456789012:function:fn", ""
        )
        original = LogStream._send_log_events
        LogStream._send_log_events = record  # type: ignore[method-assign]
        try:
            logs.put_log_events(
                logGroupName="surface",
                logStreamName="s",
                logEvents=[{"timestamp": now, "message": "ERROR one"}],
            )
        finally:
            LogStream._send_log_events = original  # type: ignore[method-assign]
        stream, service, destination, name, events = sent[0]
        fields = [n for n in ("region", "account_id", "log_stream_name") if not hasattr(stream, n)]
        assert fields == []
        assert stream.log_group.subscription_filters[name].filter_pattern == "ERROR"
        assert (service, destination, name) == (
            "lambda",
            group.subscription_filters["f"].destination_arn,
            "f",
        )
        assert [(type(e["id"]), e["timestamp"], e["message"]) for e in events] == [
            (int, now, "ERROR one")
        ]


def test_step_functions_waits_sleep_where_the_clock_patches_replace_it() -> None:
    """moto's Retry sleeps with ``time.sleep`` of its retrier module (the patch replaces the
    module's ``time``, so nothing else of it may be used there), a Timestamp wait keeps its
    time as the ``string`` it evaluates, and a Program its TimeoutSeconds and StartAt."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.common.string.string_expression import (
        StringLiteral,
    )
    from moto.stepfunctions.parser.asl.component.program.program import Program
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import (
        Timestamp,
    )

    source = inspect.getsource(retrier_decl)
    assert set(re.findall(r"\btime\.(\w+)", source)) == {"sleep"}
    wait = Timestamp(StringLiteral(literal_value="2027-01-01T00:00:00Z"))
    assert isinstance(vars(wait)["string"], StringLiteral)
    # an execution's TimeoutSeconds, and where it starts, as the Program keeps them
    program = inspect.getsource(Program.__init__)
    assert "self.timeout_seconds = timeout_seconds" in program
    assert "self.start_at = start_at" in program


def test_aliases_and_reserved_concurrency_read_what_moto_holds() -> None:
    """backends.alias reads an alias's version and RoutingConfig (AliasView.from_moto), and
    backends.reserved_concurrency the unqualified function's setting: a published version is a
    copy moto takes of $LATEST, holding the setting of when it was published."""
    import io
    import zipfile

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("h.py", "def handler(e, c):\n    return e\n")
    trust = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},'
    trust += '"Action":"sts:AssumeRole"}]}'
    with mock_aws():
        role = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="r", AssumeRolePolicyDocument=trust
        )
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.create_function(
            FunctionName="surface-alias",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.handler",
            Code={"ZipFile": code.getvalue()},
        )
        lam.publish_version(FunctionName="surface-alias")
        lam.update_function_configuration(FunctionName="surface-alias", Timeout=5)
        lam.publish_version(FunctionName="surface-alias")
        lam.create_alias(
            FunctionName="surface-alias",
            Name="canary",
            FunctionVersion="1",
            RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}},
        )
        lam.put_function_concurrency(FunctionName="surface-alias", ReservedConcurrentExecutions=3)

        view = backends.alias("surface-alias:canary", "us-east-1")
        assert view is not None
        assert (view.name, view.function_version, dict(view.weights)) == (
            "canary",
            "1",
            {"2": 0.25},
        )
        arn = lam.get_function(FunctionName="surface-alias")["Configuration"]["FunctionArn"]
        assert backends.alias(f"{arn}:canary", "eu-west-1") == view
        assert backends.alias(f"{arn}:nosuch", "us-east-1") is None
        assert backends.alias(f"{arn}:1", "us-east-1") is None
        version = backends.function(f"{arn}:1", "us-east-1")
        assert version is not None and version.reserved_concurrency is None  # moto's copy
        assert backends.reserved_concurrency(f"{arn}:1", "us-east-1") == 3
        assert backends.reserved_concurrency("surface-alias", "us-east-1") == 3
        assert backends.reserved_concurrency("nosuch", "us-east-1") is None


def test_a_flat_dynamodb_value_and_an_empty_item_hold_what_the_lean_put_sets() -> None:
    """emulator/fastpath.py makes flat values and items without their constructors' work."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    for kind, scalar in (("S", "a"), ("N", "1"), ("BOOL", False), ("NULL", True)):
        assert vars(DynamoType({kind: scalar})) == {"type": kind, "value": scalar}
    key = DynamoType({"S": "k"})
    item = Item(key, None, {})
    assert vars(item) == {"hash_key": key, "range_key": None, "attrs": {}}
    assert type(item.attrs) is LimitedSizeDict
