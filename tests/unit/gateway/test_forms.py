"""parse_form reads every form exactly as urllib's parse_qs does."""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qs, urlencode

import pytest

from localcloud.gateway.forms import parse_form

PIECES = ["a", "Z", "0", "=", "&", "+", "%", "%2", "%20", "%2B", "%26", "%3D", "%zz", "%C3",
          "%A9", "%e2%9c%93", "é", "✓", " ", ".", "-", "", "%%", "%0", "%FF"]  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "",
        "&",
        "a",
        "a=",
        "=b",
        "a=b=c",
        "a=1&a=2&b=&c",
        "Action=Publish&Message=hello+world%21&Subject=caf%C3%A9",
        "name=%C3%A9t%C3%A9%20%E2%9C%93&raw=é✓&bad=%zz%C3",
        urlencode(
            {
                "Action": "PublishBatch",
                "TopicArn": "arn:aws:sns:us-east-1:123456789012:t",
                **{
                    f"PublishBatchRequestEntries.member.{n}.Message": json.dumps(
                        {"id": f"m{n}", "sent": 1733420000.123, "note": "ünï ✓ & = + %"}
                    )
                    for n in range(1, 11)
                },
            }
        ),
    ],
)
def test_parse_form_reads_a_form_as_parse_qs_does(text: str) -> None:
    assert list(parse_form(text).items()) == list(parse_qs(text).items())


def test_parse_form_agrees_with_parse_qs_on_random_text() -> None:
    picker = random.Random(17)
    for _ in range(3000):
        text = "".join(picker.choice(PIECES) for _ in range(picker.randint(0, 14)))
        assert list(parse_form(text).items()) == list(parse_qs(text).items()), text


# Escapes in either case, and what a quoted-printable decoder reads otherwise (soft line breaks
# after "=", a trailing "=", "==", underscores).
QP_PIECES = ["%0A", "%0a", "%0D", "%3d", "%3D", "=", "==", "%", "\n", "\r\n", "%\n", "%=",
             "_", "%5F", "%7B%22", "%e2%9c", "%9C%93", "a", " ", "+", "%2", "%g0"]  # fmt: skip


def test_parse_form_agrees_with_parse_qs_where_quoted_printable_differs() -> None:
    picker = random.Random(29)
    for _ in range(5000):
        text = "".join(picker.choice(QP_PIECES) for _ in range(picker.randint(0, 16)))
        assert list(parse_form(text).items()) == list(parse_qs(text).items()), repr(text)
        value = "v=" + text.replace("=", "%3D").replace("&", "%26")  # one value, "=" escaped
        assert list(parse_form(value).items()) == list(parse_qs(value).items()), repr(value)
