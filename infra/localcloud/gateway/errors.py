"""One translation from the local cloud's errors to the AWS errors clients see.

Each error class declares its AWS code, HTTP status and message opening as class attributes
(localcloud/errors.py); ``to_aws_error`` (defined there, so the moto patches use it too) only
reads them. The gateway's own errors, for requests
that are malformed before any engine sees them, are declared here the same way.
"""

from __future__ import annotations

from localcloud.errors import LocalCloudError, to_aws_error

__all__ = [
    "BatchRequestTooLongError",
    "InvalidParameterValueError",
    "InvalidRequestContentError",
    "RequestEntityTooLargeError",
    "RequestError",
    "SerializationError",
    "SnsInvalidParameterError",
    "to_aws_error",
]


class RequestError(LocalCloudError):
    """The request itself is malformed."""

    aws_code = "ValidationException"
    http_status = 400


class SerializationError(RequestError):
    """The body of a JSON-protocol request is not JSON."""

    aws_code = "SerializationException"


class InvalidRequestContentError(RequestError):
    """Lambda Invoke's payload is not JSON."""

    aws_code = "InvalidRequestContentException"


class InvalidParameterValueError(RequestError):
    """A parameter has a value the operation does not accept."""

    aws_code = "InvalidParameterValueException"


class RequestEntityTooLargeError(RequestError):
    """Lambda Invoke's payload is over the invocation type's limit (localcloud/quotas.py)."""

    aws_code = "RequestEntityTooLargeException"
    http_status = 413


class SnsInvalidParameterError(RequestError):
    """An SNS parameter AWS refuses, worded as SNS words it."""

    aws_code = "InvalidParameter"
    aws_message_prefix = "Invalid parameter: "


class BatchRequestTooLongError(RequestError):
    """The entries of an SNS PublishBatch are together over the message size limit."""

    aws_code = "BatchRequestTooLong"
