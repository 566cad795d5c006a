"""Lambda patches: the engine's pollers own event source mappings, and DLQ configs are kept.

- moto's synchronous SQS-to-Lambda path inside SendMessage is switched off: a mapping is never
  registered on its queue (DESIGN.md: moto deletes messages after a failed Docker invoke).
- Every mapping change is reported to the hooks, which start, reconfigure and stop sources.
- A mapping on a service no event source reads is refused before moto creates it. (Its
  ``FilterCriteria`` were already checked by the gateway: gateway/validators.py.)
- ``DeadLetterConfig`` and ``LoggingConfig``, which moto does not store, are kept on the
  function and shown again. A LoggingConfig is completed as Lambda completes it (the JSON format
  gets INFO levels, every function its log group) and log levels with the Text format are
  refused, as Lambda refuses them (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html).
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

Backend = lambda_models.LambdaBackend
Function = lambda_models.LambdaFunction
DEAD_LETTER_ATTRIBUTE = "localcloud_dead_letter_config"
LOGGING_ATTRIBUTE = "localcloud_logging_config"
LOG_FORMATS = ("Text", "JSON")
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")


def logging_config(
    name: str, given: dict[str, Any] | None, current: dict[str, str]
) -> dict[str, str]:
    """The LoggingConfig Lambda keeps for ``given`` over ``current``, or its refusal."""
    config = {**current, **{k: str(v) for k, v in (given or {}).items() if v is not None}}
    config.setdefault("LogFormat", "Text")
    config.setdefault("LogGroup", f"/aws/lambda/{name}")
    if config["LogFormat"] not in LOG_FORMATS:
        raise InvalidParameterValueException(
            f"LogFormat {config['LogFormat']!r} is not one of {', '.join(LOG_FORMATS)}"
        )
    levels = ("ApplicationLogLevel", "SystemLogLevel")
    if config["LogFormat"] == "Text":
        if any(given and given.get(level) for level in levels):
            raise InvalidParameterValueException(
                'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel '
                'from your request or change the LogFormat to "JSON" and try again.'
            )
        for level in levels:
            config.pop(level, None)
        return config
    for level in levels:
        config.setdefault(level, "INFO")
        if config[level] not in LOG_LEVELS:
            raise InvalidParameterValueException(
                f"{level} {config[level]!r} is not one of {', '.join(LOG_LEVELS)}"
            )
    return config


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
        config = logging_config(str(spec.get("FunctionName", "")), spec.get("LoggingConfig"), {})
        fn = create_function(self, spec)
        setattr(fn, DEAD_LETTER_ATTRIBUTE, spec.get("DeadLetterConfig") or {})
        setattr(fn, LOGGING_ATTRIBUTE, config)
        hooks.function_changed(fn.function_name)
        return fn

    @group.function(Function, "update_configuration")
    def update(self: Any, config_updates: dict[str, Any]) -> Any:
        if "DeadLetterConfig" in config_updates:
            setattr(self, DEAD_LETTER_ATTRIBUTE, config_updates["DeadLetterConfig"] or {})
        if "LoggingConfig" in config_updates:
            current = getattr(self, LOGGING_ATTRIBUTE, None) or {}
            config = logging_config(self.function_name, config_updates["LoggingConfig"], current)
            setattr(self, LOGGING_ATTRIBUTE, config)
        environment = config_updates.get("Environment")
        if isinstance(environment, dict) and "Variables" not in environment:
            # Lambda reads an Environment without Variables as none (moto raises KeyError).
            config_updates = {**config_updates, "Environment": {**environment, "Variables": {}}}
        result = update_configuration(self, config_updates)
        hooks.function_changed(self.function_name)
        return result

    @group.function(Function, "get_configuration")
    def configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = get_configuration(self, *args, **kwargs)
        dead_letter = getattr(self, DEAD_LETTER_ATTRIBUTE, None)
        if dead_letter and dead_letter.get("TargetArn"):
            response["DeadLetterConfig"] = {"TargetArn": dead_letter["TargetArn"]}
        response["LoggingConfig"] = getattr(self, LOGGING_ATTRIBUTE, None) or logging_config(
            self.function_name, None, {}
        )
        return response

    return group
