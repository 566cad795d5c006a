"""What the engine records of a Step Functions execution, and the header its tasks' calls carry."""

from __future__ import annotations

from types import SimpleNamespace

from localcloud import trace
from localcloud.emulator.views import ExecutionView
from localcloud.engine.stepfunctions import StateMachines, send_trace_header
from localcloud.trace import HopKind, Outcome, TraceStore

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:orders:run-1"


def view(status: str, error: str | None = None) -> ExecutionView:
    return ExecutionView(EXECUTION, "run-1", MACHINE, "STANDARD", status, error=error)


def test_an_execution_its_states_and_its_end_hang_under_what_started_it() -> None:
    traces = TraceStore()
    states = StateMachines(traces, "http://127.0.0.1:1")
    delivered = traces.record(HopKind.DELIVER, "events", "rule")

    started = states.started(view("RUNNING"), delivered)
    entered = states.entered(EXECUTION, "Charge", "Task", started)
    states.ended(view("FAILED", error="PaymentDeclinedError"), started)

    hops = traces.get(delivered.root) or []
    assert [(h.kind, h.resource, h.outcome) for h in hops] == [
        (HopKind.DELIVER, "rule", Outcome.OK),
        (HopKind.EXECUTION, "orders", Outcome.OK),
        (HopKind.STATE, "Charge", Outcome.OK),
        (HopKind.EXECUTION, "orders", Outcome.ERROR),
    ]
    assert hops[1].parent == delivered.parent
    assert hops[2].parent == started.parent and entered.parent == hops[2].id
    assert hops[3].detail["error"] == "PaymentDeclinedError"


def test_a_tasks_call_carries_the_current_states_hop_as_its_trace_header() -> None:
    request = SimpleNamespace(headers={})
    state = trace.TraceContext("1-abc-def", "0123456789abcdef")

    with trace.activate(state):
        send_trace_header(request)

    assert request.headers == {
        "X-Amzn-Trace-Id": "Root=1-abc-def;Parent=0123456789abcdef;Sampled=1"
    }


def test_a_call_made_outside_any_state_carries_no_header() -> None:
    request = SimpleNamespace(headers={})

    send_trace_header(request)

    assert request.headers == {}
