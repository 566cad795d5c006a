"""CreateEventSourceMapping on a Kinesis stream: what AWS refuses and what does not run locally
is refused before moto; a mapping the Kinesis source runs goes on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.gateway import validators
from localcloud.gateway.request import AwsRequest

STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/clicks"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:gave-up"


def request(body: dict[str, Any], update: bool = False) -> AwsRequest:
    scope = "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/lambda/aws4_request"
    path = "/2015-03-31/event-source-mappings/"
    return AwsRequest.parse(
        method="PUT" if update else "POST",
        path=path + ("0b6fd9bd-2a0c-4d32-9e4c-5c3b1f6c8a11" if update else ""),
        query="",
        headers={"authorization": scope},
        body=json.dumps(body).encode(),
        default_region="us-east-1",
    )


def mapping(**settings: Any) -> dict[str, Any]:
    return {"EventSourceArn": STREAM, "FunctionName": "reader", **settings}


def refusal(body: dict[str, Any], update: bool = False) -> str:
    with pytest.raises(validators.InvalidParameterValueError) as refused:
        validators.event_source_mapping(request(body, update))
    return str(refused.value)


@pytest.mark.parametrize("position", ["TRIM_HORIZON", "LATEST"])
def test_a_mapping_the_kinesis_source_runs_goes_on(position: str) -> None:
    body = mapping(
        StartingPosition=position,
        BatchSize=100,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=2,
        MaximumRecordAgeInSeconds=60,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": QUEUE}},
        ParallelizationFactor=1,
        TumblingWindowInSeconds=0,
    )
    validators.event_source_mapping(request(body))


def test_a_starting_position_is_required_as_aws_requires() -> None:
    assert "use TRIM_HORIZON, LATEST or AT_TIMESTAMP" in refusal(mapping())


def test_at_timestamp_goes_on_with_its_timestamp_and_is_refused_without() -> None:
    validators.event_source_mapping(
        request(mapping(StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=1_700_000_000))
    )
    message = refusal(mapping(StartingPosition="AT_TIMESTAMP"))
    assert "StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP" in message


@pytest.mark.parametrize(
    ("name", "value"), [("ParallelizationFactor", 4), ("TumblingWindowInSeconds", 60)]
)
@pytest.mark.parametrize("update", [False, True], ids=["create", "update"])
def test_settings_no_local_stream_source_runs_are_refused(
    name: str, value: int, update: bool
) -> None:
    body = {name: value} if update else mapping(StartingPosition="LATEST", **{name: value})
    assert f"{name} {value} is not supported" in refusal(body, update)


def test_an_on_failure_destination_other_than_a_queue_or_topic_is_refused() -> None:
    body = mapping(
        StartingPosition="LATEST",
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}},
    )
    assert "use an SQS queue or an SNS topic" in refusal(body)


def test_a_stream_consumer_arn_is_refused() -> None:
    body = {
        "EventSourceArn": f"{STREAM}/consumer/fan-out:1700000000",
        "FunctionName": "reader",
        "StartingPosition": "LATEST",
    }
    assert "enhanced fan-out) are not supported locally" in refusal(body)


def test_a_record_age_outside_lambdas_range_is_refused() -> None:
    message = refusal(mapping(StartingPosition="LATEST", MaximumRecordAgeInSeconds=30))
    assert "MaximumRecordAgeInSeconds 30 is not valid" in message
