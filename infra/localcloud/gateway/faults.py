"""What a door answers when handling a request failed: AWS's error, never a traceback page.

Two cases reach here. An exception escaped the gateway or moto (moto raises ``KeyError``,
``TypeError``... on input it does not expect), or moto answered an error that is not in AWS's
shape (werkzeug's HTML 404 page, an empty 404). Either way the request is first held to the
service's model (wellformed.py): if it breaks the API, the client is at fault and gets the 4xx
AWS answers for it; if it conforms, the failure is the local cloud's own, answered as AWS
answers its own faults, a 500 ``InternalFailure``, and logged with its traceback so it can be
fixed rather than hidden.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from http import HTTPStatus

from localcloud.errors import LocalCloudError, to_aws_error
from localcloud.gateway import wellformed
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, error_response

log = logging.getLogger(__name__)

# AWS's description of the error, from its "Common Errors" pages (e.g.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
INTERNAL_FAILURE = (
    "The request processing has failed because of an unknown error, exception or failure."
)


def failure(request: AwsRequest, exc: BaseException) -> Response:
    """The answer to ``request``, whose handling raised ``exc``."""
    if isinstance(exc, LocalCloudError) and exc.http_status < 500:
        return error_response(request, *to_aws_error(exc))  # a refusal, raised on purpose
    refusal = _fault(request)
    if refusal is not None:
        log.debug("%s refused: %s (moto raised %r)", _name(request), refusal, exc)
        return error_response(request, *to_aws_error(refusal))
    if isinstance(exc, NotImplementedError):
        # moto's way of saying it does not serve this operation (or this form of it).
        return error_response(
            request,
            501,
            "NotImplemented",
            f"{_name(request)} is not implemented by the local cloud: {exc}",
        )
    log.error("%s failed inside the local cloud", _name(request), exc_info=exc)
    return error_response(
        request, 500, "InternalFailure", f"{INTERNAL_FAILURE} ({type(exc).__name__}: {exc})"
    )


def reshaped(
    request: AwsRequest, status: int, headers: Sequence[tuple[str, str]], body: bytes
) -> Response | None:
    """AWS's answer in place of an error moto answered out of AWS's shape; None to keep it."""
    if status < 400 or (status < 500 and request.method == "HEAD"):
        return None  # a HEAD's error has no body in AWS either
    shaped = _aws_shaped(headers, body)
    if shaped and status < 500:
        return None
    if status == 403 and not body.strip() and request.protocol == "rest-xml":
        # moto's S3 refuses an object or bucket the caller may not read with an empty 403
        return error_response(request, 403, "AccessDenied", "Access Denied")
    refusal = _fault(request)
    if refusal is not None:
        return error_response(request, *to_aws_error(refusal))
    if shaped:
        return None  # moto's own 5xx in AWS's shape: its words are the best there are
    if status >= 500:
        log.error("%s: moto answered %d: %r", _name(request), status, body[:500])
        return error_response(request, 500, "InternalFailure", INTERNAL_FAILURE)
    code = "".join(word.capitalize() for word in _phrase(status).split())
    return error_response(
        request, status, code, f"{request.method} {request.path}: {_phrase(status)}"
    )


def _fault(request: AwsRequest) -> LocalCloudError | None:
    try:
        return (
            wellformed.fault(request)
            or wellformed.token_fault(request)
            or wellformed.unsigned_fault(request)
        )
    except Exception:  # the judge failing must not turn one failure into two
        log.exception("%s: could not check the request against its model", _name(request))
        return None


def _aws_shaped(headers: Sequence[tuple[str, str]], body: bytes) -> bool:
    """Whether an error body is one botocore reads: XML with a Code, or JSON with a type."""
    named = {name.lower(): value for name, value in headers}
    if named.get("x-amzn-errortype"):
        return True  # the REST-JSON protocols name the error in a header
    if not body.strip():
        return False
    if body.lstrip().startswith(b"<"):
        # werkzeug's error pages are HTML; moto's XML errors name a Code
        return "html" not in named.get("content-type", "") and b"<Code>" in body
    # moto's EventBridge answers some JSON errors labelled text/html, which botocore reads
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return isinstance(document, dict) and bool(
        document.get("__type") or document.get("code") or document.get("Code")
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _name(request: AwsRequest) -> str:
    return f"{request.service or '?'}:{request.operation}"
