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
    "ConstraintError",
    "IncompleteSignatureError",
    "InvalidActionError",
    "InvalidArgumentError",
    "InvalidAttributeNameError",
    "InvalidAttributeValueError",
    "InvalidMessageContentsError",
    "InvalidParameterError",
    "InvalidParameterValueError",
    "InvalidRequestContentError",
    "MalformedXmlError",
    "MissingActionError",
    "MissingAuthenticationTokenError",
    "MissingParameterError",
    "MissingRequestBodyError",
    "ParameterValueError",
    "RequestEntityTooLargeError",
    "RequestError",
    "SerializationError",
    "UnknownOperationError",
    "UnknownPathError",
    "UnknownServiceError",
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


class ConstraintError(RequestError):
    """A parameter breaks a constraint of the operation's model (length, range, pattern...)."""


class UnknownOperationError(RequestError):
    """A JSON-protocol request names an operation the service does not have."""

    aws_code = "UnknownOperationException"


class UnknownPathError(UnknownOperationError):
    """A REST request's method and path address no operation of the service."""

    http_status = 404


class MissingRequestBodyError(RequestError):
    """S3: an operation that takes an XML document was sent none."""

    aws_code = "MissingRequestBodyError"


class InvalidArgumentError(RequestError):
    """S3: an argument of the request is invalid (S3's one code for it)."""

    aws_code = "InvalidArgument"


class MalformedXmlError(RequestError):
    """A REST-XML request's body is not the XML document the operation takes (S3's wording)."""

    aws_code = "MalformedXML"


# The query protocol's common errors (SQS, SNS, IAM, STS), as AWS's "Common Errors" pages list
# them: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
class IncompleteSignatureError(RequestError):
    """The Authorization header is not a signature AWS can read."""

    aws_code = "IncompleteSignature"


class MissingAuthenticationTokenError(RequestError):
    """The request is not signed."""

    aws_code = "MissingAuthenticationToken"
    http_status = 403


class MissingActionError(RequestError):
    """A query-protocol request names no Action."""

    aws_code = "MissingAction"


class InvalidActionError(RequestError):
    """A query-protocol request names an Action the service does not have."""

    aws_code = "InvalidAction"


class MissingParameterError(RequestError):
    """A required parameter is absent (or empty, where AWS treats empty as absent)."""

    aws_code = "MissingParameter"


class ParameterValueError(RequestError):
    """A query-protocol parameter's value is invalid or out of range."""

    aws_code = "InvalidParameterValue"


class UnknownServiceError(RequestError):
    """The credential scope names a service this endpoint does not serve."""

    aws_code = "InvalidSignatureException"


# Service-specific codes, as each service's API reference lists them for the operation.
class InvalidAttributeNameError(RequestError):
    """SQS: an attribute this queue does not have."""

    aws_code = "InvalidAttributeName"


class InvalidAttributeValueError(RequestError):
    """SQS: an attribute's value is out of its range."""

    aws_code = "InvalidAttributeValue"


class InvalidMessageContentsError(RequestError):
    """SQS: a message body holds characters outside the allowed set."""

    aws_code = "InvalidMessageContents"


class InvalidParameterError(RequestError):
    """SNS: a parameter's value is invalid (SNS's one code for it)."""

    aws_code = "InvalidParameter"
    aws_message_prefix = "Invalid parameter: "


class RequestEntityTooLargeError(RequestError):
    """Lambda Invoke's payload is over the invocation type's limit (localcloud/quotas.py)."""

    aws_code = "RequestEntityTooLargeException"
    http_status = 413


class BatchRequestTooLongError(RequestError):
    """The entries of an SNS PublishBatch are together over the message size limit."""

    aws_code = "BatchRequestTooLong"
