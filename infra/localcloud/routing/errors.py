"""Errors raised by the routing engine (event patterns, filter policies, input transformation).

Each subclass maps to the AWS error a service reports for the same mistake, so the API layer can
translate them without inspecting messages.
"""

from localcloud.errors import LocalCloudError


class RoutingError(LocalCloudError):
    """Base of every error the routing engine raises."""


class InvalidEventPatternError(RoutingError):
    """An EventBridge event pattern (or Lambda FilterCriteria pattern) is malformed.

    Maps to EventBridge's ``InvalidEventPatternException``.
    """


class InvalidFilterPolicyError(RoutingError):
    """An SNS subscription filter policy is malformed.

    Maps to SNS ``InvalidParameter``; messages start with ``Invalid parameter: FilterPolicy:``.
    """


class InvalidInputError(RoutingError):
    """A target's Input, InputPath or InputTransformer is malformed, or could not be applied."""


class PutEventsError(RoutingError):
    """The whole PutEvents request is invalid (as opposed to one entry)."""
