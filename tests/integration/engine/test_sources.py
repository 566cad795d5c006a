"""Event source mappings reach a registered source, or are refused saying which sources exist."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import unique


def test_a_mapping_on_a_source_no_kind_reads_is_refused_naming_the_supported_ones(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    kinesis = localcloud.client("kinesis")
    stream = unique("data")
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    try:
        stream_arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"][
            "StreamARN"
        ]
        name = make_function("basic.echo")

        with pytest.raises(lam.exceptions.InvalidParameterValueException) as caught:
            lam.create_event_source_mapping(
                EventSourceArn=stream_arn, FunctionName=name, StartingPosition="LATEST"
            )

        message = caught.value.response["Error"]["Message"]
        assert "kinesis" in message and "supported: dynamodb, sqs" in message
        mappings = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
        assert mappings == []
    finally:
        kinesis.delete_stream(StreamName=stream)
