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
    ConstraintError,
    IncompleteSignatureError,
    InvalidActionError,
    InvalidArgumentError,
    InvalidParameterError,
    InvalidRequestContentError,
    MalformedXmlError,
    MissingActionError,
    MissingAuthenticationTokenError,
    MissingParameterError,
    MissingRequestBodyError,
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
MAX_XML_DEPTH = 8
S3 = "s3"
CREDENTIAL_FORMAT = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"'


def fault(request: AwsRequest) -> RequestError | None:
    """The AWS error the client's request earns by the service's model, or None if it conforms."""
    try:
        check(request)
    except RequestError as exc:
        return exc
    return None


def token_fault(request: AwsRequest) -> RequestError | None:
    """A pagination token the service cannot read, when the request carries one, else None.

    Tokens are opaque: a client only ever sends back one the service issued. A request whose
    handling failed while it carried a token (botocore's paginator model names the member) is
    the client's when the token is not one the service issued, and a token moto cannot read is
    not one it issued; so it earns the 400 AWS answers for a bad token, not a 500.
    """
    token = model.pagination_token(request.service, request.operation)
    if token is None:
        return None
    form = request.form if request.form is not None else parse_qs(request.query)
    value: Any = next(iter(form.get(token) or []), None)
    if value is None and request.target:
        try:
            document = json.loads(request.body or b"{}")
        except ValueError:
            return None
        value = document.get(token) if isinstance(document, dict) else None
    if value is None:
        return None
    error = ParameterValueError if request.protocol == "query" else ConstraintError
    return error(f"Invalid {token}: {str(value)[:100]!r} is not a token this service issued")


def unsigned_fault(request: AwsRequest) -> RequestError | None:
    """AWS's refusal of a request that is not signed at all, else None.

    The local cloud serves unsigned requests (curl, a browser) as moto guesses them; when that
    guess fails, the request lacked what AWS requires of every request.
    """
    if "authorization" in request.headers or "X-Amz-Credential=" in request.query:
        return None
    return MissingAuthenticationTokenError(
        "The request must contain either a valid (registered) AWS access key ID or X.509 "
        "certificate."
    )


def check(request: AwsRequest) -> None:
    """Raise the ``RequestError`` for what in ``request`` breaks the API; nothing if it conforms."""
    check_signature(request)
    if not request.service:
        # No credential scope: unsigned, or S3's old signature (moto then takes it to be S3's,
        # whatever else it says). An unsigned query or JSON request moto guesses the service
        # of from its body; there is no model to hold it to.
        if "authorization" in request.headers or request.protocol == "rest-xml":
            _check_s3_guess(request)
        return
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
        _check_rest(request, protocol, request.service)


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
# arn:partition:service:region:account:resource (region and account may be empty).
ARN = re.compile(r"arn:[^:\s]+:[^:\s]+:[^:\s]*:[^:\s]*:.+")
# The code a query service gives a parameter of the wrong form; the common one otherwise.
QUERY_VALUE_ERRORS: dict[str, type[RequestError]] = {"sns": InvalidParameterError}


def _names_an_arn(name: str, member: Shape) -> bool:
    """Whether a member holds an ARN, by its name or its shape's (TopicArn, topicARN...)."""
    return name.lower().endswith("arn") or member.name.lower().endswith("arn")


def _check_query(request: AwsRequest) -> None:
    # Read again with the blank values the parsed form drops: "DurationSeconds=" is a value.
    text = request.body.decode(errors="replace") if request.form is not None else request.query
    form = parse_qs(text, keep_blank_values=True)
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
        # A blank value of a required parameter is no value (SNS's TopicArn=).
        given = [
            key for key in form if (key == wire and form[key][0]) or key.startswith(f"{wire}.")
        ]
        if not given and name in shape.required_members:
            raise MissingParameterError(f"The request must contain the parameter {wire}.")
        if wire in form:
            _check_query_scalar(request.service, name, member, wire, form[wire][0])


def _check_query_scalar(service: str, name: str, member: Shape, wire: str, value: str) -> None:
    kind = member.type_name
    if kind == "string" and value and _names_an_arn(name, member) and not ARN.match(value):
        # The query services' models give ARNs no pattern; every ARN has six parts.
        raise QUERY_VALUE_ERRORS.get(service, ParameterValueError)(f"Invalid parameter: {wire}")
    if kind in ("integer", "long") and not re.fullmatch(r"[+-]?\d+", value.strip()):
        raise ParameterValueError(
            f"Value {value} for parameter {wire} is invalid. Reason: must be an integer."
        )
    if kind == "boolean" and value.lower() not in ("true", "false"):
        raise ParameterValueError(
            f"Value {value} for parameter {wire} is invalid. Reason: must be true or false."
        )


