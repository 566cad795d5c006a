"""The gateway's PutLifecycleEventHookExecutionStatus records a hook's status per deployment, and
GetDeployment reads it back as one status message per hook execution."""

from __future__ import annotations

import json
from typing import Any

import pytest

import localcloud.gateway.codedeploy as codedeploy
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.routes import ROUTES, Direct, Intercepted


def _request(operation: str, document: dict[str, Any]) -> AwsRequest:
    return AwsRequest(
        service="codedeploy",
        region="us-east-1",
        operation=operation,
        target=f"CodeDeploy_20141006.{operation}",
        method="POST",
        path="/",
        query="",
        headers={},
        body=json.dumps(document).encode(),
        trace_context=None,
    )


def _call(operation: str, document: dict[str, Any]) -> dict[str, Any]:
    route = ROUTES[("codedeploy", operation)]
    request = _request(operation, document)
    if isinstance(route, Direct):
        response = route.answer(request)
        assert response is not None
    else:
        assert isinstance(route, Intercepted)
        response = route.handle(None, request)  # type: ignore[arg-type]
    assert response.status == 200
    return dict(json.loads(response.body))


def test_a_reported_status_is_read_back() -> None:
    put = {"deploymentId": "d-UNIT00001", "lifecycleEventHookExecutionId": "e1"}
    answer = _call("PutLifecycleEventHookExecutionStatus", {**put, "status": "Succeeded"})
    _call(
        "PutLifecycleEventHookExecutionStatus",
        {**put, "lifecycleEventHookExecutionId": "e2", "status": "Failed"},
    )
    info = _call("GetDeployment", {"deploymentId": "d-UNIT00001"})["deploymentInfo"]

    assert answer == {"lifecycleEventHookExecutionId": "e1"}
    assert info["deploymentStatusMessages"] == ["e1 Succeeded", "e2 Failed"]
    assert info["status"] == "Failed"


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({"lifecycleEventHookExecutionId": "e", "status": "Succeeded"}, "DeploymentIdRequired"),
        ({"deploymentId": "d-X", "status": "Succeeded"}, "InvalidLifecycleEventHookExecutionId"),
        (
            {"deploymentId": "d-X", "lifecycleEventHookExecutionId": "e", "status": "Done"},
            "InvalidLifecycleEventHookExecutionStatus",
        ),
    ],
)
def test_a_bad_report_is_refused(document: dict[str, Any], error: str) -> None:
    with pytest.raises(codedeploy.RequestError) as caught:
        codedeploy.put_hook_status(None, _request("x", document))  # type: ignore[arg-type]
    assert type(caught.value).aws_code.startswith(error)


def test_a_deployment_no_hook_reported_on_is_left_to_moto() -> None:
    body = json.dumps({"deploymentId": "d-NONE"}).encode()

    assert codedeploy.get_deployment(body, "us-east-1") is None
