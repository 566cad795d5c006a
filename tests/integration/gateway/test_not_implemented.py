"""An operation moto does not implement answers 501 in AWS's shape, naming it; never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration


def test_an_unimplemented_query_operation_is_501_naming_it(localcloud: Any) -> None:
    sns = localcloud.client("sns")
    with pytest.raises(ClientError) as caught:
        sns.get_data_protection_policy(ResourceArn="arn:aws:sns:us-east-1:123456789012:t")
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["Error"]["Code"] == "NotImplemented"
    assert "sns:GetDataProtectionPolicy" in response["Error"]["Message"]


def test_an_unimplemented_json_operation_is_501_naming_it(localcloud: Any) -> None:
    events = localcloud.client("events")
    with pytest.raises(ClientError) as caught:
        events.describe_endpoint(Name="nowhere")
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "events:DescribeEndpoint" in response["Error"]["Message"]
