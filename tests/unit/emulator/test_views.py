"""The views of moto's objects copy what the engine needs, read from real moto objects.

Each object is made in-process the way a deploy makes it (boto3 against ``moto.mock_aws``), then
taken from moto's backend as the engine takes it, and its ``from_moto`` view is checked field by
field. Nothing is invoked: no Docker, no network. The local cloud's moto patches are not applied
here, so what they add (a compiled EventBridge pattern, a function's dead-letter config) is either
set on the moto object as the patch sets it or asserted absent.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Literal

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel
from moto import mock_aws
from moto.backends import get_backend
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sqs.models import Message

from localcloud.emulator.views import (
    CODE_PATH_TAG,
    FunctionView,
    MappingView,
    QueuedMessage,
    ReplayView,
    RuleView,
    SubscriptionView,
    epoch,
)
from localcloud.engine.shapes import sqs_record

REGION = "eu-west-1"
ACCOUNT = DEFAULT_ACCOUNT_ID
type Service = Literal["iam", "lambda", "sqs", "sns", "events"]
TRACE_HEADER = "Root=1-6553f100-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto in-process, with no endpoint override that could send boto3 elsewhere."""
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        yield


def client(service: Service) -> Any:
    return boto3.client(service, region_name=REGION)


def backend(service: Service) -> Any:
    return get_backend(service)[ACCOUNT][REGION]


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def create_function(name: str, **extra: Any) -> Any:
    """A function in moto (with the IAM role moto insists on); its moto object."""
    iam = client("iam")
    try:
        role = iam.get_role(RoleName="fn-role")["Role"]["Arn"]
    except iam.exceptions.NoSuchEntityException:
        role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    client("lambda").create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code_zip()},
        **extra,
    )
    return backend("lambda").get_function(name)


def create_queue(name: str, **attributes: str) -> tuple[str, str]:
    """(url, arn) of a new queue."""
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def receive(queue: str, visibility: int = 30) -> list[Any]:
    """Messages taken from moto's backend as the engine's poller takes them (every attribute)."""
    return list(backend("sqs").receive_message(queue, 10, 0, visibility, ["All"]))