# -- REST protocols (Lambda's JSON, S3's XML) ----------------------------------------------------
def _check_s3_guess(request: AwsRequest) -> None:
    """A request with no credential scope, which moto takes to be S3's."""
    query = frozenset(parse_qs(request.query, keep_blank_values=True))
    if model.rest_operation(S3, request.method, request.path, query) is None and (
        request.method == "POST" and request.path.strip("/") and "/" not in request.path.strip("/")
    ):
        # A POST to a bucket is a browser's upload (S3's POST Object, which botocore does not
        # model): a form that names the key. S3's words for one that does not.
        if "key" not in (request.form or {}):
            raise InvalidArgumentError(
                "Bucket POST must contain a field named 'key'.  If it is specified, please "
                "check the order of the fields."
            )
        return
    _check_rest(request, "rest-xml", S3)


def _check_rest(request: AwsRequest, protocol: str, service: str) -> None:
    query = parse_qs(request.query, keep_blank_values=True)
    found = model.rest_operation(service, request.method, request.path, frozenset(query))
    if found is None:
        raise UnknownPathError(f"No operation of {service} is at {request.method} {request.path}")
    operation, labels = found
    shape = operation.input_shape
    if shape is None:
        return
    payload = shape.serialization.get("payload")
    params = _located(operation, labels, query, request.headers)
    if protocol == "rest-xml":
        # Only what the path, query and headers carry is read here; the body is XML.
        for name in shape.required_members:
            if name not in params and name != payload:
                constraints.check(shape, params)  # reports every member that is missing
        # With its body empty, a Put whose settings travel in the body or in headers
        # (PutBucketAcl: a policy, or x-amz-acl) must have some in the headers.
        in_headers = not operation.name.startswith("Put") or any(
            shape.members[name].serialization.get("location") == "header" for name in params
        )
        _check_xml_payload(
            shape.members.get(payload) if payload else None,
            payload or "",
            payload in shape.required_members or not in_headers,
            request.body,
        )
        return
    if payload is None and request.body.strip():
        # Lambda words a body that is not JSON as it does for Invoke's payload.
        params.update(_json_document(request.body, InvalidRequestContentError))
    constraints.check(shape, params)


# S3's words for a body that is not XML, or not the document the operation takes:
# https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
MALFORMED_XML = (
    "The XML you provided was not well-formed or did not validate against our published schema"
)


def _check_xml_payload(payload: Shape | None, name: str, required: bool, body: bytes) -> None:
    if payload is None or payload.type_name != "structure":
        return
    if not body.strip():
        if required:  # S3's code and words for it
            raise MissingRequestBodyError("Request Body is empty")
        return
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise MalformedXmlError(MALFORMED_XML) from exc
    if _local(root.tag) != payload.serialization.get("name", name):
        raise MalformedXmlError(MALFORMED_XML)
    _check_xml_structure(root, payload, depth=0)


def _check_xml_structure(element: ElementTree.Element, shape: Shape, depth: int) -> None:
    """Every child one of the structure's members, every required member there, recursively."""
    if depth > MAX_XML_DEPTH:
        raise MalformedXmlError(MALFORMED_XML)
    members = {}
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        members[member.serialization.get("name", name)] = (name, member)
        if member.type_name == "list" and member.serialization.get("flattened"):
            members[member.member.serialization.get("name", name)] = (name, member)
    seen = set()
    for child in element:
        found = members.get(_local(child.tag))
        if found is None:
            raise MalformedXmlError(MALFORMED_XML)
        name, member = found
        seen.add(name)
        if member.type_name == "structure":
            _check_xml_structure(child, member, depth + 1)
        elif member.type_name == "list" and member.member.type_name == "structure":
            items = [child] if member.serialization.get("flattened") else list(child)
            for item in items:
                _check_xml_structure(item, member.member, depth + 1)
    if set(shape.required_members) - seen:  # type: ignore[attr-defined]
        raise MalformedXmlError(MALFORMED_XML)


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


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
