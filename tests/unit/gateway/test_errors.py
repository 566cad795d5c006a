"""to_aws_error: every error class a client can meet is reported as the AWS error it declares.

The classes are those of the error modules whose errors reach the gateway: the base, the engine's,
the router's and the gateway's own. A class without a declaration of its own inherits one.
"""

from __future__ import annotations

import pytest

from localcloud.engine.errors import (
    AliasRoutingError,
    DebugPortError,
    DeliveryError,
    EngineError,
    FunctionBuildError,
    FunctionNotFoundError,
    LogFilterPatternError,
    MoveTaskError,
    MoveTaskNotFoundError,
    MoveTaskNotRunningError,
    S3NotificationConfigError,
    ThrottledError,
)
from localcloud.errors import LocalCloudError
from localcloud.gateway.errors import (
    BatchRequestTooLongError,
    ConstraintError,
    IncompleteSignatureError,
    InvalidActionError,
    InvalidArgumentError,
    InvalidAttributeNameError,
    InvalidAttributeValueError,
    InvalidMessageContentsError,
    InvalidParameterError,
    InvalidParameterValueError,
    InvalidRequestContentError,
    MalformedXmlError,
    MissingActionError,
    MissingAuthenticationTokenError,
    MissingParameterError,
    MissingRequestBodyError,
    ParameterValueError,
    RequestEntityTooLargeError,
    RequestError,
    SerializationError,
    UnknownOperationError,
    UnknownPathError,
    UnknownServiceError,
    to_aws_error,
)
from localcloud.routing.errors import (
    FilterPolicyInternalError,
    InvalidEventPatternError,
    InvalidFilterPolicyError,
    InvalidInputError,
    PutEventsError,
    RoutingError,
)