# -- FunctionView ----------------------------------------------------------------------------------
def test_function_view_copies_configuration_code_layers_tags_and_concurrency() -> None:
    lam = client("lambda")
    layer = lam.publish_layer_version(LayerName="deps", Content={"ZipFile": code_zip()})
    on_failure = f"arn:aws:sqs:{REGION}:{ACCOUNT}:welcome-failures"
    fn = create_function(
        "welcome-email",
        Timeout=7,
        MemorySize=256,
        Environment={"Variables": {"TABLE": "users", "LOG_LEVEL": "DEBUG"}},
        Layers=[layer["LayerVersionArn"]],
        Tags={CODE_PATH_TAG: "/src/functions/welcome_email", "team": "growth"},
    )
    lam.put_function_concurrency(FunctionName="welcome-email", ReservedConcurrentExecutions=4)
    lam.put_function_event_invoke_config(
        FunctionName="welcome-email",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": on_failure}},
    )

    view = FunctionView.from_moto(fn)

    assert view.name == "welcome-email"
    assert view.arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:welcome-email"
    assert view.handler == "app.handler"
    assert view.runtime == "python3.12"
    assert view.timeout == 7.0
    assert view.memory_size == 256
    assert view.environment == {"TABLE": "users", "LOG_LEVEL": "DEBUG"}
    assert view.code_path_tag == "/src/functions/welcome_email"
    assert view.code_zip == code_zip()
    assert view.code_digest == hashlib.sha256(code_zip()).hexdigest()
    assert view.layer_arns == (f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:deps:1",)
    assert view.reserved_concurrency == 4
    assert view.region == REGION
    assert view.account_id == ACCOUNT
    assert view.event_invoke_config == {
        "MaximumRetryAttempts": 1,
        "DestinationConfig": {"OnFailure": {"Destination": on_failure}},
    }
    assert view.dead_letter_target is None  # no DeadLetterConfig given


def test_function_view_of_a_bare_function_has_lambdas_defaults_and_nothing_else() -> None:
    view = FunctionView.from_moto(create_function("bare"))

    assert view.timeout == 3.0
    assert view.memory_size == 128
    assert view.environment == {}
    assert view.code_path_tag is None
    assert view.layer_arns == ()
    assert view.reserved_concurrency is None
    assert view.event_invoke_config == {}
    assert view.dead_letter_target is None


def test_function_view_reads_the_dead_letter_target_the_local_cloud_keeps_on_the_function() -> None:
    # GIVEN a function whose DeadLetterConfig the local cloud kept (moto itself drops it; the
    # emulator's create_function patch stores it in this slot)
    fn = create_function("with-dlq")
    fn.localcloud_dead_letter_config = {"TargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:fn-dlq"}

    # WHEN it is viewed THEN the target is the queue's ARN
    assert FunctionView.from_moto(fn).dead_letter_target == f"arn:aws:sqs:{REGION}:{ACCOUNT}:fn-dlq"

    # and an emptied config (UpdateFunctionConfiguration with TargetArn "") means none
    fn.localcloud_dead_letter_config = {"TargetArn": ""}
    assert FunctionView.from_moto(fn).dead_letter_target is None


def test_function_view_is_a_frozen_copy_that_later_changes_to_moto_do_not_reach() -> None:
    fn = create_function("copied", Environment={"Variables": {"STAGE": "one"}})
    view = FunctionView.from_moto(fn)

    client("lambda").update_function_configuration(
        FunctionName="copied", Environment={"Variables": {"STAGE": "two"}}
    )

    assert view.environment == {"STAGE": "one"}
    assert FunctionView.from_moto(fn).environment == {"STAGE": "two"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.name = "other"  # type: ignore[misc]


# -- MappingView -----------------------------------------------------------------------------------
def test_mapping_view_copies_batching_filters_scaling_and_partial_batch_setting() -> None:
    create_function("directory")
    _, queue_arn = create_queue("directory-events")
    pattern = json.dumps({"body": {"event_type": ["UserCreated"]}})
    created = client("lambda").create_event_source_mapping(
        EventSourceArn=queue_arn,
        FunctionName="directory",
        BatchSize=5,
        MaximumBatchingWindowInSeconds=2,
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
        ScalingConfig={"MaximumConcurrency": 3},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )

    view = MappingView.from_moto(backend("lambda").get_event_source_mapping(created["UUID"]))

    assert view.uuid == created["UUID"]
    assert view.source_arn == queue_arn
    assert view.source_service == "sqs"
    assert view.function_arn == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:directory"
    assert view.enabled is True
    assert view.batch_size == 5
    assert view.batching_window_s == 2.0
    assert view.report_batch_item_failures is True
    assert view.filter_patterns == (pattern,)
    assert view.maximum_concurrency == 3


def test_mapping_view_of_a_disabled_plain_mapping_has_the_defaults() -> None:
    create_function("plain")
    _, queue_arn = create_queue("plain-events")
    created = client("lambda").create_event_source_mapping(
        EventSourceArn=queue_arn, FunctionName="plain", Enabled=False
    )

    view = MappingView.from_moto(backend("lambda").get_event_source_mapping(created["UUID"]))

    assert view.enabled is False
    assert view.batch_size == 10
    assert view.batching_window_s == 0.0
    assert view.report_batch_item_failures is False
    assert view.filter_patterns == ()
    assert view.maximum_concurrency is None


def test_mapping_source_service_is_the_arns_service_or_empty() -> None:
    def with_source(arn: str) -> MappingView:
        return MappingView(
            uuid="u",
            source_arn=arn,
            function_arn="f",
            enabled=True,
            batch_size=10,
            batching_window_s=0.0,
            report_batch_item_failures=False,
            filter_patterns=(),
            maximum_concurrency=None,
        )

    assert with_source(f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s").source_service == "kinesis"
    assert with_source("not-an-arn").source_service == ""


# -- QueuedMessage ---------------------------------------------------------------------------------
BLOB = b"\x00\x01\xff"


def send_fifo_message() -> tuple[str, dict[str, Any]]:
    """A FIFO message with a string, a number and a binary attribute; (queue arn, SendMessage's
    response)."""
    url, arn = create_queue("signups.fifo", FifoQueue="true")
    sent = client("sqs").send_message(
        QueueUrl=url,
        MessageBody='{"user_id": "u-1"}',
        MessageGroupId="user-u-1",
        MessageDeduplicationId="dedup-1",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "signup"},
            "count": {"DataType": "Number", "StringValue": "3"},
            "blob": {"DataType": "Binary", "BinaryValue": BLOB},
        },
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": TRACE_HEADER}
        },
    )
    return arn, sent


