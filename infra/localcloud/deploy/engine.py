"""The deploy pipeline: plan a template offline, then apply it to an endpoint in dependency order.

Planning (no network): load, rewrite local code paths, expand SAM, check resource types, the
properties each type's kind applies, references and intrinsics, order the resources. Applying:
resolve each resource's properties against what is already applied, compare with the saved stack
state, and create, update, replace or leave each one; then delete what the template no longer
declares, and save the state.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from localcloud.build import BuildCache, BuildError, public_layer_packages
from localcloud.clients import client
from localcloud.deploy.definitions import inline_definition_uris
from localcloud.deploy.dynamic import ClientSource, has_references, resolve_references
from localcloud.deploy.errors import (
    DeployError,
    EndpointUnreachableError,
    PartialDeployError,
    TemplateError,
    UnsupportedProperty,
    UnsupportedPropertyError,
    UnsupportedResourceError,
)
from localcloud.deploy.graph import check_outputs, dependencies, topological_order
from localcloud.deploy.includes import inline_includes
from localcloud.deploy.intrinsics import Resolver, pseudo_parameters, resolve_parameters
from localcloud.deploy.kinds import KINDS, REFUSED, Context, ResourceKind
from localcloud.deploy.kinds.awslambda import public_layers
from localcloud.deploy.kinds.base import is_gone
from localcloud.deploy.layers import check_layers, supply_layers
from localcloud.deploy.nested import localise_nested_templates
from localcloud.deploy.openapi import inline_definitions
from localcloud.deploy.packaging import local_code_path, rewrite_code_uris
from localcloud.deploy.report import DeployReport, local_url
from localcloud.deploy.state import (
    ResourceRecord,
    StackState,
    delete_state,
    properties_hash,
    read_state,
    write_state,
)
from localcloud.deploy.template import load_template, validate_shape
from localcloud.deploy.traffic_shift import POLICY, shift_alias
from localcloud.deploy.transform import expand


@dataclass
class Plan:
    """A template expanded to CloudFormation and checked, ready to apply."""

    resources: dict[str, dict[str, Any]]
    graph: dict[str, set[str]]
    order: list[str]
    parameters: dict[str, Any]
    conditions: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    # Properties deployed without being applied; only a plan that allows them has any.
    unsupported: list[UnsupportedProperty] = field(default_factory=list)


def unsupported_properties(resources: dict[str, dict[str, Any]]) -> list[UnsupportedProperty]:
    """Every property of ``resources`` its type's kind neither applies nor declares inert."""
    return [
        UnsupportedProperty(logical_id, resource["Type"], name)
        for logical_id, resource in resources.items()
        for name in KINDS[resource["Type"]].unapplied(resource.get("Properties") or {})
    ]


def plan_template(
    template: dict[str, Any],
    base_dir: Path,
    parameters: dict[str, str] | None = None,
    region: str = "us-east-1",
    allow_unsupported: bool = False,
) -> Plan:
    """Check and expand ``template`` without touching any endpoint.

    A property no kind applies is an UnsupportedPropertyError naming every one, unless
    ``allow_unsupported``: then the plan lists them and they are deployed without.
    """
    validate_shape(template)
    values = resolve_parameters(template.get("Parameters", {}), parameters)
    template = inline_definitions(inline_includes(template, base_dir), base_dir)
    template = localise_nested_templates(template, base_dir)
    local = inline_definition_uris(rewrite_code_uris(template, base_dir), base_dir)
    expanded = expand(local, values, region)
    validate_shape(expanded, "the expanded template")
    resources: dict[str, dict[str, Any]] = expanded["Resources"]
    for logical_id, resource in resources.items():
        if resource["Type"] not in KINDS:
            if resource["Type"].startswith("AWS::Serverless::"):
                raise TemplateError(
                    f"resource {logical_id!r} has type {resource['Type']!r}, but the template "
                    "does not declare `Transform: AWS::Serverless-2016-10-31`; add it"
                )
            raise UnsupportedResourceError(
                logical_id, resource["Type"], list(KINDS), REFUSED.get(resource["Type"])
            )
    unsupported = unsupported_properties(resources)
    if unsupported and not allow_unsupported:
        raise UnsupportedPropertyError(unsupported)
    graph = dependencies(resources, set(values))
    outputs = expanded.get("Outputs", {})
    check_outputs(outputs, set(resources), set(values))
    return Plan(
        resources=resources,
        graph=graph,
        order=topological_order(graph),
        parameters=values,
        conditions=expanded.get("Conditions", {}),
        mappings=expanded.get("Mappings", {}),
        outputs=outputs,
        unsupported=unsupported,
    )


