"""CodeDeploy's lifecycle hook status, answered by the gateway (moto has no such operation).

A hook function that a local deployment invokes (deploy/traffic_shift.py) reports its outcome
with PutLifecycleEventHookExecutionStatus; the gateway records it per deployment, and
GetDeployment answers for those deployments with one status message per hook execution,
``"<LifecycleEventHookExecutionId> <status>"``, which is how the deployer reads it back. Any
other deployment id is moto's to answer (a direct path that returns None).
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from localcloud.gateway.errors import RequestError, SerializationError
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import AMZ_JSON, Response, json_response

if TYPE_CHECKING:
    from localcloud.gateway.routes import Collaborators

STATUSES = ("Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown")


class InvalidLifecycleEventHookExecutionStatusError(RequestError):
    aws_code = "InvalidLifecycleEventHookExecutionStatusException"


class DeploymentIdRequiredError(RequestError):
    aws_code = "DeploymentIdRequiredException"


class LifecycleEventHookExecutionIdRequiredError(RequestError):
    aws_code = "InvalidLifecycleEventHookExecutionIdException"


_lock = threading.Lock()
# deployment id -> hook execution id -> the status the hook reported, in reporting order.
_reports: dict[str, dict[str, str]] = {}


def _document(request: AwsRequest) -> dict[str, Any]:
    try:
        document = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise SerializationError("The request body must be a JSON object")
    return document


def put_hook_status(collaborators: Collaborators, request: AwsRequest) -> Response:
    document = _document(request)
    deployment = document.get("deploymentId")
    execution = document.get("lifecycleEventHookExecutionId")
    status = document.get("status")
    if not deployment:
        raise DeploymentIdRequiredError("At least one deployment ID must be specified.")
    if not execution:
        raise LifecycleEventHookExecutionIdRequiredError(
            "A lifecycle event hook execution ID must be specified."
        )
    if status not in STATUSES:
        raise InvalidLifecycleEventHookExecutionStatusError(
            f"The status {status!r} is not valid; use one of {', '.join(STATUSES)}."
        )
    with _lock:
        _reports.setdefault(str(deployment), {})[str(execution)] = str(status)
    return json_response({"lifecycleEventHookExecutionId": execution}, content_type=AMZ_JSON)


def get_deployment(body: bytes, region: str) -> bytes | None:
    """GetDeployment of a deployment a hook reported on (the deployer's), or None: moto answers
    (its own deployments, and the error for an unknown id)."""
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return None
    deployment = str(document.get("deploymentId") or "") if isinstance(document, dict) else ""
    with _lock:
        reports = dict(_reports.get(deployment) or {})
    if not reports:
        return None
    failed = "Failed" in reports.values()
    info = {
        "deploymentId": deployment,
        "status": "Failed" if failed else "InProgress",
        "deploymentStatusMessages": [f"{eid} {status}" for eid, status in reports.items()],
    }
    return json.dumps({"deploymentInfo": info}).encode()
