"""Dependency ordering over Ref, GetAtt, Sub and DependsOn, and dangling-reference errors."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.deploy import TemplateError
from localcloud.deploy.graph import check_outputs, dependencies, topological_order


def _resource(properties: Any = None, depends_on: Any = None) -> dict[str, Any]:
    resource: dict[str, Any] = {"Type": "AWS::SQS::Queue", "Properties": properties or {}}
    if depends_on is not None:
        resource["DependsOn"] = depends_on
    return resource


def test_order_follows_ref_getatt_sub_and_depends_on() -> None:
    resources = {
        "Subscription": _resource(
            {"TopicArn": {"Ref": "Topic"}, "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]}}
        ),
        "Function": _resource({"Role": {"Fn::Sub": "${Role.Arn}"}}, depends_on="Table"),
        "Role": _resource({"Name": {"Ref": "Env"}}),
        "Queue": _resource(),
        "Topic": _resource(),
        "Table": _resource(),
        "Mapping": _resource(
            {"F": {"Ref": "Function"}, "Q": {"Fn::GetAtt": "Queue.Arn"}}, ["Role"]
        ),
    }
    graph = dependencies(resources, {"Env"})
    assert graph["Function"] == {"Role", "Table"}
    assert graph["Mapping"] == {"Function", "Queue", "Role"}
    order = topological_order(graph)
    assert order == ["Queue", "Role", "Table", "Function", "Mapping", "Topic", "Subscription"]
    for node, needs in graph.items():
        assert all(order.index(need) < order.index(node) for need in needs)


def test_parameters_and_pseudo_parameters_are_not_dependencies() -> None:
    resources = {"Queue": _resource({"N": {"Fn::Sub": "${AWS::StackName}-${Env}"}})}
    assert dependencies(resources, {"Env"}) == {"Queue": set()}


def test_dangling_ref_names_the_ref_and_its_holder() -> None:
    resources = {"Subscription": _resource({"TopicArn": {"Ref": "Topic"}})}
    with pytest.raises(
        TemplateError,
        match=r"resource 'Subscription' refers to 'Topic' \(Ref Topic\), but no resource or "
        r"parameter of that name is declared",
    ):
        dependencies(resources, set())


def test_dangling_getatt_and_sub_are_caught() -> None:
    with pytest.raises(TemplateError, match=r"'Rule' refers to 'Bus' \(Fn::GetAtt Bus.Arn\)"):
        dependencies({"Rule": _resource({"B": {"Fn::GetAtt": ["Bus", "Arn"]}})}, set())
    with pytest.raises(TemplateError, match=r"'Rule' refers to 'Nope' \(Ref Nope\)"):
        dependencies({"Rule": _resource({"B": {"Fn::Sub": "x-${Nope}"}})}, set())


def test_getatt_on_a_parameter_is_dangling() -> None:
    with pytest.raises(TemplateError, match=r"Fn::GetAtt Env.Arn"):
        dependencies({"Q": _resource({"B": {"Fn::GetAtt": ["Env", "Arn"]}})}, {"Env"})


def test_dangling_depends_on_is_caught() -> None:
    with pytest.raises(TemplateError, match=r"resource 'Queue' has DependsOn 'Ghost'"):
        dependencies({"Queue": _resource(depends_on=["Ghost"])}, set())


def test_cycles_are_reported_with_their_members() -> None:
    resources = {
        "A": _resource({"X": {"Ref": "B"}}),
        "B": _resource({"X": {"Fn::GetAtt": ["A", "Arn"]}}),
        "C": _resource(),
    }
    with pytest.raises(TemplateError, match=r"cycle: A -> \['B'\], B -> \['A'\]"):
        topological_order(dependencies(resources, set()))


def test_outputs_with_dangling_refs_are_caught() -> None:
    with pytest.raises(TemplateError, match=r"resource 'Outputs.Url' refers to 'Api'"):
        check_outputs({"Url": {"Value": {"Fn::GetAtt": ["Api", "Url"]}}}, {"Queue"}, set())
