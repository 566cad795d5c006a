"""PutTargets rejects a malformed InputTransformer at once, not at delivery."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_input_template_with_an_undefined_variable_is_rejected(events: Any) -> None:
    rule = f"it-validate-{uuid.uuid4().hex[:8]}"
    events.put_rule(Name=rule, EventPattern='{"source": ["it.validate"]}')
    target = {
        "Id": "t1",
        "Arn": "arn:aws:sqs:us-east-1:123456789012:anywhere",
        "InputTransformer": {"InputPathsMap": {"a": "$.detail.a"}, "InputTemplate": '{"x": <b>}'},
    }
    try:
        with pytest.raises(ClientError) as caught:
            events.put_targets(Rule=rule, Targets=[target])
        assert caught.value.response["Error"]["Code"] == "ValidationException"
        assert "<b>" in caught.value.response["Error"]["Message"]
        assert events.list_targets_by_rule(Rule=rule)["Targets"] == []

        target["InputTransformer"]["InputTemplate"] = '{"x": <a>}'
        events.put_targets(Rule=rule, Targets=[target])
        assert [t["Id"] for t in events.list_targets_by_rule(Rule=rule)["Targets"]] == ["t1"]
    finally:
        events.remove_targets(Rule=rule, Ids=["t1"])
        events.delete_rule(Name=rule)