def test_queued_message_of_a_received_fifo_message_copies_ids_timestamps_and_attributes() -> None:
    _, sent = send_fifo_message()

    [received] = receive("signups.fifo")
    view = QueuedMessage.from_moto(received)

    assert view.id == sent["MessageId"]
    assert view.receipt_handle == received.receipt_handle
    assert view.body == '{"user_id": "u-1"}'
    assert view.body_md5 == sent["MD5OfMessageBody"]
    assert view.attributes_md5 == sent["MD5OfMessageAttributes"]
    assert view.sent_timestamp == received.sent_timestamp
    assert view.first_receive_timestamp is not None
    assert view.first_receive_timestamp >= view.sent_timestamp
    assert view.receive_count == 1
    assert view.sender_id == received.sender_id
    assert view.group_id == "user-u-1"
    assert view.deduplication_id == "dedup-1"
    assert view.sequence_number == sent["SequenceNumber"]
    assert view.trace_header == TRACE_HEADER
    assert view.message_attributes == {
        "kind": {"DataType": "String", "StringValue": "signup"},
        "count": {"DataType": "Number", "StringValue": "3"},
        "blob": {"DataType": "Binary", "BinaryValue": base64.b64encode(BLOB).decode()},
    }


def test_queued_message_of_a_plain_message_has_no_fifo_fields_attributes_or_trace() -> None:
    url, _ = create_queue("plain")
    client("sqs").send_message(QueueUrl=url, MessageBody="hello")

    [received] = receive("plain")
    view = QueuedMessage.from_moto(received)

    assert view.body == "hello"
    assert view.body_md5 == hashlib.md5(b"hello").hexdigest()
    assert view.attributes_md5 is None
    assert view.group_id is None
    assert view.deduplication_id is None
    assert view.sequence_number is None
    assert view.trace_header is None
    assert view.message_attributes == {}


def test_queued_message_counts_receives_and_keeps_the_first_receive_time() -> None:
    url, _ = create_queue("again")
    client("sqs").send_message(QueueUrl=url, MessageBody="again")
    [first] = receive("again", visibility=0)
    first_view = QueuedMessage.from_moto(first)

    [second] = receive("again")
    second_view = QueuedMessage.from_moto(second)

    assert (first_view.receive_count, second_view.receive_count) == (1, 2)
    assert second_view.first_receive_timestamp == first_view.first_receive_timestamp
    assert second_view.receipt_handle != first_view.receipt_handle
    assert first_view.receive_count == 1  # the earlier view did not follow moto's message


def test_queued_message_reads_a_trace_header_kept_as_plain_text() -> None:
    # moto keeps system attributes as SendMessage gave them; an in-process sender may give text.
    message = Message("id-1", "body", system_attributes={"AWSTraceHeader": TRACE_HEADER})
    message.mark_sent()
    message.mark_received()

    assert QueuedMessage.from_moto(message).trace_header == TRACE_HEADER


def test_queued_message_is_the_frozen_view_its_constructor_would_make() -> None:
    _, _ = send_fifo_message()
    [received] = receive("signups.fifo")

    view = QueuedMessage.from_moto(received)

    names = {f.name for f in dataclasses.fields(QueuedMessage)}
    assert set(vars(view)) == names
    assert view == QueuedMessage(**{name: getattr(view, name) for name in names})
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.body = "changed"  # type: ignore[misc]


def test_record_of_a_received_message_parses_as_the_sqs_event_a_handler_gets() -> None:
    queue_arn, sent = send_fifo_message()
    [received] = receive("signups.fifo")

    event = {"Records": [sqs_record(QueuedMessage.from_moto(received), queue_arn, REGION)]}
    [record] = SqsModel.model_validate(json.loads(json.dumps(event))).Records

    assert record.messageId == sent["MessageId"]
    assert record.md5OfBody == sent["MD5OfMessageBody"]
    assert record.md5OfMessageAttributes == sent["MD5OfMessageAttributes"]
    assert record.attributes.MessageGroupId == "user-u-1"
    assert record.attributes.AWSTraceHeader == TRACE_HEADER
    assert record.messageAttributes["kind"].stringValue == "signup"
    assert base64.b64decode(record.messageAttributes["blob"].binaryValue or "") == BLOB


# -- SubscriptionView ------------------------------------------------------------------------------
def test_subscription_view_of_a_raw_sqs_subscription_with_a_redrive_policy() -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="users")["TopicArn"]
    _, queue_arn = create_queue("user-events")
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT}:user-events-dlq"
    arn = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes={
            "RawMessageDelivery": "true",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq}),
        },
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]

    view = SubscriptionView.from_moto(backend("sns").subscriptions[arn])

    assert view.arn == arn
    assert view.topic_arn == topic
    assert view.protocol == "sqs"
    assert view.endpoint == queue_arn
    assert view.raw_delivery is True
    assert view.dead_letter_target == dlq


