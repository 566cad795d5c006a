"""``AWS_IAM`` routes over real HTTP: an unsigned request gets AWS's 403, a SigV4-signed one (as
botocore signs it, or presigned in the query string) reaches the function with its signer in
``requestContext.identity`` (REST) or ``requestContext.authorizer.iam`` (HTTP API); a REST
method that requires an API key names the key in ``identity.apiKey`` / ``apiKeyId``. Both as
the control plane builds them and as SAM's ``Auth: {Authorizer: AWS_IAM}`` deploys them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from apiauth_support import HttpApi, Issuer, Reply, RestApi, call
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from localcloud.deploy import deploy

pytestmark = pytest.mark.integration

SAM = Path(__file__).parent / "sam" / "template.yaml"
KEY = "AKIAEXAMPLELOCAL0001"
SIGNER = Credentials(KEY, "not-checked-locally")


def signed(url: str, region: str, query: bool = False) -> Reply:
    request = AWSRequest(method="GET", url=url)
    if query:
        SigV4QueryAuth(SIGNER, "execute-api", region, expires=60).add_auth(request)
    else:
        SigV4Auth(SIGNER, "execute-api", region).add_auth(request)
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    return call("GET", request.url, headers=headers)


@pytest.fixture(scope="module")
def sam(localcloud: Any, issuer: Issuer) -> dict[str, str]:
    report = deploy(
        SAM, localcloud.endpoint_url, stack="apiauth-sam", parameters={"IssuerUrl": issuer.url}
    )
    return {"rest": report.local_urls["RestUrl"], "http": report.local_urls["HttpUrl"]}


def test_rest_iam_method_refuses_an_unsigned_request(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "iam")
    assert (reply.status, reply.json()) == (403, {"message": "Missing Authentication Token"})
    assert reply.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    bearer = call("GET", rest_api.base + "iam", headers={"Authorization": "Bearer abc"})
    assert bearer.status == 403


def test_rest_iam_method_passes_the_signer_in_identity(rest_api: RestApi, localcloud: Any) -> None:
    reply = signed(rest_api.base + "iam", localcloud.region)
    assert reply.status == 200, reply.body
    event = APIGatewayProxyEventModel.model_validate(reply.json())
    identity = event.requestContext.identity
    assert identity.accessKey == KEY
    assert identity.accountId == "123456789012"
    assert identity.caller == KEY and identity.user == KEY
    assert identity.userArn == f"arn:aws:iam::123456789012:user/{KEY}"
    presigned = signed(rest_api.base + "iam", localcloud.region, query=True)
    assert presigned.status == 200, presigned.body
    assert presigned.json()["requestContext"]["identity"]["accessKey"] == KEY


def test_http_iam_route_refuses_unsigned_and_passes_authorizer_iam(
    http_api: HttpApi, localcloud: Any
) -> None:
    unsigned = call("GET", http_api.base + "iam")
    assert (unsigned.status, unsigned.json()) == (403, {"message": "Forbidden"})
    reply = signed(http_api.base + "iam", localcloud.region)
    assert reply.status == 200, reply.body
    event = APIGatewayProxyEventV2Model.model_validate(reply.json())
    assert event.requestContext.authorizer is not None
    iam = reply.json()["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == KEY and iam["accountId"] == "123456789012"
    assert iam["userArn"] == f"arn:aws:iam::123456789012:user/{KEY}"


def test_rest_api_key_is_named_in_identity(rest_api: RestApi) -> None:
    reply = call("GET", rest_api.base + "keyed", headers={"x-api-key": rest_api.key_value})
    assert reply.status == 200, reply.body
    identity = reply.json()["requestContext"]["identity"]
    assert identity["apiKey"] == rest_api.key_value
    assert identity["apiKeyId"] and identity["apiKeyId"] != rest_api.key_value
    # a method that requires no key names none
    open_reply = signed(rest_api.base + "iam", "us-east-1")
    assert open_reply.json()["requestContext"]["identity"].get("apiKey") is None


def test_sams_aws_iam_authorizer_deploys_as_aws_iam(sam: dict[str, str], localcloud: Any) -> None:
    for base, refused in (
        (sam["rest"], "Missing Authentication Token"),
        (sam["http"], "Forbidden"),
    ):
        unsigned = call("GET", base + "iam")
        assert (unsigned.status, unsigned.json()) == (403, {"message": refused}), base
        reply = signed(base + "iam", localcloud.region)
        assert reply.status == 200, (base, reply.body)
