"""Finding what a stack deployed by the names people use for it.

A person calls a function by its code folder (``welcome_email``), its logical id in the template
(``WelcomeEmailFunction``) or its physical name; the AWS APIs want the physical name.
"""

from __future__ import annotations

from localcloud.clients import DEFAULT_REGION, client
from localcloud.deploy.engine import load_stack_state
from localcloud.deploy.errors import UnknownFunctionError
from localcloud.deploy.state import STATE_BUCKET
from localcloud.errors import LocalCloudError


def deployed_functions(endpoint_url: str, region: str = DEFAULT_REGION) -> list[str]:
    """The physical names of every function at the endpoint, in listing order."""
    lam = client("lambda", endpoint_url, region)
    return [
        str(function["FunctionName"])
        for page in lam.get_paginator("list_functions").paginate()
        for function in page["Functions"]
    ]


def resolve_function(
    endpoint_url: str, name: str, stack: str = "localcloud", region: str = DEFAULT_REGION
) -> str:
    """The physical name of the function ``name`` means: a physical name, or a logical id or code
    folder of ``stack``'s functions. UnknownFunctionError lists the deployed functions."""
    deployed = deployed_functions(endpoint_url, region)
    if name in deployed:
        return name
    try:
        state = load_stack_state(endpoint_url, stack, region)
    except LocalCloudError:
        # a stack that cannot be read resolves nothing; the error below still lists the functions
        state = None
    physical = state.function(name) if state is not None else None
    if physical is None:
        raise UnknownFunctionError(name, deployed)
    return physical


def deployed_stacks(endpoint_url: str, region: str = DEFAULT_REGION) -> list[str]:
    """The names of the stacks the deployer recorded at the endpoint, sorted."""
    s3 = client("s3", endpoint_url, region)
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=STATE_BUCKET)
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    except s3.exceptions.NoSuchBucket:
        return []
    return sorted(key.removesuffix(".json") for key in keys if key.endswith(".json"))
