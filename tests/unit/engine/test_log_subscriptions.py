"""Subscription filters with a Lambda destination: term patterns matched as CloudWatch Logs
matches them (the rest refused), the selected events delivered once as the ``awslogs`` event
Powertools' CloudWatchLogsModel parses, nothing delivered when none is selected, and a gone
function recorded as a drop."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import CloudWatchLogsModel

from localcloud import trace
from localcloud.emulator.views import SubscribedLogEvents
from localcloud.engine import log_shapes
from localcloud.engine.errors import FunctionNotFoundError, LogFilterPatternError
from localcloud.engine.log_filters import compile_pattern
from localcloud.engine.log_subscriptions import LogSubscriptions
from localcloud.trace import HopKind, Outcome, TraceStore

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:collector"
LINES = [
    "START RequestId: 1 Version: $LATEST",
    "[ERROR] payment declined: card expired",
    "[INFO] retrying order 7",
    "END RequestId: 1",
]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", LINES),
        ("ERROR", [LINES[1]]),
        ("ERROR card", [LINES[1]]),
        ("ERROR missing", []),
        ('"payment declined"', [LINES[1]]),
        ('"declined payment"', []),
        ("RequestId -START", [LINES[3]]),
        ("?ERROR ?retrying", LINES[1:3]),
        ("error", []),  # case-sensitive
        ('"a \\"quoted\\" word"', []),
    ],
)
def test_term_patterns_select_the_events_cloudwatch_logs_would(
    pattern: str, expected: list[str]
) -> None:
    selector = compile_pattern(pattern)

    assert [line for line in LINES if selector.matches(line)] == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ('{ $.level = "ERROR" }', "term patterns only"),
        ("[ip, user, status=500]", "term patterns only"),
        ("%ERROR [0-9]+%", "term patterns only"),
        ("ERR*", "term patterns only"),
        ('"unclosed', "unbalanced quotes"),
        ("?ERROR WARN", r"mixes \?terms"),
    ],
)
def test_other_pattern_forms_are_refused_saying_what_is_matched(pattern: str, message: str) -> None:
    with pytest.raises(LogFilterPatternError, match=message):
        compile_pattern(pattern)


def test_the_delivered_event_parses_as_powertools_cloudwatch_logs_model() -> None:
    events = [
        log_shapes.LogEvent(
            id=log_shapes.event_id(1700000000000, 3),
            timestamp=1700000000000,
            message="[ERROR] boom",
        )
    ]
    data = log_shapes.subscription_data(
        owner="123456789012",
        log_group="/aws/lambda/orders",
        log_stream="2026/12/05/[$LATEST]abc",
        filter_names=["errors"],
        events=events,
    )

    parsed = CloudWatchLogsModel.model_validate(log_shapes.awslogs_event(data))

    decoded = parsed.awslogs.decoded_data
    assert decoded.owner == "123456789012"
    assert decoded.logGroup == "/aws/lambda/orders"
    assert decoded.logStream == "2026/12/05/[$LATEST]abc"
    assert decoded.subscriptionFilters == ["errors"]
    assert decoded.messageType == "DATA_MESSAGE"
    assert [(e.id, int(e.timestamp.timestamp() * 1000), e.message) for e in decoded.logEvents] == [
        ("0" * 7 + "1700000000000" + "0" * 35 + "3", 1700000000000, "[ERROR] boom")
    ]
    assert len(decoded.logEvents[0].id) == 56


class FakeInvoker:
    def __init__(self, missing: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.missing = missing

    def invoke_async(
        self, function: str, payload: bytes, context: trace.TraceContext | None = None
    ) -> str:
        if self.missing:
            raise FunctionNotFoundError(function)
        self.calls.append((function, json.loads(payload)))
        return "request-1"


def _batch(pattern: str) -> SubscribedLogEvents:
    return SubscribedLogEvents(
        region="us-east-1",
        account_id="123456789012",
        log_group="/aws/lambda/orders",
        log_stream="local",
        filter_name="errors",
        filter_pattern=pattern,
        destination_arn=FUNCTION,
        events=tuple((n, 1700000000000 + n, line) for n, line in enumerate(LINES)),
    )


def test_the_selected_events_are_delivered_once_as_one_awslogs_event() -> None:
    invoker, traces = FakeInvoker(), TraceStore()

    LogSubscriptions(invoker, traces).deliver(_batch("?ERROR ?retrying"), None)

    [(function, event)] = invoker.calls
    decoded = CloudWatchLogsModel.model_validate(event).awslogs.decoded_data
    assert function == FUNCTION
    assert [e.message for e in decoded.logEvents] == LINES[1:3]
    assert [e.id for e in decoded.logEvents] == sorted(e.id for e in decoded.logEvents)
    [hop] = traces.find(lambda h: h.kind == HopKind.DELIVER)
    assert (hop.service, hop.resource, hop.detail["events"]) == ("logs", FUNCTION, 2)


def test_nothing_is_delivered_when_the_pattern_selects_no_event() -> None:
    invoker, traces = FakeInvoker(), TraceStore()

    LogSubscriptions(invoker, traces).deliver(_batch("TIMEOUT"), None)

    assert invoker.calls == []
    [hop] = traces.find(lambda h: h.kind == HopKind.FILTER)
    assert (hop.resource, hop.outcome) == ("/aws/lambda/orders", Outcome.MISS)


def test_a_function_that_is_gone_is_recorded_as_a_drop() -> None:
    traces = TraceStore()

    LogSubscriptions(FakeInvoker(missing=True), traces).deliver(_batch(""), None)

    [drop] = traces.find(lambda h: h.kind == HopKind.DROP)
    assert drop.resource == FUNCTION
    assert "gone" in drop.detail["reason"]


def test_a_pattern_is_checked_before_the_filter_is_stored() -> None:
    subscriptions = LogSubscriptions(FakeInvoker(), TraceStore())

    subscriptions.check("ERROR")
    with pytest.raises(LogFilterPatternError):
        subscriptions.check("{ $.x = 1 }")


def test_a_space_delimited_pattern_naming_no_field_matches_every_event() -> None:
    for pattern in ("[]", "[ ]", " [] "):
        assert compile_pattern(pattern).matches("anything at all")
    with pytest.raises(LogFilterPatternError):
        compile_pattern("[ip, user]")