EXPECTED: list[tuple[LocalCloudError, tuple[int, str, str]]] = [
    (LocalCloudError("broke"), (500, "InternalFailure", "broke")),
    (EngineError("no code"), (500, "InternalFailure", "no code")),
    (DeliveryError("SQSError", "queue gone", False), (500, "InternalFailure", "queue gone")),
    (
        AliasRoutingError("$LATEST is not supported for an alias pointing to more than 1 version"),
        (
            400,
            "InvalidParameterValueException",
            "$LATEST is not supported for an alias pointing to more than 1 version",
        ),
    ),
    (
        FunctionNotFoundError("greeter"),
        (404, "ResourceNotFoundException", "Function not found: greeter"),
    ),
    (
        LogFilterPatternError("JSON filter patterns are not matched locally"),
        (400, "InvalidParameterException", "JSON filter patterns are not matched locally"),
    ),
    (
        ThrottledError("greeter", 2),
        (
            429,
            "TooManyRequestsException",
            "Rate Exceeded. Function greeter is at its concurrency limit (2).",
        ),
    ),
    (
        MoveTaskError("Source queue must be configured as a Dead Letter Queue."),
        (400, "InvalidParameterValue", "Source queue must be configured as a Dead Letter Queue."),
    ),
    (
        MoveTaskNotFoundError("Task does not exist."),
        (404, "ResourceNotFoundException", "Task does not exist."),
    ),
    (MoveTaskNotRunningError("not running"), (400, "UnsupportedOperation", "not running")),
    (
        S3NotificationConfigError("Unable to validate the following destination configurations"),
        (400, "InvalidArgument", "Unable to validate the following destination configurations"),
    ),
    (
        DebugPortError(5678, "greeter"),
        (
            409,
            "ResourceConflictException",
            "port 5678 is already the debugger port of function greeter; pick another port or "
            "take greeter out of debug mode first",
        ),
    ),
    (
        FunctionBuildError("build function greeter: installing its requirements failed"),
        (
            400,
            "InvalidParameterValueException",
            "build function greeter: installing its requirements failed",
        ),
    ),
    (
        RoutingError("Event must be a JSON object."),
        (400, "ValidationException", "Event must be a JSON object."),
    ),
    (PutEventsError("too many"), (400, "ValidationException", "too many")),
    (InvalidInputError("bad path"), (400, "ValidationException", "bad path")),
    (
        InvalidEventPatternError('"source": must be an object or an array'),
        (
            400,
            "InvalidEventPatternException",
            'Event pattern is not valid. Reason: "source": must be an object or an array',
        ),
    ),
    (
        InvalidFilterPolicyError("Invalid parameter: FilterPolicy: bad"),
        (400, "InvalidParameter", "Invalid parameter: FilterPolicy: bad"),
    ),
    (FilterPolicyInternalError("Unknown"), (500, "InternalError", "Unknown")),
    (RequestError("no"), (400, "ValidationException", "no")),
    (SerializationError("Body is not JSON"), (400, "SerializationException", "Body is not JSON")),
    (
        InvalidRequestContentError("not json"),
        (400, "InvalidRequestContentException", "not json"),
    ),
    (
        InvalidParameterValueError("Unsupported InvocationType"),
        (400, "InvalidParameterValueException", "Unsupported InvocationType"),
    ),
    (ConstraintError("1 validation error"), (400, "ValidationException", "1 validation error")),
    (UnknownOperationError("X.Y"), (400, "UnknownOperationException", "X.Y")),
    (UnknownPathError("GET /x"), (404, "UnknownOperationException", "GET /x")),
    (MalformedXmlError("not XML"), (400, "MalformedXML", "not XML")),
    (InvalidArgumentError("no key"), (400, "InvalidArgument", "no key")),
    (MissingRequestBodyError("empty"), (400, "MissingRequestBodyError", "empty")),
    (IncompleteSignatureError("no scope"), (400, "IncompleteSignature", "no scope")),
    (MissingActionError("no action"), (400, "MissingAction", "no action")),
    (MissingAuthenticationTokenError("sign"), (403, "MissingAuthenticationToken", "sign")),
    (InvalidActionError("Nope"), (400, "InvalidAction", "Nope")),
    (MissingParameterError("QueueUrl"), (400, "MissingParameter", "QueueUrl")),
    (ParameterValueError("-1"), (400, "InvalidParameterValue", "-1")),
    (UnknownServiceError("nosuch"), (400, "InvalidSignatureException", "nosuch")),
    (InvalidAttributeNameError("Bogus"), (400, "InvalidAttributeName", "Bogus")),
    (InvalidAttributeValueError("-1"), (400, "InvalidAttributeValue", "-1")),
    (InvalidMessageContentsError("#x0"), (400, "InvalidMessageContents", "#x0")),
    (
        InvalidParameterError("Email address"),
        (400, "InvalidParameter", "Invalid parameter: Email address"),
    ),
    (
        RequestEntityTooLargeError("Request must be smaller than 6291456 bytes"),
        (413, "RequestEntityTooLargeException", "Request must be smaller than 6291456 bytes"),
    ),
    (
        InvalidParameterError("Message too long"),
        (400, "InvalidParameter", "Invalid parameter: Message too long"),
    ),
    (
        BatchRequestTooLongError("too long"),
        (400, "BatchRequestTooLong", "too long"),
    ),
]


@pytest.mark.parametrize(
    ("error", "expected"), EXPECTED, ids=[type(error).__name__ for error, _ in EXPECTED]
)
def test_error_is_reported_as_its_declared_aws_error(
    error: LocalCloudError, expected: tuple[int, str, str]
) -> None:
    assert to_aws_error(error) == expected


MODULES = (
    "localcloud.errors",
    "localcloud.engine.errors",
    "localcloud.routing.errors",
    "localcloud.gateway.errors",
)


def _classes(cls: type[LocalCloudError]) -> set[type[LocalCloudError]]:
    found = {cls} if cls.__module__ in MODULES else set()
    for sub in cls.__subclasses__():
        found |= _classes(sub)
    return found


def test_every_error_class_of_those_modules_is_covered() -> None:
    assert _classes(LocalCloudError) == {type(error) for error, _ in EXPECTED}


def test_message_prefix_is_added_once() -> None:
    bare = to_aws_error(InvalidEventPatternError("Rule is too complex"))
    prefixed = to_aws_error(InvalidEventPatternError(bare[2]))
    assert bare == prefixed
    assert bare[2] == "Event pattern is not valid. Reason: Rule is too complex"
    assert to_aws_error(InvalidFilterPolicyError("FilterPolicy: x"))[2] == (
        "Invalid parameter: FilterPolicy: x"
    )


def test_unknown_exception_is_an_internal_failure() -> None:
    assert to_aws_error(KeyError("QueueUrl")) == (500, "InternalFailure", "KeyError: 'QueueUrl'")
