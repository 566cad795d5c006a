"""Public Powertools layer ARNs, any version, region and architecture, stand for the package."""

from __future__ import annotations

import pytest

from localcloud.build import public_layer, public_layer_packages
from localcloud.deploy.kinds.awslambda import _configuration


def _arn(region: str, account: str, layer: str) -> str:
    return f"arn:aws:lambda:{region}:{account}:layer:{layer}"


AWS = "017000801446"  # the account AWS publishes Powertools' layers from


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        (_arn("us-east-1", AWS, "AWSLambdaPowertoolsPythonV2:79"), "powertools-v2"),
        (_arn("eu-west-1", AWS, "AWSLambdaPowertoolsPythonV2-Arm64:79"), "powertools-v2"),
        (_arn("ap-south-1", AWS, "AWSLambdaPowertoolsPythonV3-python312-arm64:7"), "powertools-v3"),
        (_arn("us-east-1", "123456789012", "AWSLambdaPowertoolsPythonV3:7"), None),
        (_arn("us-east-1", AWS, "SomethingElse:7"), None),
        (_arn("us-east-1", AWS, "AWSLambdaPowertoolsPythonV3"), None),
    ],
)
def test_a_powertools_layer_is_recognised_by_account_and_name(arn: str, name: str | None) -> None:
    assert public_layer(arn) == name


def test_a_public_layer_stands_for_its_major_version_of_powertools() -> None:
    assert public_layer_packages("powertools-v3 unknown") == (
        "aws-lambda-powertools[tracer,parser,validation]>=3,<4",
    )


def test_the_lambda_kind_leaves_public_layers_out_of_the_configuration() -> None:
    own = "arn:aws:lambda:us-east-1:123456789012:layer:mine:1"
    powertools = _arn("us-east-1", AWS, "AWSLambdaPowertoolsPythonV3-python312-x86_64:7")

    assert _configuration({"Layers": [powertools, own]})["Layers"] == [own]
