"""The resource kinds the deployer applies, registered by CloudFormation type on import."""

from __future__ import annotations

from localcloud.deploy.kinds import (  # noqa: F401 - imported to register their kinds
    apigateway,
    apigateway_access,
    apigateway_models,
    apigatewayv2,
    awslambda,
    cloudwatch,
    dynamodb,
    events,
    iam,
    kinesis,
    lambda_url,
    logs,
    s3,
    scheduler,
    ses,
    sns,
    sqs,
    ssm,
    stepfunctions,
)
from localcloud.deploy.kinds.base import KINDS, Context, ResourceKind

__all__ = ["KINDS", "Context", "ResourceKind"]
