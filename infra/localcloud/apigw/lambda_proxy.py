"""The ``AWS_PROXY`` integration: the request as a payload 1.0 or 2.0 event to a function.

The function runs through the engine's invoker (RequestResponse, warm workers) and its answer
is mapped back (payloads.py). AWS's answers when it cannot be: a function error or a response
that is not a proxy response is REST's 502 / HTTP APIs' 500; no such function a 500; an
invocation still running when the integration's timeout passes (REST 29 s, HTTP APIs 30 s, or
the integration's TimeoutInMillis) a 504.
"""

from __future__ import annotations

import json
import logging
import re

from localcloud.apigw import payloads, steps
from localcloud.apigw.errors import MalformedResponseError
from localcloud.apigw.model import REST, Answer

log = logging.getLogger(__name__)

_FUNCTION_IN_URI = re.compile(r"/functions/(?P<function>.+?)/invocations$")
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")


def function_of(uri: str, variables: dict[str, str]) -> str:
    """The function an integration URI names: an apigateway invocation URI or a Lambda ARN,
    ``${stageVariables.name}`` filled in from the stage."""
    uri = _STAGE_VARIABLE.sub(lambda m: variables.get(m["name"], ""), uri)
    found = _FUNCTION_IN_URI.search(uri)
    return found["function"] if found else uri


def integrate(call: steps.IntegrationCall) -> Answer:
    protocol = call.api.protocol
    version = call.integration.payload_format_version
    function = function_of(call.integration.uri, dict(call.stage.variables))
    event = payloads.event_for(
        version, call.api, call.match, call.stage, call.request, call.authorizer, call.identity
    )
    default_ms = payloads.REST_TIMEOUT_MS if protocol == REST else payloads.HTTP_TIMEOUT_MS
    timeout_s = (call.integration.timeout_ms or default_ms) / 1000
    outcome = call.invoke(
        function, json.dumps(event, separators=(",", ":")).encode(), call.trace, timeout_s
    )
    if outcome.missing:
        log.warning(
            "API %s: integration names function %s, which does not exist", call.api.id, function
        )
        return payloads.internal_error(protocol)
    if outcome.timed_out:
        return payloads.timed_out(protocol)
    if outcome.failed:
        return payloads.integration_failure(protocol)
    try:
        return payloads.response_for(version, protocol, outcome.payload)
    except MalformedResponseError as exc:
        log.warning("API %s: function %s: %s", call.api.id, function, exc)
        return payloads.integration_failure(protocol)
