"""HTTP_PROXY: the URL a request is passed to, and which URLs the deployer accepts."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.apigw import steps
from localcloud.apigw.http_proxy import target_url
from localcloud.apigw.model import (
    REST,
    ApiRequest,
    ApiView,
    IntegrationView,
    Match,
    RouteView,
    StageView,
)
from localcloud.deploy.openapi import http_proxy_problems


def call_for(uri: str, parameters: dict[str, str], mappings: dict[str, str]) -> Any:
    integration = IntegrationView("i", "HTTP_PROXY", uri, "1.0", request_parameters=mappings)
    route = RouteView("ANY /{proxy+}", integration)
    api = ApiView("a", "api", REST, "us-east-1", "123456789012", (route,), {})
    request = ApiRequest("GET", "/x", "", (), b"", "127.0.0.1", "h", "live", "r", 0.0)
    return steps.IntegrationCall(
        api=api,
        match=Match(route, parameters),
        integration=integration,
        stage=StageView("live", {"port": "9000"}),
        request=request,
        authorizer=None,
        trace=None,  # type: ignore[arg-type]
        invoke=None,  # type: ignore[arg-type]
        region="us-east-1",
    )


def test_path_and_stage_variables_fill_the_url() -> None:
    call = call_for(
        "http://127.0.0.1:${stageVariables.port}/base/{proxy}?fixed=1",
        {"proxy": "a b/c"},
        {"integration.request.path.proxy": "method.request.path.proxy"},
    )
    assert target_url(call) == "http://127.0.0.1:9000/base/a%20b/c?fixed=1"


def test_a_mapping_renames_a_path_parameter_and_unknown_variables_stay() -> None:
    call = call_for(
        "http://localhost:1/{item}/{other}",
        {"id": "7"},
        {"integration.request.path.item": "method.request.path.id"},
    )
    assert target_url(call) == "http://localhost:1/7/{other}"


@pytest.mark.parametrize(
    "uri", ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]:9/", "http://127.1.2.3/"]
)
def test_loopback_http_urls_are_served(uri: str) -> None:
    assert http_proxy_problems(uri) == []


@pytest.mark.parametrize(
    "uri",
    ["https://api.example.com/x", "http://10.0.0.1/x", "https://127.0.0.1/x", "ftp://localhost/"],
)
def test_other_urls_are_refused_saying_why(uri: str) -> None:
    (problem,) = http_proxy_problems(uri)
    assert uri in problem and "on this machine only" in problem


def test_a_vpc_link_is_refused_and_unknown_urls_wait_for_deploy() -> None:
    assert http_proxy_problems({"Fn::Sub": "${Url}/x"}) == []
    assert http_proxy_problems("http://${stageVariables.host}/x") == []
    (problem,) = http_proxy_problems("http://127.0.0.1/x", "VPC_LINK")
    assert "VPC_LINK" in problem
