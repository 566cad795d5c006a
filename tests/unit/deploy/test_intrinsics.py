"""Resolving intrinsic functions, conditions, parameters and pseudo parameters, without AWS."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from localcloud.deploy import TemplateError
from localcloud.deploy.intrinsics import (
    Resolver,
    pseudo_parameters,
    references,
    resolve_parameters,
)

RESOURCES = {
    ("Queue", None): "https://queue/url",
    ("Queue", "Arn"): "arn:aws:sqs:eu-west-1:111122223333:stack-Queue",
    ("Queue", "QueueName"): "stack-Queue",
}


def _lookup(logical_id: str, attribute: str | None) -> Any:
    if (logical_id, attribute) not in RESOURCES:
        raise TemplateError(f"no {logical_id}.{attribute}")
    return RESOURCES[(logical_id, attribute)]


def _resolver(**parameters: Any) -> Resolver:
    return Resolver(
        parameters={"Env": "dev", "Names": ["a", "b", "c"], **parameters},
        pseudo=pseudo_parameters("eu-west-1", "111122223333", "stack"),
        mappings={"Sizes": {"dev": {"Memory": 128}, "prod": {"Memory": 1024}}},
        conditions={
            "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
            "IsProd": {"Fn::Not": [{"Condition": "IsDev"}]},
            "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["x", "x"]}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]},
        },
        lookup=_lookup,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Env"}, "dev"),
        ({"Ref": "Queue"}, "https://queue/url"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Ref": "AWS::AccountId"}, "111122223333"),
        ({"Ref": "AWS::StackName"}, "stack"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, RESOURCES[("Queue", "Arn")]),
        ({"Fn::GetAtt": "Queue.QueueName"}, "stack-Queue"),
        ({"Fn::Sub": "${AWS::StackName}-${Env}-${Queue.QueueName}"}, "stack-dev-stack-Queue"),
        ({"Fn::Sub": "${Queue}"}, "https://queue/url"),
        ({"Fn::Sub": "${!Literal}-${Env}"}, "${Literal}-dev"),
        ({"Fn::Sub": ["${a}/${Env}", {"a": {"Ref": "AWS::Region"}}]}, "eu-west-1/dev"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}, "a-dev-3"),
        ({"Fn::Join": [",", {"Ref": "Names"}]}, "a,b,c"),
        ({"Fn::Select": [1, {"Ref": "Names"}]}, "b"),
        ({"Fn::Select": ["2", ["x", "y", "z"]]}, "z"),
        ({"Fn::Split": ["|", "a|b"]}, ["a", "b"]),
        ({"Fn::Select": [0, {"Fn::Split": [":", {"Fn::GetAtt": ["Queue", "Arn"]}]}]}, "arn"),
        ({"Fn::If": ["IsDev", "small", "large"]}, "small"),
        ({"Fn::If": ["IsProd", "small", "large"]}, "large"),
        ({"Fn::Equals": ["1", 1]}, True),
        ({"Fn::Not": [{"Fn::Equals": ["a", "b"]}]}, True),
        ({"Fn::And": [{"Condition": "IsDev"}, {"Condition": "IsProd"}]}, False),
        ({"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "Both"}]}, True),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]}, 128),
        ({"Fn::FindInMap": ["Sizes", "qa", "Memory", {"DefaultValue": 256}]}, 256),
        ({"Fn::GetAZs": ""}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::GetAZs": {"Ref": "AWS::Region"}}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::Base64": "hi"}, base64.b64encode(b"hi").decode()),
        ({"Fn::ToJsonString": {"a": [1]}}, '{"a":[1]}'),
        ({"Fn::Length": [1, 2]}, 2),
    ],
)
def test_each_intrinsic_resolves(value: Any, expected: Any) -> None:
    assert _resolver().resolve(value, "Thing") == expected


def test_no_value_drops_properties_and_list_items() -> None:
    value = {
        "Keep": 1,
        "Drop": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]},
        "List": ["a", {"Ref": "AWS::NoValue"}, "b"],
    }
    assert _resolver().resolve(value, "Thing") == {"Keep": 1, "List": ["a", "b"]}


def test_conditions_evaluate_and_cache() -> None:
    resolver = _resolver()
    assert resolver.condition("IsDev") is True
    assert resolver.condition("IsProd") is False
    assert resolver.condition("Either") is True


def test_undeclared_condition_names_the_resource() -> None:
    with pytest.raises(TemplateError, match=r"resource 'Thing' uses condition 'Nope'"):
        _resolver().resolve({"Fn::If": ["Nope", 1, 2]}, "Thing")


def test_unsupported_intrinsic_names_resource_and_function() -> None:
    with pytest.raises(TemplateError, match=r"resource 'Thing' uses .*'Fn::Cidr'"):
        _resolver().resolve({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, "Thing")


def test_find_in_map_miss_names_the_keys() -> None:
    with pytest.raises(TemplateError, match=r"Fn::FindInMap found no Sizes/qa/Memory"):
        _resolver().resolve({"Fn::FindInMap": ["Sizes", "qa", "Memory"]}, "Thing")


def test_select_out_of_range_is_a_template_error() -> None:
    with pytest.raises(TemplateError, match=r"Fn::Select index '5' is not valid for a list of 3"):
        _resolver().resolve({"Fn::Select": [5, {"Ref": "Names"}]}, "Thing")


def test_sub_of_a_list_says_to_use_join() -> None:
    with pytest.raises(TemplateError, match=r"\$\{Names\} is a list; use Fn::Join"):
        _resolver().resolve({"Fn::Sub": "${Names}"}, "Thing")


def test_references_cover_ref_getatt_and_sub() -> None:
    value = {
        "A": {"Ref": "Queue"},
        "B": {"Fn::GetAtt": ["Topic", "TopicName"]},
        "C": {"Fn::Sub": "${Bucket.Arn}/${Env}/${!Skip}/${local}"},
        "D": {"Fn::Sub": ["${local}", {"local": {"Ref": "Table"}}]},
    }
    assert sorted(references(value, "Thing"), key=str) == sorted(
        [
            ("Queue", None),
            ("Topic", "TopicName"),
            ("Bucket", "Arn"),
            ("Env", None),
            ("local", None),
            ("Table", None),
        ],
        key=str,
    )


def test_references_reject_unsupported_intrinsics() -> None:
    with pytest.raises(TemplateError, match=r"resource 'Thing' uses the intrinsic function"):
        list(references({"X": {"Fn::ImportValue": "y"}}, "Thing"))


def test_parameters_take_defaults_and_overrides() -> None:
    definitions = {
        "Name": {"Type": "String", "Default": "a"},
        "Size": {"Type": "Number", "Default": 3},
        "Zones": {"Type": "CommaDelimitedList", "Default": "x, y"},
        "Tier": {"Type": "String", "AllowedValues": ["dev", "prod"]},
    }
    values = resolve_parameters(definitions, {"Tier": "prod", "Name": "b"})
    assert values == {"Name": "b", "Size": "3", "Zones": ["x", "y"], "Tier": "prod"}


def test_parameter_without_default_or_value_says_how_to_pass_it() -> None:
    with pytest.raises(TemplateError, match=r"parameter 'Tier' has no Default .* Tier=VALUE"):
        resolve_parameters({"Tier": {"Type": "String"}}, None)


def test_unknown_parameter_override_is_rejected() -> None:
    with pytest.raises(
        TemplateError, match=r"override\(s\) Typo are not declared in the template; declared: Name"
    ):
        resolve_parameters({"Name": {"Default": "a"}}, {"Typo": "x"})


def test_parameter_outside_allowed_values_is_rejected() -> None:
    with pytest.raises(TemplateError, match=r"parameter 'Tier' is 'qa', expected one of dev, prod"):
        resolve_parameters({"Tier": {"AllowedValues": ["dev", "prod"]}}, {"Tier": "qa"})


def test_pseudo_parameters_follow_the_partition() -> None:
    china = pseudo_parameters("cn-north-1", "1", "s")
    assert (china["AWS::Partition"], china["AWS::URLSuffix"]) == ("aws-cn", "amazonaws.com.cn")
    assert pseudo_parameters("us-gov-west-1", "1", "s")["AWS::Partition"] == "aws-us-gov"
