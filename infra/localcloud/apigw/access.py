"""Access control in the request pipeline: authorizers, API keys and CORS, as steps.

``AccessControl.install(pipeline)`` registers its steps on the cloud's ``steps.Steps``:

- preflight: an HTTP API with a ``CorsConfiguration`` answers a browser's preflight itself
  (cors.py), 204 with the configured headers, before routing;
- authorize: the route's authorization (REST ``CUSTOM`` Lambda authorizers, TOKEN or REQUEST;
  HTTP APIs' ``CUSTOM`` Lambda authorizers and ``JWT`` authorizers), then, on REST methods with
  ``apiKeyRequired``, the API key and its usage plan (apikeys.py). An allowed request carries
  what the authorizer said into ``requestContext.authorizer``; a refused one gets AWS's status
  and body (denials.py). ``AWS_IAM`` routes take only SigV4-signed requests (iam_auth.py: the
  signature is not verified, no IAM policy is evaluated); the signer fills REST's
  ``requestContext.identity`` and HTTP APIs' ``authorizer.iam``. The API key a REST method
  required fills ``identity.apiKey`` / ``apiKeyId``. REST Cognito user pool authorizers take
  tokens of the local cloud's own user pools (moto signs them with one key of its own:
  jwt_auth.JwksSource's local issuers);
- respond: on an HTTP API with CORS, the configured headers replace the integration's own.

Authorizer functions run through the same invoker as integrations, under the request's trace
hop, so ``localcloud trace`` shows ``request`` -> ``invoke authorizer`` -> ``invoke handler``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from localcloud.apigw import apikeys, cors, denials, gateway_responses, iam_auth, payloads, steps
from localcloud.apigw.apikeys import KeyRing, UsageMeter
from localcloud.apigw.authorizers import (
    Authorizers,
    FunctionAnswer,
    Grant,
    LambdaAuthorizer,
    RequestParts,
    http_authorizer_context,
    rest_authorizer_context,
)
from localcloud.apigw.denials import Denial
from localcloud.apigw.jwt_auth import (
    JwksSource,
    JwtAuthorizer,
    JwtGrant,
    JwtVerifier,
    unverified_issuer,
)
from localcloud.apigw.lambda_proxy import function_of
from localcloud.apigw.model import (
    HTTP,
    Allow,
    Answer,
    ApiRequest,
    ApiView,
    Deny,
    Match,
    StageView,
)
from localcloud.apigw.policy import method_arn
from localcloud.apigw.service_steps import mapped

log = logging.getLogger(__name__)

# How long API Gateway waits for an authorizer function.
AUTHORIZER_TIMEOUT_S = 10.0
# REST authorizers cache for 300 s unless told otherwise; HTTP APIs' do not cache by default.
REST_DEFAULT_TTL_S = 300


class AccessControl:
    """The preflight, authorize and respond steps, with the state they keep (caches, meters)."""

    def __init__(
        self,
        jwks: JwksSource,
        key_rings: Callable[[str, str], KeyRing],
        meter: UsageMeter | None = None,
    ) -> None:
        """``key_rings(region, account)``: the API keys and usage plans deployed there."""
        self.authorizers = Authorizers()
        self.jwt = JwtVerifier(jwks)
        self.meter = meter or UsageMeter()
        self._key_rings = key_rings

    def install(self, pipeline: steps.Steps) -> None:
        pipeline.register_origin_check(self.allows_origin)
        pipeline.register_preflight(self.preflight)
        pipeline.register_authorizer(self.authorize)
        pipeline.register_responder("cors", self.respond)

    def reset(self) -> None:
        """Forget cached authorizer answers and usage counts (a reset, a redeploy)."""
        self.authorizers.forget()
        self.meter.forget()

    # -- CORS ------------------------------------------------------------------------------------
    @staticmethod
    def allows_origin(api: ApiView, origin: str) -> bool:
        """Whether the API's own CORS settings let a page from ``origin`` call it: an HTTP API's
        CorsConfiguration, or a REST API's OPTIONS methods (SAM's Cors) answering with an
        ``Access-Control-Allow-Origin`` of ``'*'`` or that origin."""
        config = _cors(api)
        if config is not None:
            return config.allowed_origin(origin) is not None
        if api.protocol == HTTP:
            return False
        for route in api.routes:
            if route.method != "OPTIONS" or route.integration is None:
                continue
            responses = route.integration.raw.get("integrationResponses") or {}
            for response in dict(responses).values():
                parameters = (response or {}).get("responseParameters") or {}
                value = parameters.get("method.response.header.Access-Control-Allow-Origin")
                if value and str(value).strip("'") in ("*", origin.rstrip("/")):
                    return True
        return False

    # -- preflight and respond -------------------------------------------------------------------
    def preflight(self, api: ApiView, request: ApiRequest) -> Answer | None:
        config = _cors(api)
        headers = _headers(request)
        if config is None or not cors.is_preflight(request.method, headers):
            return None
        return Answer(204, tuple(cors.preflight(config, headers)))

    def respond(self, api: ApiView, request: ApiRequest, answer: Answer) -> Answer:
        config = _cors(api)
        headers = _headers(request)
        if (
            config is None
            or not headers.get("origin")
            or cors.is_preflight(request.method, headers)
        ):
            return answer
        return Answer(
            answer.status, tuple(cors.apply(config, headers, answer.headers)), answer.body
        )

    # -- authorize -------------------------------------------------------------------------------
    def authorize(
        self,
        api: ApiView,
        match: Match,
        request: ApiRequest,
        stage: StageView,
        invoke: steps.Invoke,
    ) -> Allow | Deny:
        route = match.route
        kind = route.authorization_type.upper() or "NONE"
        context: Mapping[str, Any] | None = None
        identity: dict[str, Any] = {}
        usage_key: str | None = None
        if kind == "CUSTOM":
            outcome = self._lambda(api, match, request, stage, invoke)
            if isinstance(outcome, Denial):
                return _deny(api, match, stage, request, outcome)
            usage_key = outcome.usage_key
            context = self._lambda_context(api, match, outcome)
        elif kind == "JWT":
            jwt_outcome = self._jwt(api, match, request)
            if isinstance(jwt_outcome, Denial):
                return _deny(api, match, stage, request, jwt_outcome)
            context = jwt_outcome.authorizer_context(_payload_version(match))
        elif kind == "COGNITO_USER_POOLS":
            cognito = self._cognito(api, match, request)
            if isinstance(cognito, Denial):
                return _deny(api, match, stage, request, cognito)
            context = {"claims": dict(cognito.claims)}
        elif kind == "AWS_IAM":
            caller = iam_auth.signed_caller(request, api.account)
            if caller is None:
                return _deny(api, match, stage, request, iam_auth.unsigned(api.protocol != HTTP))
            identity.update(caller.rest_identity())
            if api.protocol == HTTP:
                context = caller.http_authorizer()
        elif kind != "NONE":
            log.warning(
                "API %s route %s: authorization type %s is unknown", api.id, route.key, kind
            )
            return Deny(payloads.internal_error(api.protocol))
        if route.api_key_required and api.protocol != HTTP:
            value = usage_key if api.api_key_source == "AUTHORIZER" else request.header("x-api-key")
            admitted = self.meter.admit(
                self._key_rings(api.region, api.account),
                value,
                api.id,
                stage.name,
                f"{route.path}/{request.method}",
            )
            if isinstance(admitted, Denial):
                return _deny(api, match, stage, request, admitted)
            identity.update(apiKey=admitted.value, apiKeyId=admitted.key_id)
        return Allow(context, identity or None)

    def _lambda(
        self,
        api: ApiView,
        match: Match,
        request: ApiRequest,
        stage: StageView,
        invoke: steps.Invoke,
    ) -> Grant | Denial:
        rest = api.protocol != HTTP
        described = api.authorizers.get(match.route.authorizer_id or "")
        if described is None:
            return _config_error(api, match, f"authorizer {match.route.authorizer_id} is missing")
        authorizer = _lambda_authorizer(described, rest, dict(stage.variables))
        path = unquote(request.path)
        arn = method_arn(api.region, api.account, api.id, stage.name, request.method, path)
        parts = RequestParts(
            {k.lower(): v for k, v in request.headers},
            dict(parse_qsl(request.query, keep_blank_values=True)),
            dict(stage.variables),
            _context_variables(api, request, stage),
        )
        version = "1.0" if rest else authorizer.payload_version

        def proxy_event() -> Mapping[str, Any]:
            return payloads.event_for(version, api, match, stage, request, None)

        def call(function: str, event: dict[str, Any]) -> FunctionAnswer:
            data = json.dumps(event, separators=(",", ":")).encode()
            outcome = invoke(function, data, None, AUTHORIZER_TIMEOUT_S)
            if outcome.missing:
                return FunctionAnswer(True, _error(f"function {function} does not exist"))
            if outcome.timed_out:
                return FunctionAnswer(True, _error("the authorizer timed out"))
            return FunctionAnswer(outcome.failed, outcome.payload)

        return self.authorizers.authorize(authorizer, parts, arn, proxy_event, call)

    def _lambda_context(self, api: ApiView, match: Match, grant: Grant) -> dict[str, Any]:
        if api.protocol != HTTP:
            return rest_authorizer_context(grant)
        return http_authorizer_context(grant, _payload_version(match))

    def _cognito(self, api: ApiView, match: Match, request: ApiRequest) -> JwtGrant | Denial:
        """A REST Cognito user pool authorizer: a token of one of its pools (the local cloud's
        own Cognito signs them), with the method's scopes if it names any."""
        described = api.authorizers.get(match.route.authorizer_id or "") or {}
        issuers = {_pool_issuer(str(arn)) for arn in described.get("providerARNs") or ()}
        source = str(described.get("identitySource") or "method.request.header.Authorization")
        header = source.removeprefix("method.request.header.")
        token = request.header(header)
        issuer = unverified_issuer(token)
        authorizer = JwtAuthorizer(
            str(described.get("id", "")), str(described.get("name", "")), issuer or "", ()
        )
        if issuer not in issuers:
            return denials.unauthorized(
                True, f"Cognito authorizer {authorizer.name}: the token is not from its pools"
            )
        outcome = self.jwt.verify(authorizer, token, match.route.authorization_scopes)
        if isinstance(outcome, Denial):  # REST words JWT refusals its own way
            status = outcome.status
            if status == 401:
                return denials.unauthorized(True, outcome.reason)
            return denials.forbidden(True, outcome.reason, response_type="ACCESS_DENIED")
        return outcome

    def _jwt(self, api: ApiView, match: Match, request: ApiRequest) -> JwtGrant | Denial:
        described = api.authorizers.get(match.route.authorizer_id or "")
        config = (described or {}).get("jwtConfiguration") or {}
        if described is None or not config.get("issuer"):
            return _config_error(api, match, "its JWT authorizer has no issuer")
        sources = described.get("identitySource") or ["$request.header.Authorization"]
        source = str(sources[0] if isinstance(sources, list | tuple) else sources)
        authorizer = JwtAuthorizer(
            str(described.get("authorizerId", "")),
            str(described.get("name", "")),
            str(config["issuer"]),
            tuple(str(a) for a in config.get("audience") or ()),
            source,
        )
        return self.jwt.verify(
            authorizer, _jwt_token(source, request), match.route.authorization_scopes
        )


