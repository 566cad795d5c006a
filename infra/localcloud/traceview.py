"""Trace trees for people: build the causal tree of a trace's hops and render it with rich."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from rich.tree import Tree

from localcloud.trace import FAILURE_KINDS, HopKind, Outcome

# Hops arrive as dicts (from the store or as JSON), their kind and outcome plain strings: a StrEnum
# member hashes and compares as its value, so they key STYLE and test FAILURE_KINDS as they are.
STYLE: dict[Outcome, str] = {
    Outcome.OK: "green",
    Outcome.ERROR: "bold red",
    Outcome.MISS: "yellow",
    Outcome.RETRY: "yellow",
    Outcome.THROTTLED: "magenta",
}


HopDict = dict[str, Any]

# The kind column is at least this wide (most kinds fit); wider kinds widen it.
KIND_WIDTH = 8


def kind_width(hops: Iterable[HopDict]) -> int:
    """The kind column's width for ``hops``: the widest kind among them (at least KIND_WIDTH)."""
    return max([KIND_WIDTH, *(len(str(hop["kind"])) for hop in hops)])


# Every kind there is (a follower cannot know which will come, so it aligns on all of them).
WIDEST_KIND = kind_width({"kind": kind} for kind in HopKind)


def children_of(hops: list[HopDict]) -> tuple[list[HopDict], dict[str, list[HopDict]]]:
    """The roots of a trace and each hop's children, both in time order."""
    ids = {hop["id"] for hop in hops}
    kids: dict[str, list[dict[str, Any]]] = {}
    roots = []
    for hop in sorted(hops, key=lambda h: h["at"]):
        if hop["parent"] in ids:
            kids.setdefault(hop["parent"], []).append(hop)
        else:
            roots.append(hop)
    return roots, kids


def short_name(resource: str) -> str:
    """A resource's name without its ARN prefix (arn:aws:sqs:...:queue -> queue)."""
    if not resource.startswith("arn:"):
        return resource
    parts = resource.split(":")
    if parts[2:3] == ["sns"] and len(parts) == 7:  # a subscription: topic and subscription id
        return f"{parts[5]}/{parts[6][:8]}"
    tail = resource.split(":", 5)[-1]
    return tail.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if tail else resource


def label(hop: dict[str, Any], start: float, width: int = KIND_WIDTH) -> Text:
    """One hop's line: offset, kind (padded to ``width``), resource, latency, outcome."""
    outcome = hop["outcome"]
    style = "bold red" if hop["kind"] in FAILURE_KINDS else STYLE.get(outcome, "white")
    text = Text()
    text.append(f"+{(hop['at'] - start) * 1000:7.1f} ms  ", style="dim")
    text.append(f"{hop['kind']:<{width}}", style=style)
    text.append(f" {hop['service']}:{short_name(hop['resource'])}")
    if hop.get("duration_ms") is not None:
        text.append(f"  {hop['duration_ms']:.1f} ms", style="cyan")
    if outcome != Outcome.OK:
        text.append(f"  [{outcome}]", style=style)
    detail = hop.get("detail") or {}
    for key in ("detail_type", "error", "reason", "attempt"):
        if key in detail:
            text.append(f"  {key}={detail[key]}", style="dim" if key == "detail_type" else style)
    return text


def render(hops: list[dict[str, Any]]) -> Tree:
    """One trace as a rich Tree, each hop with its offset from the first, latency and outcome."""
    if not hops:
        return Tree("(empty trace)")
    start = min(h["at"] for h in hops)
    width = kind_width(hops)
    roots, kids = children_of(hops)
    tree = Tree(Text(f"trace {hops[0]['trace_id']}", style="bold"))

    def add(node: Tree, hop: dict[str, Any]) -> None:
        branch = node.add(label(hop, start, width))
        for child in kids.get(hop["id"], []):
            add(branch, child)

    for root in roots:
        add(tree, root)
    return tree


def summary(hops: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts that answer 'where did it go': invocations, failures, dead letters."""
    items = list(hops)
    return {
        "hops": len(items),
        "invocations": sum(1 for h in items if h["kind"] == HopKind.INVOKE),
        "errors": sum(1 for h in items if h["outcome"] == Outcome.ERROR),
        "dead_letters": sum(1 for h in items if h["kind"] == HopKind.DLQ),
    }
