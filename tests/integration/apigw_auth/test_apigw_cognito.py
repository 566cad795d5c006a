"""Cognito user pools of the local cloud sign tokens that its APIs accept: a REST Cognito
authorizer and an HTTP API JWT authorizer whose issuer is the pool, with no LOCALCLOUD_JWKS."""

from __future__ import annotations

from typing import Any

import pytest
from apiauth_support import ACCOUNT, call, function_uri


@pytest.fixture(scope="module")
def cognito(localcloud: Any, stack: dict[str, str]) -> dict[str, Any]:
    region = localcloud.region
    idp = localcloud.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="apiauth-pool")["UserPool"]
    client = idp.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="web", ExplicitAuthFlows=["ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool["Id"], Username="ann", TemporaryPassword="Tmp-pass-1")
    idp.admin_set_user_password(
        UserPoolId=pool["Id"], Username="ann", Password="Real-pass-1", Permanent=True
    )
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool["Id"],
        ClientId=client,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": "Real-pass-1"},
    )["AuthenticationResult"]
    backend = f"arn:aws:lambda:{region}:{ACCOUNT}:function:apiauth-it-backend"

    rest = localcloud.client("apigateway")
    rest_id = rest.create_rest_api(name="apiauth-cognito")["id"]
    root = rest.get_resources(restApiId=rest_id)["items"][0]["id"]
    authorizer = rest.create_authorizer(
        restApiId=rest_id,
        name="Pool",
        type="COGNITO_USER_POOLS",
        providerARNs=[pool["Arn"]],
        identitySource="method.request.header.Authorization",
    )["id"]
    resource = rest.create_resource(restApiId=rest_id, parentId=root, pathPart="me")["id"]
    rest.put_method(
        restApiId=rest_id,
        resourceId=resource,
        httpMethod="GET",
        authorizationType="COGNITO_USER_POOLS",
        authorizerId=authorizer,
    )
    rest.put_integration(
        restApiId=rest_id,
        resourceId=resource,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=function_uri(region, "apiauth-it-backend"),
    )
    rest.create_deployment(restApiId=rest_id, stageName="prod")

    http = localcloud.client("apigatewayv2")
    http_id = http.create_api(Name="apiauth-cognito-http", ProtocolType="HTTP")["ApiId"]
    integration = http.create_integration(
        ApiId=http_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=backend,
        PayloadFormatVersion="2.0",
    )["IntegrationId"]
    jwt = http.create_authorizer(
        ApiId=http_id,
        Name="Pool",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={
            "Issuer": f"https://cognito-idp.{region}.amazonaws.com/{pool['Id']}",
            "Audience": [client],
        },
    )["AuthorizerId"]
    http.create_route(
        ApiId=http_id,
        RouteKey="GET /me",
        Target=f"integrations/{integration}",
        AuthorizationType="JWT",
        AuthorizerId=jwt,
    )
    http.create_stage(ApiId=http_id, StageName="$default")
    base = f"{localcloud.endpoint_url}/_aws/execute-api"
    return {
        "rest": f"{base}/{rest_id}/prod/me",
        "http": f"{base}/{http_id}/me",
        "id_token": tokens["IdToken"],
    }


def test_rest_cognito_authorizer_takes_the_pools_id_token(cognito: dict[str, Any]) -> None:
    reply = call("GET", cognito["rest"], headers={"Authorization": cognito["id_token"]})
    assert reply.status == 200, reply.body
    claims = reply.json()["requestContext"]["authorizer"]["claims"]
    assert claims["cognito:username"] == "ann"
    forged = cognito["id_token"][:-4] + ("AAAA" if cognito["id_token"][-4:] != "AAAA" else "BBBB")
    assert call("GET", cognito["rest"], headers={"Authorization": forged}).status == 401
    assert call("GET", cognito["rest"]).status == 401


def test_http_jwt_authorizer_with_the_pool_as_issuer(cognito: dict[str, Any]) -> None:
    token = cognito["id_token"]
    reply = call("GET", cognito["http"], headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200, reply.body
    claims = reply.json()["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["cognito:username"] == "ann"