@contextmanager
def _endpoint(endpoint_url: str) -> Iterator[None]:
    """Turn "nothing listens there" into one clear error, wherever it happens."""
    try:
        yield
    except EndpointConnectionError as exc:
        raise EndpointUnreachableError(endpoint_url) from exc


def _context(endpoint_url: str, stack: str, region: str) -> Context:
    account_id = str(client("sts", endpoint_url, region).get_caller_identity()["Account"])
    partition = pseudo_parameters(region, account_id, stack)["AWS::Partition"]
    return Context(endpoint_url, region, account_id, stack, partition)


def _cause(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".strip()
    return str(exc)


def _output_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _needs_replacement(kind: ResourceKind, old: dict[str, Any], new: dict[str, Any]) -> bool:
    if kind.replace_on is None:
        return True
    differing = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
    return bool(differing & kind.replace_on)


def _reverse_dependency_order(records: dict[str, ResourceRecord]) -> list[str]:
    graph = {lid: set(record.depends_on) & set(records) for lid, record in records.items()}
    return list(reversed(topological_order(graph)))


class _Apply:
    """One apply of a plan to an endpoint: the records so far and the report being written."""

    def __init__(self, plan: Plan, ctx: Context, previous: StackState) -> None:
        self.plan = plan
        self.ctx = ctx
        self.previous = previous
        self.records: dict[str, ResourceRecord] = {}
        self.report = DeployReport(
            stack=ctx.stack, warnings=[p.warning() for p in plan.unsupported]
        )
        self.skipped: dict[str, str] = {}
        self.resolver = Resolver(
            parameters=plan.parameters,
            pseudo=pseudo_parameters(ctx.region, ctx.account_id, ctx.stack),
            mappings=plan.mappings,
            conditions=plan.conditions,
            lookup=self._lookup,
        )

    def _lookup(self, logical_id: str, attribute: str | None) -> Any:
        record = self.records.get(logical_id)
        if record is None:
            if logical_id in self.skipped:
                raise TemplateError(
                    f"{logical_id!r} is not created because its condition "
                    f"{self.skipped[logical_id]!r} is false, yet something refers to it; "
                    "guard the reference with Fn::If on the same condition"
                )
            raise TemplateError(f"{logical_id!r} is referred to before it is applied")
        if attribute is None:
            return record.physical_id
        if attribute in record.attributes:
            return record.attributes[attribute]
        raise TemplateError(
            f"Fn::GetAtt {logical_id}.{attribute}: a {record.type} has no attribute "
            f"{attribute!r}; it has {', '.join(sorted(record.attributes)) or 'none'}"
        )

    def _enabled(self, logical_id: str) -> bool:
        condition = self.plan.resources[logical_id].get("Condition")
        if condition is None:
            return True
        if self.resolver.condition(str(condition), logical_id):
            return True
        self.skipped[logical_id] = str(condition)
        return False

    def _save(self, pending_old: list[str]) -> None:
        """Save what exists now: applied records plus old ones not (yet) touched."""
        resources = dict(self.records)
        for logical_id in pending_old:
            if logical_id in self.previous.resources and logical_id not in resources:
                resources[logical_id] = self.previous.resources[logical_id]
        write_state(
            self.ctx.endpoint_url,
            StackState(self.ctx.stack, resources, self.report.outputs),
            self.ctx.region,
        )

    def _fail(
        self, logical_id: str, exc: Exception, not_attempted: list[str], keep_old: list[str]
    ) -> PartialDeployError:
        self._save(keep_old)
        resource_type = self.plan.resources.get(logical_id, {}).get("Type", "")
        return PartialDeployError(
            self.ctx.stack,
            applied=self.report.created + self.report.updated + self.report.removed,
            failed=logical_id,
            cause=f"{resource_type} {_cause(exc)}".strip(),
            not_attempted=not_attempted,
        )

    def run(self) -> DeployReport:
        order = [lid for lid in self.plan.order if self._enabled(lid)]
        for index, logical_id in enumerate(order):
            try:
                self._apply(logical_id)
            except EndpointConnectionError:
                raise
            except (ClientError, BotoCoreError, DeployError) as exc:
                rest = order[index + 1 :]
                keep = [logical_id, *rest, *self._stale()]
                raise self._fail(logical_id, exc, rest, keep) from exc
        self._remove_stale()
        self._outputs()
        self._save([])
        self.report.resources = dict(self.records)
        return self.report

    def _apply(self, logical_id: str) -> None:
        resource = self.plan.resources[logical_id]
        kind = KINDS[resource["Type"]]
        props = self.resolver.resolve(resource.get("Properties", {}), logical_id)
        if has_references(props):
            props = resolve_references(props, ClientSource(self.ctx), logical_id)
        digest = properties_hash(
            {
                "type": resource["Type"],
                "properties": props,
                "fingerprint": kind.fingerprint(props, self.ctx),
            }
        )
        old = self.previous.resources.get(logical_id)
        depends_on = sorted(self.plan.graph[logical_id])
        if old is not None and old.type == resource["Type"] and old.properties_hash == digest:
            self.records[logical_id] = ResourceRecord(
                old.type,
                old.physical_id,
                old.arn,
                digest,
                old.properties,
                old.attributes,
                depends_on,
            )
            self.report.unchanged.append(logical_id)
            return
        if (
            old is not None
            and old.type == resource["Type"]
            and not _needs_replacement(kind, old.properties, props)
        ):
            try:
                physical_id = self._update(logical_id, resource, kind, old, props)
            except ClientError as exc:
                if not is_gone(exc):
                    raise
                # Deleted behind the deployer's back: make it again.
                physical_id = kind.create(logical_id, props, self.ctx)
            self.report.updated.append(logical_id)
        else:
            if old is not None:
                old_kind = KINDS.get(old.type)
                if old_kind is not None:
                    old_kind.delete(old.physical_id, old.properties, self.ctx)
                # The old resource is gone: forget it so a failure below does not resurrect it.
                self.previous.resources.pop(logical_id, None)
            physical_id = kind.create(logical_id, props, self.ctx)
            (self.report.updated if old is not None else self.report.created).append(logical_id)
        attributes = kind.attributes(physical_id, props, self.ctx)
        arn = attributes.get("Arn") or (physical_id if physical_id.startswith("arn:") else None)
        self.records[logical_id] = ResourceRecord(
            resource["Type"], physical_id, arn, digest, props, attributes, depends_on
        )

    def _update(
        self,
        logical_id: str,
        resource: dict[str, Any],
        kind: ResourceKind,
        old: ResourceRecord,
        props: dict[str, Any],
    ) -> str:
        """``kind.update``, run as a CodeDeploy deployment under the resource's UpdatePolicy."""
        policy = (resource.get("UpdatePolicy") or {}).get(POLICY)
        if policy is None:
            return kind.update(logical_id, old.physical_id, old.properties, props, self.ctx)
        return shift_alias(
            logical_id,
            {name: self._policy_value(value) for name, value in policy.items()},
            old.properties,
            props,
            self.ctx,
            lambda: kind.update(logical_id, old.physical_id, old.properties, props, self.ctx),
            lambda: kind.update(logical_id, old.physical_id, props, old.properties, self.ctx),
        )

    def _policy_value(self, value: Any) -> Any:
        """An UpdatePolicy value: a Ref to a resource not applied yet in this run (the graph
        does not follow UpdatePolicy) is its physical id from the last deploy."""
        if isinstance(value, dict) and set(value) == {"Ref"}:
            target = str(value["Ref"])
            record = self.records.get(target) or self.previous.resources.get(target)
            if record is not None:
                return record.physical_id
        return self.resolver.resolve(value, "UpdatePolicy")

    def _stale(self) -> list[str]:
        return [lid for lid in self.previous.resources if lid not in self.records]

    def _remove_stale(self) -> None:
        stale = {lid: self.previous.resources[lid] for lid in self._stale()}
        order = _reverse_dependency_order(stale)
        for index, logical_id in enumerate(order):
            record = stale[logical_id]
            try:
                kind = KINDS.get(record.type)
                if kind is not None:
                    kind.delete(record.physical_id, record.properties, self.ctx)
            except EndpointConnectionError:
                raise
            except (ClientError, BotoCoreError, DeployError) as exc:
                raise self._fail(logical_id, exc, order[index + 1 :], order[index:]) from exc
            self.previous.resources.pop(logical_id)
            self.report.removed.append(logical_id)

    def _outputs(self) -> None:
        for name, output in self.plan.outputs.items():
            condition = output.get("Condition")
            if condition is not None and not self.resolver.condition(condition, f"Outputs.{name}"):
                continue
            value = self.resolver.resolve(output.get("Value"), f"Outputs.{name}")
            self.report.outputs[name] = _output_text(value)
            local = local_url(self.report.outputs[name], self.ctx.endpoint_url)
            if local is not None:
                self.report.local_urls[name] = local


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def build(plan: Plan, builds: BuildCache) -> None:
    """Install every local function's and layer's requirements, as `sam build` does.

    Before anything is applied, so a requirement that cannot be installed stops the deploy
    there; the cloud then finds each build in the cache on the first invoke.
    """
    for logical_id, resource in plan.resources.items():
        code = {"AWS::Lambda::Function": "Code", "AWS::Lambda::LayerVersion": "Content"}
        prop = code.get(resource["Type"])
        folder = local_code_path(resource.get("Properties", {}).get(prop)) if prop else None
        if folder is None or not folder.is_dir():
            continue
        what = "function" if prop == "Code" else "layer"
        packages = public_layer_packages(" ".join(public_layers(resource.get("Properties", {}))))
        try:
            builds.site(folder, packages, what=f"{what} {logical_id} ({folder})")
        except BuildError as exc:
            raise DeployError(f"{exc}\nnothing was applied") from exc


def deploy(
    template: Path,
    endpoint_url: str,
    stack: str = "localcloud",
    parameters: dict[str, str] | None = None,
    region: str = "us-east-1",
    allow_unsupported: bool = False,
    builds: BuildCache | None = None,
    layers: dict[str, Path] | None = None,
) -> DeployReport:
    """Deploy the SAM/CloudFormation ``template`` as ``stack`` to the AWS APIs at the endpoint.

    A property no kind applies fails the deploy before anything is applied, unless
    ``allow_unsupported``: then it is left out and the report's ``warnings`` name each one.
    ``builds`` is where functions' requirements are installed (the default cache when None);
    ``layers`` maps layer ARNs the endpoint does not hold to folders holding their content.
    """
    template = Path(template)
    source = supply_layers(load_template(template), layers or {})
    plan = plan_template(source, template.parent.resolve(), parameters, region, allow_unsupported)
    build(plan, builds or BuildCache(report=_say))
    with _endpoint(endpoint_url):
        ctx = _context(endpoint_url, stack, region)
        check_layers(plan.resources, ctx.client("lambda"), endpoint_url)
        previous = read_state(endpoint_url, stack, region) or StackState(stack)
        return _Apply(plan, ctx, previous).run()


def destroy(
    endpoint_url: str, stack: str = "localcloud", region: str = "us-east-1"
) -> DeployReport:
    """Delete every resource of ``stack`` at ``endpoint_url``, dependents first, then its state."""
    report = DeployReport(stack=stack)
    with _endpoint(endpoint_url):
        ctx = _context(endpoint_url, stack, region)
        state = read_state(endpoint_url, stack, region)
        if state is None:
            return report
        order = _reverse_dependency_order(state.resources)
        for index, logical_id in enumerate(order):
            record = state.resources[logical_id]
            kind = KINDS.get(record.type)
            try:
                if kind is not None:
                    kind.delete(record.physical_id, record.properties, ctx)
            except EndpointConnectionError:
                raise
            except (ClientError, BotoCoreError, DeployError) as exc:
                remaining = {lid: state.resources[lid] for lid in order[index:]}
                write_state(endpoint_url, StackState(stack, remaining, state.outputs), region)
                raise PartialDeployError(
                    stack,
                    report.removed,
                    logical_id,
                    f"{record.type} {_cause(exc)}",
                    order[index + 1 :],
                ) from exc
            report.removed.append(logical_id)
        delete_state(endpoint_url, stack, region)
    return report


def load_stack_state(
    endpoint_url: str, stack: str = "localcloud", region: str = "us-east-1"
) -> StackState | None:
    """The saved state of ``stack`` at ``endpoint_url``, or None if it is not deployed."""
    with _endpoint(endpoint_url):
        return read_state(endpoint_url, stack, region)
