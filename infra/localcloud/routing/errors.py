"""Errors raised by the routing engine (event patterns, filter policies, input transformation).

Each class declares the AWS error a service reports for the same mistake (``aws_code``,
``http_status``, ``aws_message_prefix``; see localcloud/errors.py), so the API layer translates
them without inspecting names or messages.
"""

from localcloud.errors import LocalCloudError


class RoutingError(LocalCloudError):
    """Base of every error the routing engine raises: a request AWS would refuse as invalid."""

    aws_code = "ValidationException"
    http_status = 400


class InvalidEventPatternError(RoutingError):
    """An EventBridge event pattern (or Lambda FilterCriteria pattern) is malformed.

    Maps to EventBridge's ``InvalidEventPatternException``.
    """

    aws_code = "InvalidEventPatternException"
    aws_message_prefix = "Event pattern is not valid. Reason: "


class InvalidFilterPolicyError(RoutingError):
    """An SNS subscription filter policy is malformed.

    Maps to SNS ``InvalidParameter``; messages start with ``Invalid parameter: FilterPolicy:``.
    """

    aws_code = "InvalidParameter"
    aws_message_prefix = "Invalid parameter: "


class FilterPolicyInternalError(InvalidFilterPolicyError):
    """A filter policy SNS answers with a server error rather than InvalidParameter: an exact
    number outside [-1e9, 1e9] (SNS's own quirk, reproduced so clients see what AWS sends)."""

    aws_code = "InternalError"
    http_status = 500
    aws_message_prefix = ""


class InvalidInputError(RoutingError):
    """A target's Input, InputPath or InputTransformer is malformed, or could not be applied.

    Maps to EventBridge's ``ValidationException`` (the base's code).
    """


class PutEventsError(RoutingError):
    """The whole PutEvents request is invalid (as opposed to one entry).

    Maps to EventBridge's ``ValidationException`` (the base's code).
    """
