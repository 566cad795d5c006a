"""The three URL forms an API is reached by."""

from __future__ import annotations

from localcloud.apigw.locate import execute_api_host, locate
from localcloud.apigw.model import Located


def test_execute_api_path_form_reads_stage_and_path_both_ways() -> None:
    assert locate("/_aws/execute-api/abc123/prod/users/1", None) == Located(
        "abc123", "prod", "/users/1", unstaged_path="/prod/users/1"
    )


def test_host_form_takes_the_api_from_the_host() -> None:
    located = locate("/dev/users", "abc123.execute-api.localhost.localstack.cloud:4566")
    assert located == Located("abc123", "dev", "/users", unstaged_path="/dev/users")


def test_rest_user_request_form_always_names_a_stage() -> None:
    assert locate("/restapis/abc123/prod/_user_request_/users/1", None) == Located(
        "abc123", "prod", "/users/1"
    )
    assert locate("/restapis/abc123/prod/_user_request_", None) == Located("abc123", "prod", "/")


def test_other_requests_are_not_api_requests() -> None:
    assert locate("/", "localhost:4566") is None
    assert locate("/restapis/abc123/resources", None) is None  # the control plane's REST path
    assert locate("/2015-03-31/functions", "127.0.0.1:4566") is None


def test_only_the_execute_api_host_names_an_api() -> None:
    assert execute_api_host("abc.execute-api.localhost.localstack.cloud") == "abc"
    assert execute_api_host("ABC.execute-api.localhost.localstack.cloud:4566") == "abc"
    assert execute_api_host("localhost.localstack.cloud") is None
    assert execute_api_host("a.b.execute-api.localhost.localstack.cloud") is None
    assert execute_api_host("abc.execute-api.us-east-1.amazonaws.com") is None


def test_the_browser_policy_serves_the_execute_api_host_and_no_other_new_name() -> None:
    from localcloud.gateway.browser import BrowserPolicy

    policy = BrowserPolicy.for_endpoint("http://127.0.0.1:4566")
    assert policy.host_allowed("abc123.execute-api.localhost.localstack.cloud:4566")
    assert not policy.host_allowed("abc123.execute-api.us-east-1.amazonaws.com")
    assert not policy.host_allowed("abc123.execute-api.localhost.localstack.cloud.evil.example")
