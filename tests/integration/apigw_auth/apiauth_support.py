"""Helpers for the access-control tests: plain HTTP calls, a loopback OpenID issuer, and the
APIs built through API Gateway's own control plane (as a console or a CLI script would)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return next((v for n, v in self.headers if n.lower() == name.lower()), None)


def call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """One HTTP request with urllib; an error status is a reply, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, list(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, list(error.headers.items()), error.read())


def request_trace(
    cloud: Any, request_id: str | None, timeout_s: float = 5
) -> tuple[Any, list[Any]]:
    """(the request's hop, every hop of its trace), waiting for the request to be recorded."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for hops in cloud.traces.traces(last=50):
            roots = [h for h in hops if h.detail.get("request_id") == request_id]
            if roots:
                return roots[0], hops
        time.sleep(0.05)
    raise AssertionError(f"no trace holds request {request_id}")


class Issuer:
    """An OpenID issuer on a loopback port: discovery document, JWKS, and tokens it signs."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "issuer-key"})
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "issuer-key"})
        jwks = json.dumps(KeySet([self.key]).as_dict(private=False)).encode()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.endswith("/.well-known/openid-configuration"):
                    data = json.dumps({"issuer": owner.url, "jwks_uri": owner.url + "/keys"})
                    self._send(data.encode())
                elif self.path.endswith("/keys"):
                    self._send(jwks)
                else:
                    self.send_error(404)

            def _send(self, data: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/issuer"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def token(self, signer: RSAKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.url, "aud": "client-a", "sub": "ann", "exp": now + 300, "iat": now}
        body.update(claims)
        return jwt.encode({"alg": "RS256", "kid": "issuer-key"}, body, signer or self.key)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def function_uri(region: str, function: str) -> str:
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{function}"
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"


@dataclass
class RestApi:
    """A REST API with TOKEN and REQUEST authorizers, an API key, SQS and CORS methods."""

    api_id: str
    base: str  # the prod stage's URL, ending in /
    key_value: str


def build_rest_api(cloud: Any, queue_url: str) -> RestApi:
    region = cloud.region
    client = cloud.client("apigateway")
    api = client.create_rest_api(name="apiauth-rest")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    token = client.create_authorizer(
        restApiId=api,
        name="TokenAuth",
        type="TOKEN",
        authorizerUri=function_uri(region, "apiauth-it-token"),
        identitySource="method.request.header.Authorization",
        identityValidationExpression="^(allow|deny|unauthorized|boom).*",
        authorizerResultTtlInSeconds=0,
    )["id"]
    request = client.create_authorizer(
        restApiId=api,
        name="RequestAuth",
        type="REQUEST",
        authorizerUri=function_uri(region, "apiauth-it-request"),
        identitySource="method.request.header.X-User",
        authorizerResultTtlInSeconds=300,
    )["id"]

    def method(path: str, verb: str, **settings: Any) -> str:
        resource = client.create_resource(restApiId=api, parentId=root, pathPart=path)["id"]
        client.put_method(restApiId=api, resourceId=resource, httpMethod=verb, **settings)
        return str(resource)

    def proxy(resource: str, verb: str) -> None:
        client.put_integration(
            restApiId=api,
            resourceId=resource,
            httpMethod=verb,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=function_uri(region, "apiauth-it-backend"),
        )

    proxy(method("token", "GET", authorizationType="CUSTOM", authorizerId=token), "GET")
    proxy(method("request", "GET", authorizationType="CUSTOM", authorizerId=request), "GET")
    proxy(method("keyed", "GET", authorizationType="NONE", apiKeyRequired=True), "GET")
    proxy(method("iam", "GET", authorizationType="AWS_IAM"), "GET")
    queue = method("queue", "POST", authorizationType="NONE")
    queue_path = queue_url.split("://", 1)[1].split("/", 1)[1]
    client.put_integration(
        restApiId=api,
        resourceId=queue,
        httpMethod="POST",
        type="AWS",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{region}:sqs:path/{queue_path}",
        requestParameters={
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'",
            "integration.request.header.Accept": "'application/json'",
        },
        requestTemplates={
            "application/json": "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
            "&MessageAttribute.1.Name=requestId&MessageAttribute.1.Value.DataType=String"
            "&MessageAttribute.1.Value.StringValue=$context.requestId"
        },
        passthroughBehavior="NEVER",
    )
    client.put_integration_response(
        restApiId=api,
        resourceId=queue,
        httpMethod="POST",
        statusCode="202",
        selectionPattern="2\\d\\d",
        responseTemplates={
            "application/json": '{"queued": true, "id": '
            "\"$input.path('$.SendMessageResponse.SendMessageResult.MessageId')\"}"
        },
    )
    client.put_integration_response(
        restApiId=api, resourceId=queue, httpMethod="POST", statusCode="500", selectionPattern=""
    )
    # what SAM's Cors makes: an OPTIONS method answered by a MOCK integration
    cors = method("cors", "OPTIONS", authorizationType="NONE")
    client.put_integration(
        restApiId=api,
        resourceId=cors,
        httpMethod="OPTIONS",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    client.put_integration_response(
        restApiId=api,
        resourceId=cors,
        httpMethod="OPTIONS",
        statusCode="200",
        responseParameters={
            "method.response.header.Access-Control-Allow-Origin": "'https://app.example'",
            "method.response.header.Access-Control-Allow-Methods": "'GET,POST,OPTIONS'",
            "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Api-Key'",
        },
        responseTemplates={"application/json": ""},
    )
    client.create_deployment(restApiId=api, stageName="prod")
    value = f"apiauth-key-{uuid.uuid4().hex}"
    key = client.create_api_key(name="apiauth-key", enabled=True, value=value)["id"]
    plan = client.create_usage_plan(
        name="apiauth-plan",
        apiStages=[{"apiId": api, "stage": "prod"}],
        throttle={"rateLimit": 100, "burstLimit": 50},
        quota={"limit": 1000, "period": "DAY"},
    )["id"]
    client.create_usage_plan_key(usagePlanId=plan, keyId=key, keyType="API_KEY")
    return RestApi(api, f"{cloud.endpoint_url}/_aws/execute-api/{api}/prod/", value)


@dataclass
class HttpApi:
    api_id: str
    base: str  # the $default stage's URL, ending in /


def build_http_api(cloud: Any, queue_url: str, issuer: str) -> HttpApi:
    region = cloud.region
    client = cloud.client("apigatewayv2")
    api = client.create_api(
        Name="apiauth-http",
        ProtocolType="HTTP",
        CorsConfiguration={
            "AllowOrigins": ["https://app.example"],
            "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["content-type", "authorization"],
            "ExposeHeaders": ["x-trace"],
            "MaxAge": 300,
        },
    )["ApiId"]
    backend = client.create_integration(
        ApiId=api,
        IntegrationType="AWS_PROXY",
        IntegrationUri=f"arn:aws:lambda:{region}:{ACCOUNT}:function:apiauth-it-backend",
        PayloadFormatVersion="2.0",
    )["IntegrationId"]
    simple = client.create_authorizer(
        ApiId=api,
        Name="Simple",
        AuthorizerType="REQUEST",
        AuthorizerUri=function_uri(region, "apiauth-it-simple"),
        AuthorizerPayloadFormatVersion="2.0",
        EnableSimpleResponses=True,
        IdentitySource=["$request.header.x-key"],
        AuthorizerResultTtlInSeconds=0,
    )["AuthorizerId"]
    jwt_authorizer = client.create_authorizer(
        ApiId=api,
        Name="Jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["client-a"], "Issuer": issuer},
    )["AuthorizerId"]
    target = f"integrations/{backend}"
    client.create_route(
        ApiId=api,
        RouteKey="GET /simple",
        Target=target,
        AuthorizationType="CUSTOM",
        AuthorizerId=simple,
    )
    client.create_route(
        ApiId=api,
        RouteKey="GET /jwt",
        Target=target,
        AuthorizationType="JWT",
        AuthorizerId=jwt_authorizer,
        AuthorizationScopes=["orders/read"],
    )
    client.create_route(ApiId=api, RouteKey="GET /open", Target=target)
    client.create_route(ApiId=api, RouteKey="GET /iam", Target=target, AuthorizationType="AWS_IAM")
    send = client.create_integration(
        ApiId=api,
        IntegrationType="AWS_PROXY",
        IntegrationSubtype="SQS-SendMessage",
        PayloadFormatVersion="1.0",
        CredentialsArn=f"arn:aws:iam::{ACCOUNT}:role/apigw-sqs",
        RequestParameters={
            "QueueUrl": queue_url,
            "MessageBody": "$request.body",
            "MessageAttributes": '{"route": {"DataType": "String", "StringValue": "send"}}',
        },
    )["IntegrationId"]
    client.create_route(ApiId=api, RouteKey="POST /send", Target=f"integrations/{send}")
    machine = cloud.client("stepfunctions").create_state_machine(
        name=f"apiauth-{api}",
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/apigw-states",
    )["stateMachineArn"]
    start = client.create_integration(
        ApiId=api,
        IntegrationType="AWS_PROXY",
        IntegrationSubtype="StepFunctions-StartExecution",
        PayloadFormatVersion="1.0",
        CredentialsArn=f"arn:aws:iam::{ACCOUNT}:role/apigw-states",
        RequestParameters={
            "StateMachineArn": machine,
            "Name": "run-$request.header.x-run",
            "Input": "$request.body",
        },
    )["IntegrationId"]
    client.create_route(ApiId=api, RouteKey="POST /start", Target=f"integrations/{start}")
    client.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    return HttpApi(api, f"{cloud.endpoint_url}/_aws/execute-api/{api}/")
