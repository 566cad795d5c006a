"""Whether a request is one AWS would take at all, judged by the service's published model.

When moto fails on a request, someone is at fault: the client, if the request breaks the API
(a signature AWS cannot read, an operation the service does not have, a body its protocol cannot
parse, a value of the wrong type, a required member missing, a constraint broken), or else the
local cloud itself. ``fault`` finds the client's fault, as the AWS error it earns, so that only
a request the model says is fine is answered with a 500 (faults.py). It is not on any hot path:
it runs once something has already failed.

Each protocol is read as botocore writes it: JSON (X-Amz-Target), query (a form's Action),
REST-JSON (Lambda: method and path) and REST-XML (S3).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs
from xml.etree import ElementTree

from botocore.model import OperationModel, Shape

from localcloud.gateway import constraints, model
from localcloud.gateway.errors import (
    IncompleteSignatureError,
    InvalidActionError,
    InvalidRequestContentError,
    MalformedXmlError,
    MissingActionError,
    MissingParameterError,
    ParameterValueError,
    RequestError,
    SerializationError,
    UnknownOperationError,
    UnknownPathError,
    UnknownServiceError,
)
from localcloud.gateway.request import AwsRequest

# What moto can read of a SigV4 header (and AWS requires): scheme, then the credential scope.
SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=[^/\s,]*/\d{8}/[^/\s,]+/[^/\s,]+/aws4_request(?:[\s,]|$)"
)
# S3 still takes the old signature, "AWS <access key>:<signature>".
SIGV2 = re.compile(r"AWS [^:\s]+:\S+$")
SIGV4_PARTS = ("Credential", "Signature", "SignedHeaders")
CREDENTIAL_FORMAT = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"'


def fault(request: AwsRequest) -> RequestError | None:
    """The AWS error the client's request earns by the service's model, or None if it conforms."""
    try:
        check(request)
    except RequestError as exc:
        return exc
    return None


def check(request: AwsRequest) -> None:
    """Raise the ``RequestError`` for what in ``request`` breaks the API; nothing if it conforms."""
    check_signature(request)
    if not request.service:
        return  # unsigned: moto guesses the service; there is no model to hold it to
    if model.service_model(request.service) is None:
        raise UnknownServiceError(
            f"Credential should be scoped to a service this endpoint serves, not "
            f"'{request.service}'"
        )
    protocol = request.protocol
    if protocol == "json":
        _check_json(request)
    elif protocol == "query":
        _check_query(request)
    else:
        _check_rest(request, protocol)


def check_signature(request: AwsRequest) -> None:
    """An Authorization header must be a signature AWS (and moto) can read."""
    header = request.headers.get("authorization")
    if header is None or SIGV4.match(header) or SIGV2.match(header):
        return
    missing = [part for part in SIGV4_PARTS if f"{part}=" not in header]
    # AWS's own wording for each missing part; a malformed credential in S3's wording.
    reasons = [f"Authorization header requires '{part}' parameter." for part in missing]
    if not missing:
        reasons = [f"The Credential is mal-formed; expecting {CREDENTIAL_FORMAT}."]
    raise IncompleteSignatureError(" ".join(reasons) + f" Authorization={header}")


# -- JSON protocol (X-Amz-Target) ----------------------------------------------------------------
def _check_json(request: AwsRequest) -> None:
    service_model = model.service_model(request.service)
    prefix, _, name = request.target.rpartition(".")
    found = model.operation(request.service, name)
    expected = service_model.metadata.get("targetPrefix") if service_model else None
    if found is None or (expected and prefix != expected):
        raise UnknownOperationError(
            f"The operation {request.target} is not an operation of {request.service}"
        )
    constraints.check(found.input_shape, _json_document(request.body, SerializationError))


def _json_document(body: bytes, error: type[RequestError]) -> dict[str, Any]:
    try:
        document = json.loads(body or b"{}")
    except ValueError as exc:
        raise error(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise error(constraints.unexpected(document, "structure"))
    return document


# -- query protocol (a form's Action) ------------------------------------------------------------
def _check_query(request: AwsRequest) -> None:
    form = request.form if request.form is not None else parse_qs(request.query)
    action = (form.get("Action") or [""])[0]
    if not action:
        raise MissingActionError("The request must contain the parameter Action.")
    found = model.operation(request.service, action)
    if found is None:
        raise InvalidActionError(f"The action {action} is not valid for this endpoint.")
    shape = found.input_shape
    if shape is None:
        return
    for name, member in shape.members.items():
        wire = member.serialization.get("name", name)
        given = [key for key in form if key == wire or key.startswith(f"{wire}.")]
        if not given and name in shape.required_members:
            raise MissingParameterError(f"The request must contain the parameter {wire}.")
        if wire in form:
            _check_query_scalar(member, wire, form[wire][0])


def _check_query_scalar(member: Shape, wire: str, value: str) -> None:
    kind = member.type_name
    if kind in ("integer", "long") and not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ParameterValueError(
            f"Value {value} for parameter {wire} is invalid. Reason: must be an integer."
        )
    if kind == "boolean" and value.lower() not in ("true", "false"):
        raise ParameterValueError(
            f"Value {value} for parameter {wire} is invalid. Reason: must be true or false."
        )


# -- REST protocols (Lambda's JSON, S3's XML) ----------------------------------------------------
def _check_rest(request: AwsRequest, protocol: str) -> None:
    query = parse_qs(request.query, keep_blank_values=True)
    found = model.rest_operation(request.service, request.method, request.path, frozenset(query))
    if found is None:
        raise UnknownPathError(
            f"No operation of {request.service} is at {request.method} {request.path}"
        )
    operation, labels = found
    shape = operation.input_shape
    if shape is None:
        return
    payload = shape.serialization.get("payload")
    if protocol == "rest-xml":
        _check_xml_payload(shape.members.get(payload) if payload else None, request.body)
        return
    params = _located(operation, labels, query, request.headers)
    if payload is None and request.body.strip():
        # Lambda words a body that is not JSON as it does for Invoke's payload.
        params.update(_json_document(request.body, InvalidRequestContentError))
    constraints.check(shape, params)


def _check_xml_payload(payload: Shape | None, body: bytes) -> None:
    if payload is None or payload.type_name != "structure" or not body.strip():
        return
    try:
        ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        # S3's message for it: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
        raise MalformedXmlError(
            "The XML you provided was not well-formed or did not validate against our "
            "published schema"
        ) from exc


def _located(
    operation: OperationModel,
    labels: Mapping[str, str],
    query: Mapping[str, list[str]],
    headers: Mapping[str, str],
) -> dict[str, Any]:
    """The members a REST request carries in its path, query string and headers, typed."""
    params: dict[str, Any] = {}
    shape = operation.input_shape
    for name, member in shape.members.items() if shape is not None else ():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            value: Any = labels.get(model.label_group(wire))
        elif location == "querystring":
            values = query.get(wire) or []
            value = values if member.type_name == "list" else next(iter(values), None)
        elif location == "header":
            value = headers.get(wire.lower())
        else:
            continue
        if value is not None:
            params[name] = _typed(member, wire, value)
    return params


def _typed(member: Shape, wire: str, value: Any) -> Any:
    """A path, query or header value as the type its member has."""
    kind = member.type_name
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError as exc:
            raise SerializationError(f"{wire}: {value!r} is not an integer") from exc
    if kind == "boolean":
        if str(value).lower() not in ("true", "false"):
            raise SerializationError(f"{wire}: {value!r} is not true or false")
        return str(value).lower() == "true"
    return value
