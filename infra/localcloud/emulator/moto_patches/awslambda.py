"""Lambda patches: the engine's pollers own event source mappings, and DLQ configs are kept.

- moto's synchronous SQS-to-Lambda path inside SendMessage is switched off: a mapping is never
  registered on its queue (DESIGN.md: moto deletes messages after a failed Docker invoke).
- Every mapping change is reported to the hooks, which start, reconfigure and stop sources.
- ``FilterCriteria`` is validated by the local cloud's pattern engine, as AWS's grammar.
- ``DeadLetterConfig``, which moto does not store, is kept on the function and shown again.
- Creating a function and changing its configuration are reported to the hooks (warm starts).
"""

from __future__ import annotations

from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import InvalidParameterValueException
from moto.sqs import models as sqs_models

from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import MappingView
from localcloud.errors import LocalCloudError
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import compile_filter_criteria

Backend = lambda_models.LambdaBackend
Function = lambda_models.LambdaFunction
DEAD_LETTER_ATTRIBUTE = "localcloud_dead_letter_config"


def validate_filters(spec: dict[str, Any]) -> None:
    """Refuse FilterCriteria patterns AWS refuses, with Lambda's error."""
    for item in (spec.get("FilterCriteria") or {}).get("Filters") or []:
        try:
            compile_filter_criteria(item.get("Pattern", ""))
        except RoutingError as exc:
            raise InvalidParameterValueException(
                f"Invalid filter pattern definition. {exc}"
            ) from exc


def unregister_from_queue(esm: Any) -> None:
    """Keep moto from invoking inside SendMessage: the engine's source delivers."""
    _, _, _, region, account, _ = esm.event_source_arn.split(":", 5)
    for queue in sqs_models.sqs_backends[account][region].queues.values():
        if queue.queue_arn == esm.event_source_arn:
            queue.lambda_event_source_mappings.pop(esm.function_arn, None)


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("lambda")
    create_esm = Backend.create_event_source_mapping
    update_esm = Backend.update_event_source_mapping
    delete_esm = Backend.delete_event_source_mapping
    create_function = Backend.create_function
    update_configuration = Function.update_configuration
    get_configuration = Function.get_configuration

    @group.function(Backend, "create_event_source_mapping")
    def create_mapping(self: Any, spec: dict[str, Any]) -> Any:
        validate_filters(spec)
        try:
            hooks.check_mapping(str(spec.get("EventSourceArn", "")))
        except LocalCloudError as exc:
            raise InvalidParameterValueException(str(exc)) from exc
        esm = create_esm(self, spec)
        if esm.event_source_arn.split(":")[2] == "sqs":
            unregister_from_queue(esm)
        hooks.mapping_changed(MappingView.from_moto(esm), False)
        return esm

    @group.function(Backend, "update_event_source_mapping")
    def update_mapping(self: Any, uuid: str, spec: dict[str, Any]) -> Any:
        validate_filters(spec)
        esm = update_esm(self, uuid, spec)
        if esm is not None:
            hooks.mapping_changed(MappingView.from_moto(esm), False)
        return esm

    @group.function(Backend, "delete_event_source_mapping")
    def delete_mapping(self: Any, uuid: str) -> Any:
        esm = delete_esm(self, uuid)
        if esm is not None:
            hooks.mapping_changed(MappingView.from_moto(esm), True)
        return esm

    @group.function(Backend, "create_function")
    def create(self: Any, spec: dict[str, Any]) -> Any:
        fn = create_function(self, spec)
        setattr(fn, DEAD_LETTER_ATTRIBUTE, spec.get("DeadLetterConfig") or {})
        hooks.function_changed(fn.function_name)
        return fn

    @group.function(Function, "update_configuration")
    def update(self: Any, config_updates: dict[str, Any]) -> Any:
        if "DeadLetterConfig" in config_updates:
            setattr(self, DEAD_LETTER_ATTRIBUTE, config_updates["DeadLetterConfig"] or {})
        result = update_configuration(self, config_updates)
        hooks.function_changed(self.function_name)
        return result

    @group.function(Function, "get_configuration")
    def configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = get_configuration(self, *args, **kwargs)
        dead_letter = getattr(self, DEAD_LETTER_ATTRIBUTE, None)
        if dead_letter and dead_letter.get("TargetArn"):
            response["DeadLetterConfig"] = {"TargetArn": dead_letter["TargetArn"]}
        return response

    return group
