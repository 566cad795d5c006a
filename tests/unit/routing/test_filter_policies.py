"""SNS subscription filter policies, in MessageAttributes and MessageBody scope.

The message and policies follow the SNS developer guide's filter-policy examples (an order event
from example_corp with String, String.Array and Number attributes).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.routing import FilterPolicy, InvalidFilterPolicyError, compile_filter_policy
from localcloud.routing.errors import FilterPolicyInternalError

ATTRIBUTES: dict[str, Any] = {
    "store": {"DataType": "String", "StringValue": "example_corp"},
    "event": {"DataType": "String", "StringValue": "order_placed"},
    "customer_interests": {
        "DataType": "String.Array",
        "StringValue": json.dumps(["soccer", "rugby", "hockey"]),
    },
    "price_usd": {"DataType": "Number", "StringValue": "210.75"},
    "source_ip": {"DataType": "String", "StringValue": "10.0.0.12"},
}
BODY = json.dumps(
    {
        "store": "example_corp",
        "event": "order_placed",
        "customer_interests": ["soccer", "rugby", "hockey"],
        "price_usd": 210.75,
        "order": {"lines": [{"sku": "A1", "qty": 1}, {"sku": "B2", "qty": 3}]},
    }
)


def by_attributes(policy: dict[str, Any], attributes: dict[str, Any] | None = None) -> bool:
    chosen = ATTRIBUTES if attributes is None else attributes
    return compile_filter_policy(policy).matches(chosen, "irrelevant body")


def by_body(policy: dict[str, Any], body: str = BODY) -> bool:
    return compile_filter_policy(policy, scope="MessageBody").matches(None, body)


def string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def number(value: str) -> dict[str, str]:
    return {"DataType": "Number", "StringValue": value}


# -- attribute scope ---------------------------------------------------------------------------


def test_documented_policy_matches_the_documented_message() -> None:
    policy = {
        "store": ["example_corp"],
        "event": [{"anything-but": "order_cancelled"}],
        "customer_interests": ["rugby", "football", "baseball"],
        "price_usd": [{"numeric": [">=", 100]}],
    }
    assert by_attributes(policy)
    assert not by_attributes({**policy, "price_usd": [{"numeric": ["<", 100]}]})


def test_empty_policy_matches_everything() -> None:
    assert compile_filter_policy({}).matches(None, "")
    assert compile_filter_policy("{}", scope="MessageBody").matches(None, "not json")


def test_all_keys_must_match_and_any_value_may() -> None:
    assert by_attributes({"store": ["other", "example_corp"], "event": ["order_placed"]})
    assert not by_attributes({"store": ["example_corp"], "event": ["order_cancelled"]})


def test_missing_attribute_fails_unless_exists_false() -> None:
    assert not by_attributes({"coupon": ["SAVE10"]})
    assert not by_attributes({"coupon": [{"anything-but": "SAVE10"}]})
    assert by_attributes({"coupon": [{"exists": False}]})
    assert not by_attributes({"store": [{"exists": False}]})
    assert by_attributes({"store": [{"exists": True}]})


def test_no_attributes_at_all() -> None:
    policy = compile_filter_policy({"store": ["example_corp"]})
    assert not policy.matches(None, "body")
    assert not policy.matches({}, "body")
    assert compile_filter_policy({"store": [{"exists": False}]}).matches(None, "body")


def test_string_operators_on_string_attributes() -> None:
    assert by_attributes({"store": [{"prefix": "example_"}]})
    assert by_attributes({"store": [{"suffix": "_corp"}]})
    assert by_attributes({"store": [{"equals-ignore-case": "EXAMPLE_CORP"}]})
    assert not by_attributes({"store": [{"prefix": "corp"}]})
    assert by_attributes({"event": [{"anything-but": ["order_cancelled", "order_failed"]}]})
    assert not by_attributes({"event": [{"anything-but": {"prefix": "order_"}}]})
    assert by_attributes({"event": [{"anything-but": {"suffix": "_cancelled"}}]})


def test_string_matching_is_case_sensitive() -> None:
    assert not by_attributes({"store": ["Example_Corp"]})


def test_numeric_conditions_match_number_attributes_only() -> None:
    assert by_attributes({"price_usd": [{"numeric": [">", 200, "<=", 210.75]}]})
    assert by_attributes({"price_usd": [210.75]})
    assert by_attributes({"quantity": [5]}, {"quantity": number("5.0")})
    # A numeric condition against a String attribute does not match, nor a string against a Number.
    assert not by_attributes({"code": [{"numeric": ["=", 5]}]}, {"code": string("5")})
    assert not by_attributes({"code": [5]}, {"code": string("5")})
    assert not by_attributes({"price_usd": ["210.75"]})


def test_anything_but_numbers_on_number_attributes() -> None:
    assert by_attributes({"price_usd": [{"anything-but": [100, 200]}]})
    assert not by_attributes({"price_usd": [{"anything-but": 210.75}]})


def test_string_array_attribute_matches_when_any_element_matches() -> None:
    assert by_attributes({"customer_interests": ["rugby"]})
    assert by_attributes({"customer_interests": [{"prefix": "hock"}]})
    assert not by_attributes({"customer_interests": ["tennis"]})
    numbers = {"lucky": {"DataType": "String.Array", "StringValue": "[7, 13, true]"}}
    assert by_attributes({"lucky": [{"numeric": [">", 10]}]}, numbers)
    assert by_attributes({"lucky": [True]}, numbers)


def test_binary_attributes_take_no_part_in_filtering() -> None:
    binary = {"blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}
    assert not by_attributes({"blob": [{"exists": True}]}, binary)
    assert not by_attributes({"blob": [{"prefix": ""}]}, binary)


def test_cidr_on_string_attributes() -> None:
    assert by_attributes({"source_ip": [{"cidr": "10.0.0.0/24"}]})
    assert not by_attributes({"source_ip": [{"cidr": "10.0.1.0/24"}]})


def test_or_across_attributes() -> None:
    policy = {"$or": [{"store": ["nope"]}, {"price_usd": [{"numeric": [">", 100]}]}]}
    assert by_attributes(policy)
    assert not by_attributes({"$or": [{"store": ["nope"]}, {"event": ["nope"]}]})


def test_notification_shaped_attributes_are_understood() -> None:
    notification = {
        "store": {"Type": "String", "Value": "example_corp"},
        "price_usd": {"Type": "Number", "Value": "99"},
    }
    assert by_attributes(
        {"store": ["example_corp"], "price_usd": [{"numeric": ["<", 100]}]}, notification
    )


def test_custom_type_suffixes_keep_their_base_type() -> None:
    custom = {"n": {"DataType": "Number.float", "StringValue": "1.5"}}
    assert by_attributes({"n": [{"numeric": ["=", 1.5]}]}, custom)


def test_attribute_scope_rejects_nested_policies() -> None:
    with pytest.raises(InvalidFilterPolicyError) as raised:
        compile_filter_policy({"store": {"name": ["example_corp"]}})
    assert str(raised.value) == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested "
        "filter policy"
    )


# -- body scope --------------------------------------------------------------------------------


def test_body_scope_matches_top_level_and_nested_keys() -> None:
    assert by_body({"store": ["example_corp"], "price_usd": [{"numeric": [">", 200]}]})
    assert by_body({"order": {"lines": {"sku": ["B2"]}}})
    assert not by_body({"order": {"lines": {"sku": ["C3"]}}})


def test_body_scope_matches_objects_inside_arrays_element_by_element() -> None:
    assert by_body({"order": {"lines": {"sku": ["B2"], "qty": [3]}}})
    assert not by_body({"order": {"lines": {"sku": ["B2"], "qty": [1]}}})


def test_body_scope_array_values_match_any_element() -> None:
    assert by_body({"customer_interests": ["hockey"]})


def test_body_scope_never_matches_a_body_that_is_not_a_json_object() -> None:
    policy = {"store": [{"exists": False}]}
    assert not by_body(policy, "plain text")
    assert not by_body(policy, "[1, 2]")
    assert not compile_filter_policy(policy, "MessageBody").matches(ATTRIBUTES, "")


def test_body_scope_ignores_message_attributes() -> None:
    policy = compile_filter_policy({"store": ["example_corp"]}, scope="MessageBody")
    assert not policy.matches(ATTRIBUTES, json.dumps({"store": "other"}))


def test_policy_exposes_its_scope() -> None:
    policy = compile_filter_policy('{"a": ["b"]}', scope="MessageBody")
    assert isinstance(policy, FilterPolicy)
    assert policy.scope == "MessageBody"


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"store": "example_corp"}, "'store' must be an object or an array"),
        ({"store": []}, "Empty arrays are not allowed"),
        ({"store": [{"wildcard": "*"}]}, "Unrecognized match type wildcard"),
        ({"store": [{"anything-but": {"wildcard": "*"}}]}, "anything-but takes one of"),
        ({"price": [{"numeric": [">", 2e9]}]}, "outside [-1.0E9, 1.0E9]"),
        ({"a": [{"exists": 1}]}, "exists match pattern must be either true or false"),
        ({"$or": [{"a": ["x"]}]}, "Or relationship must have at least 2 items"),
    ],
)
def test_invalid_policies_are_rejected_in_sns_wording(policy: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidFilterPolicyError) as raised:
        compile_filter_policy(policy)
    assert str(raised.value).startswith("Invalid parameter: FilterPolicy: ")
    assert message in str(raised.value)


@pytest.mark.parametrize("text", ["not json", "[]", "42"])
def test_policy_text_must_be_a_json_object(text: str) -> None:
    with pytest.raises(InvalidFilterPolicyError, match="Invalid parameter: FilterPolicy: "):
        compile_filter_policy(text)


def test_more_than_150_value_combinations_is_too_complex() -> None:
    five = [f"v{i}" for i in range(5)]
    at_limit = {"a": five, "b": five, "c": [*five, "v5"]}  # 5 * 5 * 6 = 150
    assert compile_filter_policy(at_limit).matches({"a": string("v0")}, "") is False
    over_limit = {"a": five, "b": five, "c": [*five, "v5", "v6"]}  # 5 * 5 * 7 = 175
    with pytest.raises(InvalidFilterPolicyError) as caught:
        compile_filter_policy(over_limit)
    # AWS's text, word for word
    assert str(caught.value) == "Invalid parameter: FilterPolicy: Filter policy is too complex"


def test_or_branches_add_to_the_combinations() -> None:
    ten = [str(i) for i in range(10)]
    seven = ten[:7]
    compile_filter_policy({"a": ten, "$or": [{"b": seven}, {"c": seven}]})  # 10 * 14 = 140
    policy = {"a": ten, "$or": [{"b": ten}, {"c": seven}]}  # 10 * (10 + 7) = 170
    with pytest.raises(InvalidFilterPolicyError, match="too complex"):
        compile_filter_policy(policy)


def test_more_than_five_keys_is_rejected() -> None:
    six = {f"k{i}": ["v"] for i in range(6)}
    with pytest.raises(InvalidFilterPolicyError) as caught:
        compile_filter_policy(six)
    assert str(caught.value) == (
        "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
    )
    five_keys = compile_filter_policy({f"k{i}": ["v"] for i in range(5)})
    assert five_keys.matches({f"k{i}": string("v") for i in range(5)}, "")


def test_unknown_scope_is_rejected() -> None:
    with pytest.raises(InvalidFilterPolicyError, match="FilterPolicyScope"):
        compile_filter_policy({}, scope="Headers")


def test_already_decoded_attribute_values_are_accepted() -> None:
    decoded = {
        "price": {"Type": "Number", "Value": 12.5},
        "tags": {"Type": "String.Array", "Value": ["red", "blue"]},
    }
    assert by_attributes({"price": [{"numeric": [">", 12]}], "tags": ["blue"]}, decoded)


def test_malformed_attribute_values_are_treated_as_absent() -> None:
    broken = {"price": number("twelve"), "tags": {"DataType": "String.Array", "StringValue": "[x"}}
    assert not by_attributes({"price": [{"numeric": [">", 0]}]}, broken)
    assert by_attributes({"price": [{"exists": False}]}, broken)
    # An unparseable String.Array is still its text.
    assert by_attributes({"tags": ["[x"]}, broken)


@pytest.mark.parametrize(
    ("policy_value", "published", "matches"),
    [
        # SNS compares numbers to six decimal places (AWS: 100.123456789 matches 100.1234567)
        (100.123456789, "100.1234567", True),
        (100.1, "100.1", True),
        (100, "100.0000001", True),
        (100, "100.00001", False),
        (-5.5, "-5.5000001", True),
    ],
)
def test_numbers_match_at_six_decimal_places(
    policy_value: float, published: str, matches: bool
) -> None:
    attributes = {"n": {"DataType": "Number", "StringValue": published}}
    body = json.dumps({"n": float(published)})

    assert by_attributes({"n": [policy_value]}, attributes) is matches
    assert by_attributes({"n": [{"numeric": ["=", policy_value]}]}, attributes) is matches
    assert by_body({"n": [policy_value]}, body) is matches
    assert by_attributes({"n": [{"anything-but": [policy_value]}]}, attributes) is not matches


def test_string_arrays_match_numbers_at_six_decimal_places() -> None:
    attributes = {"n": {"DataType": "String.Array", "StringValue": json.dumps([100.1234567, 50])}}

    assert by_attributes({"n": [100.123456789, 500]}, attributes)
    assert not by_attributes({"n": [100.12, 500]}, attributes)


def test_numeric_ranges_compare_at_six_decimal_places() -> None:
    def price(text: str) -> dict[str, Any]:
        return {"p": {"DataType": "Number", "StringValue": text}}

    policy = {"p": [{"numeric": [">", 10, "<=", 20]}]}

    assert not by_attributes(policy, price("10.0000001"))  # equal to 10 at that precision
    assert by_attributes(policy, price("10.000001"))
    assert by_attributes(policy, price("20.0000004"))
    assert not by_attributes(policy, price("20.000001"))


def test_a_string_array_holding_one_json_value_matches_as_that_value() -> None:
    one_number = {"price": {"DataType": "String.Array", "StringValue": "100"}}
    one_string = {"price": {"DataType": "String.Array", "StringValue": '"cheap"'}}

    assert by_attributes({"price": [100, 500]}, one_number)
    assert by_attributes({"price": ["cheap"]}, one_string)
    assert by_attributes({"price": ["not json"]}, string_array_raw("not json"))


def string_array_raw(text: str) -> dict[str, Any]:
    return {"price": {"DataType": "String.Array", "StringValue": text}}


@pytest.mark.parametrize(
    ("numeric", "reason"),
    [
        (["<", "100"], "Value of < must be numeric"),
        ([">", 50, "<=", "100"], "Value of <= must be numeric"),
        ([], "Invalid member in numeric match: ]"),
        ([50, "<=", "100"], "Invalid member in numeric match: 50"),
        (["<"], "Value of < must be numeric"),
        (["0"], "Unrecognized numeric range operator: 0"),
        (["<", 20, ">", 1], "Too many elements in numeric expression"),
        ([">", 20, ">", 1], "Bad numeric range operator: >"),
        ([">", 20, "<", 1], "Bottom must be less than top"),
        ([">", 20, "<"], "Value of < must be numeric"),
        (["=", 1, "<", 5], "Too many elements in numeric expression"),
    ],
)
def test_a_malformed_numeric_match_is_refused_where_sns_parses_it(
    numeric: list[Any], reason: str
) -> None:
    with pytest.raises(InvalidFilterPolicyError) as raised:
        compile_filter_policy({"price": [{"numeric": numeric}]})

    # SNS's parser wording: this opening, then the position in the text (elided)
    assert str(raised.value) == (
        f"Invalid parameter: Attributes Reason: FilterPolicy: {reason}\n at ..."
    )


@pytest.mark.parametrize("value", [1_000_000_000, -1_000_000_000, 1e12])
def test_an_exact_number_out_of_snss_range_is_a_server_error(value: float) -> None:
    with pytest.raises(FilterPolicyInternalError) as raised:
        compile_filter_policy({"price": [value]})

    assert (raised.value.aws_code, raised.value.http_status) == ("InternalError", 500)
    compile_filter_policy({"price": [999_999_999.5]})


def test_nested_keys_weigh_by_their_depth_in_the_combinations() -> None:
    # the SNS guide's example: 4 values 3 levels deep, 3 values 2 levels deep: 3x4 x 2x3 = 72
    guide = {"a": {"b": {"c": ["1", "2", "3", "4"]}}, "d": {"e": ["1", "2", "3"]}}
    compile_filter_policy(guide, scope="MessageBody")
    # with three more top-level values: 72 x 3 = 216, over 150
    with pytest.raises(InvalidFilterPolicyError, match="too complex"):
        compile_filter_policy({**guide, "f": ["1", "2", "3"]}, scope="MessageBody")
