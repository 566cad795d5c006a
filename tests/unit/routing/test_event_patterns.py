"""EventBridge event patterns: each operator, the matching rules around it, and what is rejected.

Examples follow the EventBridge user guide (eb-event-patterns, content filtering, arrays, null
values); the conformance corpus covers the AWS-checked edge cases separately.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from localcloud.routing import (
    EventPattern,
    InvalidEventPatternError,
    RoutingError,
    compile_event_pattern,
)

EC2_EVENT: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"},
}


def matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    return compile_event_pattern(pattern).matches(event)


def detail(**fields: Any) -> dict[str, Any]:
    return {"source": "test", "detail": fields}


# -- structure ---------------------------------------------------------------------------------


def test_fields_and_together_values_or_together() -> None:
    pattern = {"source": ["aws.ec2"], "detail": {"state": ["running", "terminated"]}}
    assert matches(pattern, EC2_EVENT)
    assert not matches({**pattern, "source": ["aws.s3"]}, EC2_EVENT)
    assert not matches({"detail": {"state": ["running", "pending"]}}, EC2_EVENT)


def test_pattern_accepts_json_text() -> None:
    pattern = compile_event_pattern('{"source": ["aws.ec2"]}')
    assert isinstance(pattern, EventPattern)
    assert pattern.matches(EC2_EVENT)


def test_field_missing_from_event_fails_the_match() -> None:
    assert not matches({"detail": {"missing": ["x"]}}, EC2_EVENT)


def test_event_array_matches_when_any_element_matches() -> None:
    pattern = {"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}
    event = {**EC2_EVENT, "resources": ["arn:other", *EC2_EVENT["resources"]]}
    assert matches(pattern, event)
    assert not matches(pattern, {**EC2_EVENT, "resources": ["arn:other"]})


def test_objects_inside_event_arrays_are_matched_element_by_element() -> None:
    pattern = {"detail": {"items": {"sku": ["B"], "qty": [2]}}}
    assert matches(pattern, detail(items=[{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]))
    # Both conditions must hold on the same element of the array.
    assert not matches(pattern, detail(items=[{"sku": "B", "qty": 1}, {"sku": "A", "qty": 2}]))


def test_dotted_keys_address_nested_fields_both_ways() -> None:
    assert matches({"detail.state": ["terminated"]}, EC2_EVENT)
    assert matches({"detail": {"a": {"b": ["x"]}}}, detail(**{"a.b": "x"}))


def test_keys_are_case_sensitive() -> None:
    assert not matches({"Source": ["aws.ec2"]}, EC2_EVENT)


def test_empty_pattern_matches_every_event() -> None:
    assert matches({}, EC2_EVENT)


def test_non_object_event_never_matches() -> None:
    assert not compile_event_pattern({"source": ["x"]}).matches(["x"])  # type: ignore[arg-type]


# -- exact values ------------------------------------------------------------------------------


def test_strings_match_exactly_without_normalisation() -> None:
    assert matches({"detail": {"state": ["terminated"]}}, EC2_EVENT)
    assert not matches({"detail": {"state": ["Terminated"]}}, EC2_EVENT)
    assert not matches({"detail": {"state": ["terminated "]}}, EC2_EVENT)


def test_numbers_compare_by_value() -> None:
    assert matches({"detail": {"n": [5]}}, detail(n=5.0))
    assert matches({"detail": {"n": [300.0]}}, detail(n=300))
    assert not matches({"detail": {"n": [5]}}, detail(n="5"))
    assert not matches({"detail": {"n": ["5"]}}, detail(n=5))


def test_booleans_are_not_numbers() -> None:
    assert matches({"detail": {"flag": [True]}}, detail(flag=True))
    assert not matches({"detail": {"flag": [1]}}, detail(flag=True))
    assert not matches({"detail": {"flag": [False]}}, detail(flag=0))


def test_null_matches_json_null_only() -> None:
    pattern = {"detail": {"responseElements": [None]}}
    assert matches(pattern, detail(responseElements=None))
    assert not matches(pattern, detail(responseElements="null"))
    assert not matches(pattern, detail())


def test_empty_string_matches_empty_string() -> None:
    assert matches({"detail": {"eventVersion": [""]}}, detail(eventVersion=""))
    assert not matches({"detail": {"eventVersion": [""]}}, detail(eventVersion="1"))


# -- prefix, suffix, equals-ignore-case, wildcard -----------------------------------------------


def test_prefix() -> None:
    assert matches({"time": [{"prefix": "2017-12-22"}]}, EC2_EVENT)
    assert not matches({"time": [{"prefix": "2017-12-23"}]}, EC2_EVENT)
    assert not matches({"detail": {"n": [{"prefix": "1"}]}}, detail(n=12))


def test_prefix_ignoring_case() -> None:
    pattern = {"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}}
    assert matches(pattern, detail(service="eventbridge"))
    assert matches(pattern, detail(service="EVENTBRIDGE"))
    assert not matches(pattern, detail(service="sns"))


def test_suffix_and_suffix_ignoring_case() -> None:
    assert matches({"FileName": [{"suffix": ".png"}]}, {"FileName": "image.png"})
    assert not matches({"FileName": [{"suffix": ".png"}]}, {"FileName": "image.PNG"})
    pattern = {"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]}
    assert matches(pattern, {"FileName": "image.PNG"})
    assert not matches(pattern, {"FileName": "image.jpg"})


def test_equals_ignore_case() -> None:
    pattern = {"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}
    assert matches(pattern, EC2_EVENT)
    assert not matches({"detail-type": [{"equals-ignore-case": "other"}]}, EC2_EVENT)


@pytest.mark.parametrize(
    ("wildcard", "value", "expected"),
    [
        ("dir/*.png", "dir/image.png", True),
        ("dir/*.png", "dir/sub/image.png", True),
        ("dir/*.png", "other/image.png", False),
        ("*", "", True),
        ("", "", True),
        ("", "x", False),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "aXXcYYb", False),
        (r"file\*.txt", "file*.txt", True),
        (r"file\*.txt", "fileX.txt", False),
        ("a.b", "aXb", False),
    ],
)
def test_wildcard(wildcard: str, value: str, expected: bool) -> None:
    assert matches({"detail": {"v": [{"wildcard": wildcard}]}}, detail(v=value)) is expected


def test_wildcard_does_not_match_numbers() -> None:
    assert not matches({"detail": {"v": [{"wildcard": "*"}]}}, detail(v=12))


# -- anything-but ------------------------------------------------------------------------------


def test_anything_but_value_and_list() -> None:
    assert matches({"detail": {"state": [{"anything-but": "initializing"}]}}, EC2_EVENT)
    assert not matches({"detail": {"state": [{"anything-but": "terminated"}]}}, EC2_EVENT)
    listed = {"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}
    assert not matches(listed, EC2_EVENT)
    assert matches({"detail": {"x": [{"anything-but": [100, 200]}]}}, detail(x=300))
    assert not matches({"detail": {"x": [{"anything-but": [100, 200]}]}}, detail(x=200.0))


def test_anything_but_never_matches_a_missing_field_but_matches_null() -> None:
    pattern = {"detail": {"state": [{"anything-but": "initializing"}]}}
    assert not matches(pattern, detail())
    assert matches(pattern, detail(state=None))


def test_anything_but_prefix_suffix_ignore_case_wildcard() -> None:
    assert not matches({"detail": {"r": [{"anything-but": {"prefix": "us-"}}]}}, detail(r="us-1"))
    assert matches({"detail": {"r": [{"anything-but": {"prefix": "us-"}}]}}, detail(r="eu-1"))
    two_prefixes = {"detail": {"r": [{"anything-but": {"prefix": ["us-", "eu-"]}}]}}
    assert not matches(two_prefixes, detail(r="eu-1"))
    assert matches({"detail": {"f": [{"anything-but": {"suffix": ".png"}}]}}, detail(f="a.jpg"))
    assert not matches({"detail": {"f": [{"anything-but": {"suffix": ".png"}}]}}, detail(f="a.png"))
    ignore_case = {"detail": {"s": [{"anything-but": {"equals-ignore-case": ["a", "b"]}}]}}
    assert not matches(ignore_case, detail(s="B"))
    assert matches(ignore_case, detail(s="c"))
    wildcard = {"detail": {"p": [{"anything-but": {"wildcard": "*/lib/*"}}]}}
    assert not matches(wildcard, detail(p="/usr/lib/x"))
    assert matches(wildcard, detail(p="/usr/bin/x"))


def test_anything_but_string_operators_accept_non_strings() -> None:
    assert matches({"detail": {"s": [{"anything-but": {"prefix": "in"}}]}}, detail(s=12))


# -- numeric -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        (["=", 5], 5, True),
        (["=", 5], 5.0, True),
        (["=", 301.8], 301.8, True),
        (["=", 5], 6, False),
        (["<", 10], 9.99, True),
        (["<", 10], 10, False),
        (["<=", 10], 10, True),
        ([">", 0, "<=", 5], 5, True),
        ([">", 0, "<=", 5], 0, False),
        ([">=", 0, "<", 5], 0, True),
        ([">=", 0, "<", 5], 5, False),
        (["<", 5, ">", 0], 3, True),
        ([">", 100], 101.0, True),
        ([">", 100], "300", False),
        ([">", 100], None, False),
        ([">", 0], True, False),
    ],
)
def test_numeric(condition: list[Any], value: Any, expected: bool) -> None:
    assert matches({"detail": {"n": [{"numeric": condition}]}}, detail(n=value)) is expected


# -- cidr --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "address", "expected"),
    [
        ("10.0.0.0/24", "10.0.0.255", True),
        ("10.0.0.0/24", "10.0.1.0", False),
        ("10.0.0.0/24", "10.0.0.256", False),
        ("10.0.0.0/24", "not an ip", False),
        ("2001:db8:1234:1a00::/64", "2001:0db8:1234:1a00:0000:0000:0000:0001", True),
        ("2001:db8:1234:1a00::/64", "2001:db8:1234:1a01::1", False),
        ("2001:db8::/32", "10.0.0.1", False),
        ("10.0.0.1", "10.0.0.1", True),
    ],
)
def test_cidr(cidr: str, address: str, expected: bool) -> None:
    pattern = {"detail": {"sourceIPAddress": [{"cidr": cidr}]}}
    assert matches(pattern, detail(sourceIPAddress=address)) is expected


def test_cidr_ignores_non_string_values() -> None:
    assert not matches({"detail": {"ip": [{"cidr": "10.0.0.0/8"}]}}, detail(ip=10))


# -- exists ------------------------------------------------------------------------------------


def test_exists_true_needs_a_leaf_value() -> None:
    pattern = {"detail": {"state": [{"exists": True}]}}
    assert matches(pattern, EC2_EVENT)
    assert matches(pattern, detail(state=None))
    assert not matches(pattern, detail())
    assert not matches(pattern, detail(state={"nested": "object"}))
    assert not matches(pattern, detail(state=[]))


def test_exists_false_matches_absent_fields_only() -> None:
    pattern = {"detail": {"deleted": [{"exists": False}]}}
    assert matches(pattern, EC2_EVENT)
    assert not matches(pattern, detail(deleted="yes"))
    assert matches({"detail": {"a": {"b": [{"exists": False}]}}}, detail(a="leaf"))


def test_values_of_one_field_are_alternatives() -> None:
    pattern = {"detail": {"s": [{"anything-but": ["roses"]}, {"exists": False}]}}
    assert matches(pattern, detail(s="tulips"))
    assert matches(pattern, detail())
    assert not matches(pattern, detail(s="roses"))


# -- $or ---------------------------------------------------------------------------------------


def test_or_matches_when_any_branch_matches() -> None:
    pattern = {
        "source": ["aws.ec2"],
        "$or": [{"detail-type": ["nope"]}, {"detail": {"state": ["terminated"]}}],
    }
    assert matches(pattern, EC2_EVENT)
    assert not matches({**pattern, "source": ["aws.s3"]}, EC2_EVENT)


def test_or_inside_a_nested_object_and_nested_or() -> None:
    pattern = {
        "detail": {
            "$or": [
                {"c-count": [{"numeric": [">", 0, "<=", 5]}]},
                {"$or": [{"d-count": [{"numeric": ["<", 10]}]}, {"x-limit": [301.8]}]},
            ]
        }
    }
    assert matches(pattern, detail(**{"c-count": 0, "d-count": 0}))
    assert matches(pattern, detail(**{"c-count": 0, "d-count": 10, "x-limit": 301.8}))
    assert not matches(pattern, detail(**{"c-count": 0, "d-count": 10, "x-limit": 1}))


# -- invalid patterns --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ({"source": "aws.ec2"}, "'source' must be an object or an array"),
        ({"source": 42}, "'source' must be an object or an array"),
        ({"detail": {"state": []}}, '"detail.state": Empty arrays are not allowed'),
        ({"source": [["x"]]}, "Match value must be String, number, true, false, or null"),
        ({"source": [{"EXISTS": True}]}, "Unrecognized match type EXISTS"),
        ({"source": [{"prefix": "a", "suffix": "b"}]}, "one operator"),
        ({"source": [{}]}, "one operator"),
        ({"source": [{"exists": "yes"}]}, "exists match pattern must be either true or false"),
        ({"source": [{"prefix": 1}]}, "prefix match pattern must be a string"),
        ({"source": [{"prefix": ["a"]}]}, "prefix match pattern must be a string"),
        ({"source": [{"suffix": {"equals": "a"}}]}, "suffix match pattern must be a string"),
        ({"source": [{"equals-ignore-case": ["a"]}]}, "equals-ignore-case match pattern"),
        ({"source": [{"wildcard": "a**b"}]}, "Consecutive wildcard characters at pos 2"),
        ({"source": [{"wildcard": "a\\b"}]}, "Invalid escape character at pos 1"),
        ({"source": [{"wildcard": "*a*b*c*d*e*"}]}, "Rule is too complex"),
        ({"source": [{"anything-but": None}]}, "Value of anything-but must be"),
        ({"source": [{"anything-but": True}]}, "Value of anything-but must be"),
        ({"source": [{"anything-but": ["a", None]}]}, "Inside anything but list"),
        ({"source": [{"anything-but": []}]}, "Empty arrays are not allowed"),
        ({"source": [{"anything-but": {"prefix": ""}}]}, "Null prefix not allowed"),
        ({"source": [{"anything-but": {"numeric": [">", 1]}}]}, "anything-but takes one of"),
        ({"source": [{"anything-but": {"prefix": {"equals-ignore-case": "a"}}}]}, "prefix"),
        ({"source": [{"numeric": 10}]}, "Value of numeric must be a non-empty array"),
        ({"source": [{"numeric": [">", 0, "<"]}]}, "operator/value pairs"),
        ({"source": [{"numeric": [">", 0, ">", 1]}]}, "more than one lower bound"),
        ({"source": [{"numeric": ["<", 0, "<=", 1]}]}, "more than one upper bound"),
        ({"source": [{"numeric": [">", 5, "<", 5]}]}, "Bottom must be less than top"),
        ({"source": [{"numeric": ["=", 5, "<", 6]}]}, "'=' cannot be combined"),
        ({"source": [{"numeric": ["==", 5]}]}, "Unrecognized numeric range operator"),
        ({"source": [{"numeric": [">", "5"]}]}, "Value of > must be numeric"),
        ({"source": [{"cidr": "bad-filter"}]}, "Nonstandard IP address"),
        ({"source": [{"cidr": ["10.0.0.0/8"]}]}, "cidr match pattern must be a string"),
        ({"$or": [{"source": ["a"]}]}, "Or relationship must have at least 2 items"),
        ({"$or": {"source": ["a"]}}, "$or must be an array of objects"),
        ({"$or": [{"source": ["a"]}, {}]}, "Empty objects are not allowed in $or"),
    ],
)
def test_invalid_patterns_are_rejected_with_the_field_and_reason(
    pattern: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidEventPatternError) as raised:
        compile_event_pattern(pattern)
    assert str(raised.value).startswith("Event pattern is not valid. Reason: ")
    assert message in str(raised.value)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"source"', "null"])
def test_pattern_text_must_be_a_json_object(text: str) -> None:
    with pytest.raises(InvalidEventPatternError, match="Event pattern"):
        compile_event_pattern(text)


def test_pattern_errors_are_routing_errors() -> None:
    with pytest.raises(RoutingError):
        compile_event_pattern({"source": "x"})


# -- compiled patterns -------------------------------------------------------------------------


def test_compiled_pattern_is_reusable_across_threads() -> None:
    pattern = compile_event_pattern(
        {"detail": {"n": [{"numeric": [">=", 0, "<", 50]}], "tag": [{"prefix": "t"}]}}
    )
    results: list[bool] = []
    lock = threading.Lock()

    def work(offset: int) -> None:
        local = [pattern.matches(detail(n=offset + i, tag="tx")) for i in range(100)]
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in (0, 25, 50, 75)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = sum(1 for offset in (0, 25, 50, 75) for i in range(100) if offset + i < 50)
    assert results.count(True) == expected
    assert len(results) == 400


def test_compiling_does_not_keep_a_reference_to_the_callers_pattern() -> None:
    source: dict[str, Any] = {"source": ["aws.ec2"]}
    pattern = compile_event_pattern(source)
    source["source"] = ["aws.s3"]
    assert pattern.matches(EC2_EVENT)
