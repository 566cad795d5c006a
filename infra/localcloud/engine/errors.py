"""Errors of the Lambda engine."""

from __future__ import annotations

from localcloud.errors import LocalCloudError


class EngineError(LocalCloudError):
    """Base of the engine's errors."""


class FunctionNotFoundError(EngineError):
    """Invoke or a delivery named a function that does not exist (Lambda's 404)."""

    aws_code = "ResourceNotFoundException"
    http_status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"Function not found: {name}")
        self.name = name


class ThrottledError(EngineError):
    """Every execution environment the function may have is busy (Lambda's 429)."""

    aws_code = "TooManyRequestsException"
    http_status = 429

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(f"Rate Exceeded. Function {name} is at its concurrency limit ({limit}).")
        self.name = name


class DeliveryError(EngineError):
    """A delivery to a target failed; ``retriable`` separates transient faults from poison."""

    def __init__(self, code: str, message: str, retriable: bool = True) -> None:
        super().__init__(message)
        self.code = code
        self.retriable = retriable


class DebugPortError(EngineError):
    """Debug mode asked for a port another function's debugger already listens on."""

    aws_code = "ResourceConflictException"  # Lambda's own 409
    http_status = 409

    def __init__(self, port: int, holder: str) -> None:
        super().__init__(
            f"port {port} is already the debugger port of function {holder}; pick another port "
            f"or take {holder} out of debug mode first"
        )
        self.port = port
        self.holder = holder


class FunctionBuildError(EngineError):
    """A function's or layer's requirements could not be installed when it was first invoked.

    On AWS a failed `sam build` never reaches the cloud; here the build may first run at invoke
    time (a function created without `localcloud deploy`), so Invoke answers as Lambda does for
    unusable code: a 400 naming what to fix.
    """

    aws_code = "InvalidParameterValueException"
    http_status = 400


# SQS message move tasks (engine/move_tasks.py), worded as SQS words them.
class MoveTaskError(EngineError):
    """A move task request SQS refuses (InvalidParameterValue, 400)."""

    aws_code = "InvalidParameterValue"
    http_status = 400


class MoveTaskNotFoundError(EngineError):
    """A move task request names a queue or task that does not exist (404)."""

    aws_code = "ResourceNotFoundException"
    http_status = 404


class MoveTaskNotRunningError(EngineError):
    """CancelMessageMoveTask on a task that is no longer RUNNING."""

    aws_code = "UnsupportedOperation"
    http_status = 400


class S3NotificationConfigError(EngineError):
    """A bucket notification configuration S3 refuses (an unknown event, overlapping
    configurations, a destination that does not exist)."""

    aws_code = "InvalidArgument"
    http_status = 400


class AliasRoutingError(EngineError):
    """An alias's RoutingConfig Lambda refuses at CreateAlias or UpdateAlias (more than one
    additional version, $LATEST as the main version, the main version weighted again)."""

    aws_code = "InvalidParameterValueException"
    http_status = 400


class LogFilterPatternError(EngineError):
    """A subscription filter's pattern uses syntax the local cloud does not match."""

    aws_code = "InvalidParameterException"
    http_status = 400
