"""An alias update under ``UpdatePolicy.CodeDeployLambdaAliasUpdate``, run locally.

On AWS the update is a CodeDeploy deployment: the BeforeAllowTraffic hook runs, traffic moves to
the new version over minutes (canary or linear), then the AfterAllowTraffic hook runs. Locally
no deployment takes minutes: the before hook runs, the alias points at the new version at once,
the after hook runs. Each hook is invoked synchronously with the event CodeDeploy sends
(``DeploymentId``, ``LifecycleEventHookExecutionId``) and must report its status with
PutLifecycleEventHookExecutionStatus (the gateway records it, gateway/codedeploy.py). A hook that
fails (a function error, a Failed status, or no status) leaves the alias on, or rolls it back
to, its old version and fails the deploy.
"""

from __future__ import annotations

import json
import secrets
import string
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds import Context

POLICY = "CodeDeployLambdaAliasUpdate"
HOOKS = ("BeforeAllowTrafficHook", "AfterAllowTrafficHook")


def new_deployment_id() -> str:
    """A deployment id shaped as CodeDeploy's: ``d-`` and nine upper-case letters or digits."""
    alphabet = string.ascii_uppercase + string.digits
    return "d-" + "".join(secrets.choice(alphabet) for _ in range(9))


def shift_alias(
    logical_id: str,
    policy: dict[str, Any],
    old: dict[str, Any],
    new: dict[str, Any],
    ctx: Context,
    update: Callable[[], str],
    rollback: Callable[[], object],
) -> str:
    """Run ``update`` (the alias update) between the policy's hooks; return its physical id.

    ``policy`` is the resolved CodeDeployLambdaAliasUpdate; a change that leaves the alias's
    version alone is no deployment, so no hook runs.
    """
    if str(old.get("FunctionVersion")) == str(new.get("FunctionVersion")):
        return update()
    deployment = new_deployment_id()
    before, after = (policy.get(name) for name in HOOKS)
    if before:
        failure = run_hook(str(before), deployment, ctx)
        if failure:
            raise DeployError(
                f"{logical_id}: the BeforeAllowTraffic hook {before} of deployment {deployment} "
                f"failed ({failure}); the alias stays on version {old.get('FunctionVersion')}"
            )
    physical_id = update()
    if after:
        failure = run_hook(str(after), deployment, ctx)
        if failure:
            rollback()
            raise DeployError(
                f"{logical_id}: the AfterAllowTraffic hook {after} of deployment {deployment} "
                f"failed ({failure}); the alias is rolled back to version "
                f"{old.get('FunctionVersion')}"
            )
    return physical_id


def run_hook(function: str, deployment: str, ctx: Context) -> str | None:
    """Invoke one hook function and read the status it reported: None when Succeeded, else
    why it failed."""
    execution = str(uuid.uuid4())
    event = {"DeploymentId": deployment, "LifecycleEventHookExecutionId": execution}
    response = ctx.client("lambda").invoke(
        FunctionName=function, InvocationType="RequestResponse", Payload=json.dumps(event)
    )
    if response.get("FunctionError"):
        return f"function error: {response['Payload'].read().decode(errors='replace')}"
    status = reported_status(deployment, execution, ctx)
    if status is None:
        return (
            "it returned without calling PutLifecycleEventHookExecutionStatus for "
            f"execution {execution}"
        )
    if status != "Succeeded":
        return f"it reported status {status}"
    return None


def reported_status(deployment: str, execution: str, ctx: Context) -> str | None:
    """The status a hook reported for ``execution``, from the deployment's status messages."""
    try:
        info = ctx.client("codedeploy").get_deployment(deploymentId=deployment)["deploymentInfo"]
    except ClientError as exc:
        if "DoesNotExist" in str(exc.response.get("Error", {}).get("Code", "")):
            return None
        raise
    for message in info.get("deploymentStatusMessages") or []:
        reported, _, status = str(message).partition(" ")
        if reported == execution:
            return status
    return None
