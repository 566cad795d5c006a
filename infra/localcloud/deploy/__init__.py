"""Deploy a SAM/CloudFormation template to any endpoint speaking the AWS APIs.

aws-sam-translator expands SAM to CloudFormation; the deployer resolves the intrinsics and applies
the resources through boto3 in dependency order, idempotently, keeping the stack state at the
endpoint (S3 bucket `localcloud-stacks`).
"""

from __future__ import annotations

from localcloud.deploy.engine import deploy, destroy, load_stack_state, plan_template
from localcloud.deploy.errors import (
    CodeNotFoundError,
    DeployError,
    EndpointUnreachableError,
    PartialDeployError,
    TemplateError,
    UnknownFunctionError,
    UnsupportedProperty,
    UnsupportedPropertyError,
    UnsupportedResourceError,
)
from localcloud.deploy.lookup import deployed_functions, deployed_stacks, resolve_function
from localcloud.deploy.report import DeployReport
from localcloud.deploy.state import ResourceRecord, StackState

__all__ = [
    "CodeNotFoundError",
    "DeployError",
    "DeployReport",
    "EndpointUnreachableError",
    "PartialDeployError",
    "ResourceRecord",
    "StackState",
    "TemplateError",
    "UnknownFunctionError",
    "UnsupportedProperty",
    "UnsupportedPropertyError",
    "UnsupportedResourceError",
    "deploy",
    "deployed_functions",
    "deployed_stacks",
    "destroy",
    "load_stack_state",
    "plan_template",
    "resolve_function",
]
