"""REST request validation from a SAM template, over real HTTP: a body that matches its model
and the required parameters reach the function; a body that does not, or a missing header or
query string, is AWS's 400 and the function does not run (the request's trace holds no
invocation); a validator of parameters only lets any body through (and one of the body only
ignores required parameters); an API's GatewayResponses reword BAD_REQUEST_BODY."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from apigw_support import Reply, call

from localcloud import trace
from localcloud.deploy import UnsupportedPropertyError, deploy

pytestmark = pytest.mark.integration

TEMPLATE = Path(__file__).parent / "validation" / "template.yaml"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def urls(localcloud: Any) -> dict[str, str]:
    report = deploy(TEMPLATE, localcloud.endpoint_url, stack="apigw-validation")
    return dict(report.local_urls)


def _send(localcloud: Any, url: str, body: Any, headers: dict[str, str]) -> tuple[Reply, list[Any]]:
    """The reply and the hops of the request's trace (recorded before the answer is sent)."""
    root = trace.new_root()
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    reply = call("POST", url, data, {**headers, "X-Amzn-Trace-Id": f"Root={root}"})
    return reply, list(localcloud.traces.get(root) or [])


def _ran(hops: list[Any]) -> bool:
    return any(h.kind == "invoke" for h in hops)


def test_a_valid_request_reaches_the_function(localcloud: Any, urls: dict[str, str]) -> None:
    reply, hops = _send(
        localcloud,
        urls["PlainUrl"] + "users?source=web",
        {"name": "ann", "age": 3},
        {**JSON, "X-Tenant": "acme"},
    )
    assert reply.status == 200, reply.body
    event = reply.json()
    assert json.loads(event["body"]) == {"name": "ann", "age": 3}
    assert event["headers"]["X-Tenant"] == "acme"
    assert _ran(hops)


def test_a_body_against_the_model_is_refused_before_the_function(
    localcloud: Any, urls: dict[str, str]
) -> None:
    for body in ({"age": 3}, {"name": "ann", "age": -1}, {"name": ""}, b"{not json"):
        reply, hops = _send(
            localcloud, urls["PlainUrl"] + "users?source=web", body, {**JSON, "X-Tenant": "t"}
        )
        assert reply.status == 400, body
        assert reply.json() == {"message": "Invalid request body"}
        assert reply.header("x-amzn-ErrorType") == "BadRequestException"
        assert not _ran(hops)
        (request,) = [h for h in hops if h.kind == "request"]
        assert request.detail["refused"] == "BAD_REQUEST_BODY"
        assert request.detail["validation"]


def test_missing_header_and_query_string_are_named(localcloud: Any, urls: dict[str, str]) -> None:
    reply, hops = _send(localcloud, urls["PlainUrl"] + "users", {"name": "ann"}, JSON)
    assert reply.status == 400
    assert reply.json() == {"message": "Missing required request parameters: [X-Tenant, source]"}
    assert not _ran(hops)
    reply, hops = _send(
        localcloud, urls["PlainUrl"] + "users?source=", {"name": "a"}, {**JSON, "X-Tenant": "t"}
    )
    assert reply.json() == {"message": "Missing required request parameters: [source]"}
    assert not _ran(hops)


def test_parameters_are_checked_before_the_body(localcloud: Any, urls: dict[str, str]) -> None:
    reply, _ = _send(localcloud, urls["PlainUrl"] + "users", {"age": "x"}, JSON)
    assert reply.status == 400
    assert reply.json()["message"].startswith("Missing required request parameters")


def test_a_parameters_only_validator_lets_a_bad_body_through(
    localcloud: Any, urls: dict[str, str]
) -> None:
    reply, hops = _send(localcloud, urls["PlainUrl"] + "loose?source=a", b"not json", JSON)
    assert reply.status == 200, reply.body
    assert reply.json()["body"] == "not json"
    assert _ran(hops)
    reply, hops = _send(localcloud, urls["PlainUrl"] + "loose", {"name": "a"}, JSON)
    assert reply.json() == {"message": "Missing required request parameters: [source]"}
    assert not _ran(hops)


def test_a_content_type_without_a_model_is_not_checked(
    localcloud: Any, urls: dict[str, str]
) -> None:
    reply, hops = _send(
        localcloud,
        urls["PlainUrl"] + "users?source=web",
        b"plain words",
        {"Content-Type": "text/plain", "X-Tenant": "t"},
    )
    assert reply.status == 200, reply.body
    assert _ran(hops)


def test_gateway_responses_reword_bad_request_body(localcloud: Any, urls: dict[str, str]) -> None:
    reply, hops = _send(localcloud, urls["CustomUrl"] + "users", {"name": 7}, JSON)
    assert reply.status == 422
    assert reply.header("X-Refused") == "body"
    assert reply.json() == {"error": "BAD_REQUEST_BODY", "why": "Invalid request body"}
    assert not _ran(hops)
    reply, hops = _send(localcloud, urls["CustomUrl"] + "users", {"name": "n"}, JSON)
    assert reply.status == 200 and _ran(hops)


def test_the_raw_kinds_validate_a_body_only(urls: dict[str, str]) -> None:
    reply = call("POST", urls["RawUrl"] + "orders", b'{"qty": 2}', JSON)
    assert reply.status == 200, reply.body
    assert reply.json() == {"accepted": True}  # X-Ignored is required, but not validated
    reply = call("POST", urls["RawUrl"] + "orders", b'{"qty": 0}', JSON)
    assert (reply.status, reply.json()) == (400, {"message": "Invalid request body"})


def test_a_template_naming_an_unknown_validator_is_refused(localcloud: Any, tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Body": {
                        "swagger": "2.0",
                        "paths": {
                            "/a": {
                                "get": {
                                    "x-amazon-apigateway-request-validator": "strict",
                                    "x-amazon-apigateway-integration": {"type": "mock"},
                                }
                            }
                        },
                    }
                },
            }
        }
    }
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    name = f"apigw-validation-bad-{uuid.uuid4().hex[:6]}"
    with pytest.raises(
        UnsupportedPropertyError, match=r"x-amazon-apigateway-request-validator='strict'"
    ):
        deploy(path, localcloud.endpoint_url, stack=name)
