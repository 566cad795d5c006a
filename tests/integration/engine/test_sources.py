"""Event source mappings reach a registered source, or are refused saying which sources exist."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import unique


def test_a_mapping_on_a_source_no_kind_reads_is_refused_naming_the_supported_ones(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    broker_arn = f"arn:aws:mq:us-east-1:123456789012:broker:{unique('orders')}:b-0000"
    name = make_function("basic.echo")

    with pytest.raises(lam.exceptions.InvalidParameterValueException) as caught:
        lam.create_event_source_mapping(
            EventSourceArn=broker_arn, FunctionName=name, Queues=["orders"]
        )

    message = caught.value.response["Error"]["Message"]
    assert "mq" in message and "supported: dynamodb, kinesis, sqs" in message
    mappings = lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
    assert mappings == []
