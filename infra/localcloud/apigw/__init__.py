"""API Gateway's data plane: REST and HTTP APIs in front of the functions, on the cloud's port.

The deployer (deploy/kinds/apigateway.py, apigatewayv2.py) creates APIs in moto, which keeps
them (boto3's get_rest_apis/get_apis, reset and saved state work as for every service). A
request to an API is answered here, before the gateway's AWS dispatch, in one pipeline
(door.py), each step a small replaceable part. The replaceable ones (capitalised below) live on
a ``steps.Steps`` object that runtime.build makes for its cloud and hands to the ``ApiDoor``;
access control and service integrations register on it there (``install(pipeline)``), and a
test replaces one on its own cloud (``cloud.running().apis.steps``). No step is module state:
a cloud stopped and another built in the same process share nothing.

1. locate    locate.py    the URL form (``/_aws/execute-api/{api}/{stage}/...``, the Host form
                          ``{api}.execute-api.localhost.localstack.cloud``, REST's
                          ``/restapis/{api}/{stage}/_user_request_/...``) -> API id, stage, path.
                          HTTP APIs with a ``$default`` stage take no stage segment.
2. load       emulator.backends.api(): the API as a frozen view (emulator/apigw_views.py).
3. limits     a body over 10 MB -> 413.
4. PREFLIGHT  steps.Preflight: may answer the request before routing (CORS preflight).
              Default: none. ``Steps.register_preflight(fn)`` replaces it. Note that the
              gateway's browser policy (gateway/browser.py) runs before the door: a request whose
              Origin is not the cloud's own or listed in LOCALCLOUD_CORS_ORIGINS is refused, and
              an allowed origin's OPTIONS preflight is answered there, before any API sees it.
5. route      router.py: the most specific route (literal > {var} > {greedy+}, METHOD > ANY,
              then ``$default``); no route -> HTTP 404 {"message":"Not Found"}, REST 403
              {"message":"Missing Authentication Token"}.
6. AUTHORIZE  steps.Authorizer: (api, match, request, stage) -> Allow(context) or Deny(answer).
              Allow's context becomes requestContext.authorizer. Default: routes with
              authorization type NONE are allowed with no context; any other type is answered
              500 until an authorizer is registered (``Steps.register_authorizer(fn)``).
6b. VALIDATE  validation.py (REST): the method's request validator checks its required
              parameters and its body against the model for the Content-Type; a refusal is
              AWS's 400 (BAD_REQUEST_PARAMETERS / BAD_REQUEST_BODY, which gateway responses
              reword) and the integration does not run.
7. INTEGRATE  the integrations, keyed by integration type: ``AWS_PROXY`` (lambda_proxy.py:
              payload 1.0 / 2.0 events, the function run through the engine's invoker, the
              response mapped back, AWS's 502/500/504 answers) is here; ``AWS``, ``MOCK``,
              ``HTTP_PROXY`` to loopback URLs (http_proxy.py) and HTTP APIs' first-class
              (subtype) integrations are registered by
              ``Steps.register_integration(type, fn)``. An unregistered type answers 500.
8. RESPOND    the responders, by name: each may add headers to the answer (CORS on actual
              requests).
9. trace      the request is the root hop of its trace (``request apigateway:POST /users 201``);
              the invocation and everything it causes hang below it.

Deploy kinds for authorizers, API keys and usage plans register like any kind
(``deploy.kinds.base.register``). The API kinds (deploy/kinds/apigateway.py, apigatewayv2.py)
refuse what they do not apply: Cors/Auth-derived OpenAPI keys and non-proxy integrations are
listed by ``deploy.openapi.unapplied_extensions``, and the Method, Route and Integration kinds'
``unapplied`` name non-NONE authorization and non-AWS_PROXY types; shrink those lists as support
lands.

Layers: ``door`` (uses the emulator's views and the engine's invoker via a protocol) over the
pure ``router``, ``payloads``, ``locate``, ``model`` and ``steps``, which import no moto.
"""