def _pool_issuer(arn: str) -> str:
    """``arn:aws:cognito-idp:{region}:{account}:userpool/{id}`` -> the pool's token issuer."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return arn
    return f"https://cognito-idp.{parts[3]}.amazonaws.com/{parts[5].rsplit('/', 1)[-1]}"


def _deny(
    api: ApiView, match: Match, stage: StageView, request: ApiRequest, denial: Denial
) -> Deny:
    log.info("API %s route %s: %s (%d)", api.id, match.route.key, denial.reason, denial.status)
    if api.protocol != HTTP and gateway_responses.configured_for(api.gateway_responses, denial):
        status, headers, body = gateway_responses.customize(
            api.gateway_responses, denial, mapped(api, match, stage, request, None)
        )
        return Deny(Answer(status, tuple(headers), body))
    return Deny(Answer(denial.status, tuple(denial.all_headers()), denial.body_bytes()))


def _config_error(api: ApiView, match: Match, why: str) -> Denial:
    log.warning("API %s route %s: %s", api.id, match.route.key, why)
    return denials.authorizer_failed(api.protocol != HTTP, why)


def _lambda_authorizer(
    described: Mapping[str, Any], rest: bool, variables: dict[str, str]
) -> LambdaAuthorizer:
    if rest:
        sources = str(described.get("identitySource") or "")
        ttl = described.get("authorizerResultTtlInSeconds")
        return LambdaAuthorizer(
            authorizer_id=str(described.get("id", "")),
            name=str(described.get("name", "")),
            rest=True,
            kind="TOKEN" if str(described.get("type", "TOKEN")).upper() == "TOKEN" else "REQUEST",
            function=function_of(str(described.get("authorizerUri") or ""), variables),
            identity_sources=tuple(s.strip() for s in sources.split(",") if s.strip()),
            ttl_s=REST_DEFAULT_TTL_S if ttl is None else int(ttl),
            validation_expression=described.get("identityValidationExpression") or None,
        )
    identity = described.get("identitySource") or ()
    if isinstance(identity, str):
        identity = [s.strip() for s in identity.split(",") if s.strip()]
    return LambdaAuthorizer(
        authorizer_id=str(described.get("authorizerId", "")),
        name=str(described.get("name", "")),
        rest=False,
        kind="REQUEST",
        function=function_of(str(described.get("authorizerUri") or ""), variables),
        identity_sources=tuple(identity),
        ttl_s=int(described.get("authorizerResultTtlInSeconds") or 0),
        payload_version=str(described.get("authorizerPayloadFormatVersion") or "2.0"),
        simple_responses=bool(described.get("enableSimpleResponses")),
    )


def _jwt_token(source: str, request: ApiRequest) -> str | None:
    if source.startswith("$request.header."):
        return request.header(source[len("$request.header.") :])
    if source.startswith("$request.querystring."):
        return dict(parse_qsl(request.query)).get(source[len("$request.querystring.") :])
    return None


def _payload_version(match: Match) -> str:
    integration = match.route.integration
    return integration.payload_format_version if integration is not None else "2.0"


def _context_variables(api: ApiView, request: ApiRequest, stage: StageView) -> dict[str, Any]:
    return {
        "apiId": api.id,
        "accountId": api.account,
        "requestId": request.request_id,
        "stage": stage.name,
        "httpMethod": request.method,
        "path": request.path,
        "identity": {"sourceIp": request.source_ip, "userAgent": request.header("user-agent")},
    }


def _cors(api: ApiView) -> cors.CorsConfig | None:
    return cors.CorsConfig.from_api(api.cors) if api.protocol == HTTP else None


def _headers(request: ApiRequest) -> dict[str, str]:
    return {k.lower(): v for k, v in request.headers}


def _error(message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": "LocalCloudError"}).encode()


def key_rings_from(view: Callable[[str, str], Any]) -> Callable[[str, str], KeyRing]:
    """``key_rings`` reading an ``ApiKeysView`` (emulator.backends.api_keys) each time."""

    def rings(region: str, account: str) -> KeyRing:
        held = view(region, account)
        return apikeys.key_ring(held.keys, held.plans, held.plan_keys)

    return rings