def test_subscription_view_follows_raw_delivery_set_after_subscribing() -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="later")["TopicArn"]
    _, queue_arn = create_queue("later-events")
    arn = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    assert SubscriptionView.from_moto(backend("sns").subscriptions[arn]).raw_delivery is False

    sns.set_subscription_attributes(
        SubscriptionArn=arn, AttributeName="RawMessageDelivery", AttributeValue="true"
    )

    assert SubscriptionView.from_moto(backend("sns").subscriptions[arn]).raw_delivery is True


def test_subscription_view_of_a_plain_lambda_subscription() -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="stats")["TopicArn"]
    function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:signup-stats"
    arn = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)["SubscriptionArn"]

    view = SubscriptionView.from_moto(backend("sns").subscriptions[arn])

    assert view.protocol == "lambda"
    assert view.endpoint == function_arn
    assert view.raw_delivery is False
    assert view.dead_letter_target is None


# -- RuleView --------------------------------------------------------------------------------------
def rules() -> Any:
    return backend("events").event_buses["default"].rules


def test_rule_view_of_a_pattern_rule_copies_name_arn_state_and_targets() -> None:
    events = client("events")
    events.put_rule(Name="audit", EventPattern=json.dumps({"source": ["users.api"]}))
    targets = [
        {"Id": "log", "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:audit-log"},
        {"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:audit", "InputPath": "$.detail"},
    ]
    events.put_targets(Rule="audit", Targets=targets)

    view = RuleView.from_moto(rules()["audit"])

    assert view.name == "audit"
    assert view.arn == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/audit"
    assert view.enabled is True
    assert view.targets == tuple(targets)
    assert view.archive is None
    # The view matches through the rule's own pattern slot (moto's here, unpatched).
    assert view.matches({"source": "users.api", "detail": {}}) is True
    assert view.matches({"source": "users.importer", "detail": {}}) is False


def test_rule_view_of_a_disabled_rule_or_a_schedule_without_pattern_is_not_enabled() -> None:
    events = client("events")
    events.put_rule(Name="off", EventPattern=json.dumps({"source": ["a"]}), State="DISABLED")
    events.put_rule(Name="tick", ScheduleExpression="rate(1 minute)")

    assert RuleView.from_moto(rules()["off"]).enabled is False
    assert RuleView.from_moto(rules()["tick"]).enabled is False


def test_rule_view_of_the_rule_moto_makes_for_an_archive_names_the_archive() -> None:
    client("events").create_archive(
        ArchiveName="everything",
        EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
    )

    view = RuleView.from_moto(rules()["Events-Archive-everything"])

    assert view.archive == "everything"
    assert view.enabled is True


def test_rule_view_of_a_user_rule_named_like_an_archive_rule_is_no_archive() -> None:
    # Only a rule the service manages is an archive's; a user may name a rule anything.
    client("events").put_rule(
        Name="Events-Archive-mine", EventPattern=json.dumps({"source": ["a"]})
    )

    assert RuleView.from_moto(rules()["Events-Archive-mine"]).archive is None


# -- ReplayView ------------------------------------------------------------------------------------
def test_replay_view_copies_the_window_destination_filters_and_the_archived_events() -> None:
    events = client("events")
    bus_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    archive_arn = events.create_archive(ArchiveName="history", EventSourceArn=bus_arn)["ArchiveArn"]
    events.put_events(
        Entries=[{"Source": "users.api", "DetailType": "UserCreated", "Detail": '{"id": "u-1"}'}]
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/audit"
    events.start_replay(
        ReplayName="again",
        EventSourceArn=archive_arn,
        EventStartTime=start,
        EventEndTime=start + timedelta(days=1),
        Destination={"Arn": bus_arn, "FilterArns": [rule_arn]},
    )
    moto_events = backend("events")
    archive = moto_events.archives["history"]

    view = ReplayView.from_moto(moto_events.replays["again"], list(archive.events))

    assert view.name == "again"
    assert view.start == start.timestamp()
    assert view.end == (start + timedelta(days=1)).timestamp()
    assert view.bus_arn == bus_arn
    assert view.filter_arns == (rule_arn,)
    assert [e["detail-type"] for e in view.events] == ["UserCreated"]
    assert view.events == tuple(archive.events)


# -- epoch -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        1_767_225_600,
        1_767_225_600.0,
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T01:00:00+01:00",
    ],
    ids=["int", "float", "datetime", "datetime-offset", "iso-z", "iso-utc", "iso-offset"],
)
def test_epoch_reads_numbers_datetimes_and_iso_text_as_the_same_instant(value: Any) -> None:
    assert epoch(value) == 1_767_225_600.0
