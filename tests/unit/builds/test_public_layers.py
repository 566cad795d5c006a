"""Public Powertools layer ARNs, any version, region and architecture, stand for the package."""

from __future__ import annotations

import pytest

from localcloud.build import public_layer, public_layer_packages
from localcloud.deploy.kinds.awslambda import _configuration


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:79", "powertools-v2"),
        ("arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2-Arm64:79", "powertools-v2"),
        ("arn:aws:lambda:ap-south-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7", "powertools-v3"),
        ("arn:aws:lambda:us-east-1:123456789012:layer:AWSLambdaPowertoolsPythonV3:7", None),
        ("arn:aws:lambda:us-east-1:017000801446:layer:SomethingElse:7", None),
        ("arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3", None),
    ],
)  # fmt: skip
def test_a_powertools_layer_is_recognised_by_account_and_name(arn: str, name: str | None) -> None:
    assert public_layer(arn) == name


def test_a_public_layer_stands_for_its_major_version_of_powertools() -> None:
    assert public_layer_packages("powertools-v3 unknown") == (
        "aws-lambda-powertools[tracer,parser,validation]>=3,<4",
    )


def test_the_lambda_kind_leaves_public_layers_out_of_the_configuration() -> None:
    own = "arn:aws:lambda:us-east-1:123456789012:layer:mine:1"
    powertools = "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7"  # noqa: E501

    assert _configuration({"Layers": [powertools, own]})["Layers"] == [own]
