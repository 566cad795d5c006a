"""Loading templates: CloudFormation short-form tags become long form, shape is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from localcloud.deploy import TemplateError
from localcloud.deploy.template import is_serverless, load_template, parse_template

TAGS = """
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  Thing:
    Type: AWS::SQS::Queue
    Properties:
      A: !Ref Other
      B: !GetAtt Other.Arn
      C: !GetAtt [Other, QueueName]
      D: !Sub "${AWS::StackName}-x"
      E: !Sub ["${x}-y", {x: !Ref Other}]
      F: !Join [",", [a, b]]
      G: !Select [0, !Split [",", "a,b"]]
      H: !If [Cond, big, small]
      I: !FindInMap [Map, Top, Second]
      J: !GetAZs ""
      K: !Base64 text
      L: !ImportValue exported
Conditions:
  Cond: !And [!Equals [a, a], !Not [!Condition Other], !Or [!Equals [b, c], !Condition Other]]
"""


def test_short_form_tags_become_long_form() -> None:
    template = parse_template(TAGS)
    props = template["Resources"]["Thing"]["Properties"]
    assert props["A"] == {"Ref": "Other"}
    assert props["B"] == {"Fn::GetAtt": ["Other", "Arn"]}
    assert props["C"] == {"Fn::GetAtt": ["Other", "QueueName"]}
    assert props["D"] == {"Fn::Sub": "${AWS::StackName}-x"}
    assert props["E"] == {"Fn::Sub": ["${x}-y", {"x": {"Ref": "Other"}}]}
    assert props["F"] == {"Fn::Join": [",", ["a", "b"]]}
    assert props["G"] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}
    assert props["H"] == {"Fn::If": ["Cond", "big", "small"]}
    assert props["I"] == {"Fn::FindInMap": ["Map", "Top", "Second"]}
    assert props["J"] == {"Fn::GetAZs": ""}
    assert props["K"] == {"Fn::Base64": "text"}
    assert props["L"] == {"Fn::ImportValue": "exported"}
    assert template["Conditions"]["Cond"] == {
        "Fn::And": [
            {"Fn::Equals": ["a", "a"]},
            {"Fn::Not": [{"Condition": "Other"}]},
            {"Fn::Or": [{"Fn::Equals": ["b", "c"]}, {"Condition": "Other"}]},
        ]
    }


def test_dates_stay_strings_and_serverless_is_detected() -> None:
    template = parse_template(TAGS)
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert is_serverless(template)
    assert not is_serverless({"Resources": {}})


def test_json_templates_load_too() -> None:
    template = parse_template('{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}')
    assert template["Resources"]["Q"]["Type"] == "AWS::SQS::Queue"


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("Resources:\n  Queue: [unclosed\n")
    with pytest.raises(TemplateError, match=rf"{path} is not valid YAML"):
        load_template(path)


def test_missing_file_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"cannot read template .*pass the path of a SAM"):
        load_template(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just\n- a list\n", r"expected a mapping at the top level, got list"),
        ("Description: nothing\n", r"needs a non-empty 'Resources' mapping"),
        ("Resources: {}\n", r"needs a non-empty 'Resources' mapping"),
        ("Resources:\n  Q: {Properties: {}}\n", r"resource 'Q' .* needs a mapping with a string"),
        (
            "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: [1]}\n",
            r"resource 'Q' .*'Properties' must be a mapping, got list",
        ),
        (
            "Resources:\n  Q: {Type: AWS::SQS::Queue}\nOutputs: [1]\n",
            r"section 'Outputs' must be a mapping",
        ),
    ],
)
def test_bad_shapes_are_template_errors(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(text)
