"""Event source mappings reach a registered source, or are refused saying which sources exist."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import unique


def test_a_mapping_on_a_source_no_kind_reads_is_refused_naming_the_supported_ones(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    dynamodb = localcloud.client("dynamodb")
    table = unique("streamed")
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    try:
        stream_arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        name = make_function("basic.echo")

        with pytest.raises(lam.exceptions.InvalidParameterValueException) as caught:
            lam.create_event_source_mapping(
                EventSourceArn=stream_arn, FunctionName=name, StartingPosition="LATEST"
            )

        message = caught.value.response["Error"]["Message"]
        assert "dynamodb" in message and "supported: sqs" in message
        mappings = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
        assert mappings == []
    finally:
        dynamodb.delete_table(TableName=table)
