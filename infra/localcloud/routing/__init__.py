"""Routing engine of the local cloud: the AWS event-pattern grammar and target input shaping.

One pure-Python implementation serves every place the grammar appears: EventBridge rules
(`compile_event_pattern`), SNS subscription filter policies (`compile_filter_policy`) and
Lambda event source mapping FilterCriteria (`compile_filter_criteria`). `render_target_input`
shapes what an EventBridge target receives (Input, InputPath, InputTransformer).
"""

from localcloud.routing.errors import (
    InvalidEventPatternError,
    InvalidFilterPolicyError,
    InvalidInputError,
    RoutingError,
)
from localcloud.routing.patterns import (
    EventPattern,
    FilterPolicy,
    compile_event_pattern,
    compile_filter_criteria,
    compile_filter_policy,
)
from localcloud.routing.transform import render_target_input, validate_target_input

__all__ = [
    "EventPattern",
    "FilterPolicy",
    "InvalidEventPatternError",
    "InvalidFilterPolicyError",
    "InvalidInputError",
    "RoutingError",
    "compile_event_pattern",
    "compile_filter_criteria",
    "compile_filter_policy",
    "render_target_input",
    "validate_target_input",
]
