"""PublishBatch's total payload, counted in one pass, equals the sum of each member's payload."""

from __future__ import annotations

import pytest

from localcloud.gateway.validators import _batch_size, _sns_size

M = "PublishBatchRequestEntries.member."


def each_member(form: dict[str, list[str]]) -> int:
    """The total as counted one member at a time (what the validator did before)."""
    members = {field[len(M) :].split(".", 1)[0] for field in form if field.startswith(M)}
    return sum(_sns_size(form, f"{M}{member}.") for member in members)


FORMS: list[dict[str, list[str]]] = [
    {},
    {"Action": ["PublishBatch"], "TopicArn": ["arn:aws:sns:us-east-1:123456789012:t"]},
    {f"{M}{n}.Id": [str(n)] for n in range(1, 11)}
    | {f"{M}{n}.Message": ["x" * n] for n in range(1, 11)},
    {
        f"{M}1.Message": ["ünïcode ✓"],
        f"{M}11.Message": ["eleven"],
        f"{M}1.MessageAttributes.entry.1.Name": ["kind"],
        f"{M}1.MessageAttributes.entry.1.Value.DataType": ["String"],
        f"{M}1.MessageAttributes.entry.1.Value.StringValue": ["örder"],
        f"{M}11.MessageAttributes.entry.1.Name": ["blob"],
        f"{M}11.MessageAttributes.entry.1.Value.DataType": ["Binary"],
        f"{M}11.MessageAttributes.entry.1.Value.BinaryValue": ["AAEC", "more"],
        f"{M}11.MessageAttributes.entry.1.Value.Other": ["not counted"],
        f"{M}2.Subject": ["not counted"],
    },
    {f"{M}3.Message": [], f"{M}4": ["no field"], f"{M}5.Message": ["a", "second"], "x": ["y"]},
]


@pytest.mark.parametrize("form", FORMS, ids=["empty", "no members", "ten", "mixed", "odd"])
def test_batch_size_is_the_sum_of_each_members_size(form: dict[str, list[str]]) -> None:
    assert _batch_size(form) == each_member(form)
