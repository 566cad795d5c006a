"""Trace trees for people: the causal tree built from hops, and its text rendering (golden)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from localcloud import traceview

T0 = 1_700_000_000.0
TRACE_ID = "1-6553f100-0123456789abcdef01234567"


def hop(
    hop_id: str,
    parent: str | None,
    kind: str,
    service: str,
    resource: str,
    offset: float,
    **extra: Any,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": hop_id,
        "trace_id": TRACE_ID,
        "parent": parent,
        "kind": kind,
        "service": service,
        "resource": resource,
        "at": T0 + offset,
        "outcome": "ok",
        "duration_ms": None,
        "detail": {},
    }
    fields.update(extra)
    return fields


# deliberately out of time order: the view sorts by time itself
HOPS = [
    hop(
        "h7",
        "h3",
        "invoke",
        "lambda",
        "handle-order",
        0.060,
        outcome="error",
        duration_ms=4.0,
        detail={"error": "Boom", "attempt": 2},
    ),
    hop("h1", None, "publish", "sns", "orders", 0.0, detail={"operation": "Publish"}),
    hop("h2", "h1", "miss", "sns", "audit-queue", 0.001, outcome="miss"),
    hop("h3", "h1", "deliver", "sns", "orders-queue", 0.002),
    hop(
        "h4",
        "h3",
        "invoke",
        "lambda",
        "handle-order",
        0.0125,
        outcome="error",
        duration_ms=35.5,
        detail={"error": "Boom", "attempt": 1},
    ),
    hop("h8", "h7", "dlq", "sqs", "orders-dlq", 0.070, detail={"reason": "maxReceiveCount"}),
]

EXPECTED = """\
trace 1-6553f100-0123456789abcdef01234567
└── +    0.0 ms  publish  sns:orders
    ├── +    1.0 ms  miss     sns:audit-queue  [miss]
    └── +    2.0 ms  deliver  sns:orders-queue
        ├── +   12.5 ms  invoke   lambda:handle-order  35.5 ms  [error]  error=Boom  attempt=1
        └── +   60.0 ms  invoke   lambda:handle-order  4.0 ms  [error]  error=Boom  attempt=2
            └── +   70.0 ms  dlq      sqs:orders-dlq  reason=maxReceiveCount
"""


def render_text(hops: list[dict[str, Any]]) -> str:
    console = Console(record=True, width=100, color_system=None, file=io.StringIO())
    console.print(traceview.render(hops))
    return console.export_text()


def test_render_draws_the_causal_tree_with_offsets_latency_and_outcomes() -> None:
    assert render_text(HOPS) == EXPECTED


def test_render_of_an_empty_trace_says_so() -> None:
    assert render_text([]) == "(empty trace)\n"


def test_hops_whose_parent_is_unknown_become_roots_in_time_order() -> None:
    orphans = [
        hop("b", "gone", "receive", "sqs", "q", 0.5),
        hop("a", None, "publish", "sqs", "q", 0.0),
        hop("c", "a", "invoke", "lambda", "fn", 0.7),
    ]

    roots, kids = traceview.children_of(orphans)

    assert [r["id"] for r in roots] == ["a", "b"]
    assert {parent: [k["id"] for k in children] for parent, children in kids.items()} == {
        "a": ["c"]
    }


def test_summary_counts_invocations_errors_and_dead_letters() -> None:
    assert traceview.summary(HOPS) == {
        "hops": 6,
        "invocations": 2,
        "errors": 2,
        "dead_letters": 1,
    }


@pytest.mark.parametrize(
    ("resource", "shown"),
    [
        ("arn:aws:lambda:us-east-1:123456789012:function:welcome", "welcome"),
        ("arn:aws:sqs:us-east-1:123456789012:orders.fifo", "orders.fifo"),
        ("arn:aws:events:us-east-1:123456789012:rule/users/audit", "audit"),
        ("arn:aws:sns:us-east-1:123456789012:signups:8d0e1c7a-0000-4000", "signups/8d0e1c7a"),
        ("users", "users"),
    ],
)
def test_short_name_drops_the_arn_prefix(resource: str, shown: str) -> None:
    assert traceview.short_name(resource) == shown


def test_the_kind_column_widens_to_the_widest_kind_in_view() -> None:
    hops = [
        hop("r", None, "request", "apigateway", "POST /users 201", 0.0),
        hop("s", "r", "stream record", "dynamodb", "users", 0.001),
        hop("i", "s", "invoke", "lambda", "relay", 0.002),
    ]
    assert traceview.kind_width(hops) == len("stream record")
    lines = render_text(hops).splitlines()
    columns = [
        line.index(service)
        for line, service in zip(lines[1:], ("apigateway", "dynamodb", "lambda"), strict=True)
    ]
    # each resource starts one space after a 13-wide kind column, whatever the tree's indent
    starts = [line.index("ms  ") + 4 for line in lines[1:]]
    assert [c - s for c, s in zip(columns, starts, strict=True)] == [14, 14, 14]
    assert "stream record dynamodb:users" in lines[2]
    assert "request       apigateway:POST /users 201" in lines[1]


def test_kinds_that_fit_keep_the_eight_wide_column_and_a_follower_fits_every_kind() -> None:
    assert traceview.kind_width(HOPS) == traceview.KIND_WIDTH
    from localcloud.trace import HopKind

    assert max(len(kind) for kind in HopKind) == traceview.WIDEST_KIND >= len("schedule fired")
    text = traceview.label(HOPS[1], T0, traceview.WIDEST_KIND).plain
    assert "publish" + " " * (traceview.WIDEST_KIND - len("publish") + 1) + "sns:orders" in text
