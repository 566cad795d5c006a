"""The dependency graph of a template's resources: who refers to whom, and the apply order."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from localcloud.deploy.errors import TemplateError
from localcloud.deploy.intrinsics import PSEUDO_PARAMETERS, references


def _check_target(
    name: str,
    holder: str,
    resources: Collection[str],
    parameters: Collection[str],
    attribute: str | None,
) -> bool:
    """Whether ``name`` is a resource (True), a parameter (False); dangling names raise."""
    if name in resources:
        return True
    if attribute is None and (name in parameters or name in PSEUDO_PARAMETERS):
        return False
    what = f"Fn::GetAtt {name}.{attribute}" if attribute is not None else f"Ref {name}"
    known = "resource" if attribute is not None else "resource or parameter"
    raise TemplateError(
        f"resource {holder!r} refers to {name!r} ({what}), but no {known} of that name is "
        f"declared; declare it or fix the reference"
    )


def dependencies(
    resources: Mapping[str, Mapping[str, Any]], parameters: Collection[str]
) -> dict[str, set[str]]:
    """For each resource, the resources it depends on through Ref, GetAtt, Sub and DependsOn."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        needs: set[str] = set()
        for name, attribute in references(resource.get("Properties", {}), logical_id):
            if _check_target(name, logical_id, resources, parameters, attribute):
                needs.add(name)
        depends_on = resource.get("DependsOn", [])
        for name in [depends_on] if isinstance(depends_on, str) else depends_on:
            if name not in resources:
                raise TemplateError(
                    f"resource {logical_id!r} has DependsOn {name!r}, but no resource of that "
                    "name is declared"
                )
            needs.add(name)
        graph[logical_id] = needs
    return graph


def check_outputs(
    outputs: Mapping[str, Any], resources: Collection[str], parameters: Collection[str]
) -> None:
    """Raise TemplateError for an output that refers to something undeclared."""
    for name, output in outputs.items():
        value = output.get("Value") if isinstance(output, dict) else None
        for target, attribute in references(value, f"Outputs.{name}"):
            _check_target(target, f"Outputs.{name}", resources, parameters, attribute)


def topological_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Resources ordered so each comes after what it depends on; ties broken by name."""
    pending = {node: set(needs) & set(graph) for node, needs in graph.items()}
    order: list[str] = []
    ready = sorted(node for node, needs in pending.items() if not needs)
    while ready:
        node = ready.pop(0)
        order.append(node)
        del pending[node]
        released = [other for other, needs in pending.items() if node in needs]
        for other in released:
            pending[other].discard(node)
            if not pending[other]:
                ready.append(other)
        ready.sort()
    if pending:
        raise TemplateError(
            "resources depend on each other in a cycle: "
            + ", ".join(f"{node} -> {sorted(needs)}" for node, needs in sorted(pending.items()))
            + "; break the cycle (for example move a policy into its own resource)"
        )
    return order
