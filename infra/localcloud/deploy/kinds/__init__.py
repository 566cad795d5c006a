"""The resource kinds the deployer applies, registered by CloudFormation type on import."""

from __future__ import annotations

from localcloud.deploy.kinds import (  # noqa: F401 - imported to register their kinds
    apigateway,
    apigateway_access,
    apigateway_models,
    apigatewayv2,
    awslambda,
    cloudformation,
    cloudwatch,
    codedeploy,
    cognito,
    dynamodb,
    events,
    iam,
    kinesis,
    kms,
    lambda_url,
    logs,
    s3,
    scheduler,
    secretsmanager,
    ses,
    sns,
    sqs,
    ssm,
    stepfunctions,
)
from localcloud.deploy.kinds.base import KINDS, Context, ResourceKind
from localcloud.deploy.kinds.refused import REFUSED

__all__ = ["KINDS", "REFUSED", "Context", "ResourceKind"]
