"""AWS::SSM::Parameter deploys to Parameter Store: named or named after the stack, its Ref and
GetAtt values usable elsewhere in the template, updated in place, removed with the template, and
a SecureString refused as CloudFormation refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import DeployError, deploy

pytestmark = pytest.mark.integration

PARAMETERS = """
Resources:
  Endpoint:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /orders/payments-endpoint
      Type: String
      Value: https://sandbox.example.com
      Description: where payments go
      Tags:
        team: orders
  Regions:
    Type: AWS::SSM::Parameter
    Properties:
      Type: StringList
      Value: eu-west-1,us-east-1
Outputs:
  EndpointName:
    Value: !Ref Endpoint
  RegionsValue:
    Value: !GetAtt Regions.Value
"""


def test_parameters_are_created_updated_and_removed(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("ssm")
    first = deploy(write_template(tmp_path, PARAMETERS), endpoint_url, stack=stack)
    ssm = aws("ssm", endpoint_url)
    endpoint = ssm.get_parameter(Name="/orders/payments-endpoint")["Parameter"]
    regions_name = first.resources["Regions"].physical_id
    regions = ssm.get_parameter(Name=regions_name)["Parameter"]
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=endpoint["Name"])

    changed = PARAMETERS.replace("https://sandbox.example.com", "https://live.example.com")
    second = deploy(write_template(tmp_path, changed), endpoint_url, stack=stack)
    updated = ssm.get_parameter(Name="/orders/payments-endpoint")["Parameter"]

    only_one = changed.split("  Regions:")[0]
    deploy(write_template(tmp_path, only_one), endpoint_url, stack=stack)

    assert (endpoint["Type"], endpoint["Value"]) == ("String", "https://sandbox.example.com")
    assert tags["TagList"] == [{"Key": "team", "Value": "orders"}]
    assert regions_name == f"CFN-{stack}-Regions"
    assert (regions["Type"], regions["Value"]) == ("StringList", "eu-west-1,us-east-1")
    assert first.outputs == {
        "EndpointName": "/orders/payments-endpoint",
        "RegionsValue": "eu-west-1,us-east-1",
    }
    assert second.updated == ["Endpoint"]
    assert (updated["Value"], updated["Version"]) == ("https://live.example.com", 2)
    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name=regions_name)


def test_a_secure_string_is_refused_as_cloudformation_refuses_it(
    tmp_path: Path, endpoint_url: str
) -> None:
    secret = PARAMETERS.replace("Type: String\n", "Type: SecureString\n", 1)

    with pytest.raises(DeployError) as caught:
        deploy(write_template(tmp_path, secret), endpoint_url, stack=unique_stack("ssmsec"))

    assert "Endpoint: Type must be String or StringList (got 'SecureString')" in str(caught.value)
