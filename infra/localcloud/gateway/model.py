"""The AWS service models the gateway checks requests against: botocore's copy of each API.

botocore ships, for every AWS service, the same model AWS's own SDKs are generated from: its
operations, how each is addressed on the wire, and every member's type and constraints (length,
range, pattern, enum, required). The gateway reads it to tell a request AWS would refuse from one
it would take, without knowing anything of moto's internals.

A model is loaded on first use, once per service (20 to 100 ms each), so a request that needs
none (a direct path, a plain moto call) never pays for it.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Mapping

import botocore.session
from botocore.exceptions import UnknownServiceError
from botocore.model import OperationModel, ServiceModel

# Signing names (the credential scope's service) that differ from botocore's service name.
SIGNING_NAMES = {"monitoring": "cloudwatch", "email": "ses", "states": "stepfunctions"}
URI_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")

_session_lock = threading.Lock()

# Where botocore's model allows more than the service's API reference documents (and moto
# checks): the documented constraint wins. (service, shape) -> constraints replaced.
DOCUMENTED = {
    # https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html: 512 to 10240 MB
    ("lambda", "EphemeralStorageSize"): {"max": 10240},
}


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(service: str) -> ServiceModel | None:
    """The model of the service a credential scope names, or None when AWS has no such API."""
    if not service:
        return None
    # botocore's loader caches into the session without a lock; one load at a time.
    with _session_lock:
        try:
            model = _session().get_service_model(SIGNING_NAMES.get(service, service))
        except UnknownServiceError:
            return None
    shapes = model._shape_resolver._shape_map  # type: ignore[attr-defined]
    for (owner, name), constraints in DOCUMENTED.items():
        if owner == service and name in shapes:
            shapes[name] = {**shapes[name], **constraints}  # in this private session only
    return model


@functools.cache
def operation(service: str, name: str) -> OperationModel | None:
    """The model of ``service``'s operation ``name``, or None when it has none of that name."""
    # Cached: botocore builds a new OperationModel (and new member shapes) on every call.
    model = service_model(service)
    if model is None or name not in model.operation_names:
        return None
    return model.operation_model(name)


@functools.cache
def _rest_routes(
    model: ServiceModel,
) -> tuple[tuple[str, re.Pattern[str], frozenset[str], str], ...]:
    """(method, path pattern, literal query keys, operation name) of every REST operation."""
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path, _, query = str(http.get("requestUri", "/")).partition("?")
        pattern = URI_LABEL.sub(
            lambda label: (
                f"(?P<{label_group(label[1])}>.+)"
                if label[2]
                else f"(?P<{label_group(label[1])}>[^/]+)"
            ),
            re.escape(path).replace(r"\{", "{").replace(r"\}", "}"),
        )
        keys = frozenset(part.partition("=")[0] for part in query.split("&") if part)
        routes.append((str(http.get("method", "GET")), re.compile(f"^{pattern}/?$"), keys, name))
    # The most specific first: a route naming query keys beats one that names none.
    return tuple(sorted(routes, key=lambda route: -len(route[2])))


@functools.cache
def pagination_token(service: str, name: str) -> str | None:
    """The member through which ``service``'s operation ``name`` takes a page's token, if any."""
    if service_model(service) is None:
        return None
    with _session_lock:
        try:
            paginators = _session().get_paginator_model(SIGNING_NAMES.get(service, service))
            token = paginators.get_paginator(name).get("input_token")
        except (UnknownServiceError, ValueError, KeyError):
            return None
    # Some operations page by several members at once; the first is the token.
    return str(token[0] if isinstance(token, list) else token) if token else None


def label_group(label: str) -> str:
    """The regex group name a path label (a member's locationName) is matched under."""
    return re.sub(r"\W", "_", label)


def rest_operation(
    service: str, method: str, path: str, query_keys: frozenset[str]
) -> tuple[OperationModel, Mapping[str, str]] | None:
    """The REST operation a method and path address, with the values of its path labels."""
    model = service_model(service)
    if model is None:
        return None
    for route_method, pattern, keys, name in _rest_routes(model):
        match = pattern.match(path) if route_method == method and keys <= query_keys else None
        found = operation(service, name) if match else None
        if match and found is not None:
            return found, match.groupdict()
    return None
