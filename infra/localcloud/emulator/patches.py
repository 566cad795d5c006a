"""The hooks the local cloud puts into moto (pinned to 5.2.5 in pyproject.toml).

- moto's synchronous SQS-to-Lambda path inside SendMessage is switched off: event source mappings
  are never registered on the queue, and the engine's pollers own delivery (DESIGN.md: moto
  deletes messages after a failed Docker invoke, losing them).
- Event source mapping changes are reported to the engine, which starts and stops pollers.
- EventBridge patterns, SNS filter policies and ESM filter criteria are validated and matched by
  the local cloud's own pattern engine (routing/patterns.py), not moto's.
- SNS deliveries go through the engine: to SQS with the trace header kept, to Lambda as an async
  invoke with the real SNS event, without building an X.509 certificate per message.
- A message moved to a dead-letter queue by the queue's redrive policy is recorded in the trace.
- Lambda functions keep their DeadLetterConfig, which moto does not store.

Every hook calls back into the engine installed by ``install(engine)``; with none installed the
hooks fall back to moto's own behaviour, so moto's in-process mock keeps working in unit tests.
"""

from __future__ import annotations

import functools
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from moto import backends as moto_backends
from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import InvalidParameterValueException
from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.core.utils import unix_time as _moto_unix_time
from moto.events import models as events_models
from moto.events.exceptions import InvalidEventPatternException, ValidationException
from moto.sns import models as sns_models
from moto.sns import responses as sns_responses
from moto.sns.exceptions import SNSInvalidParameter
from moto.sqs import models as sqs_models
from moto.utilities import utils as moto_utilities

from localcloud import trace
from localcloud.emulator import sqs_queues
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import (
    compile_event_pattern,
    compile_filter_criteria,
    compile_filter_policy,
)
from localcloud.routing.transform import validate_target_input

if TYPE_CHECKING:
    from localcloud.engine import Engine

_engine: Engine | None = None
_installed = False


def install(engine: Engine) -> None:
    """Route moto's hooks to ``engine`` (applying the patches once per process)."""
    global _engine
    _apply()
    _engine = engine


def uninstall(engine: Engine) -> None:
    global _engine
    if _engine is engine:
        _engine = None


def _apply() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    _patch_lambda()
    _patch_events()
    _patch_sns()
    _patch_sqs()
    _patch_dispatcher()


# -- Lambda ------------------------------------------------------------------------------------
def _validate_filters(spec: dict[str, Any]) -> None:
    for item in (spec.get("FilterCriteria") or {}).get("Filters") or []:
        try:
            compile_filter_criteria(item.get("Pattern", ""))
        except RoutingError as exc:
            raise InvalidParameterValueException(
                f"Invalid filter pattern definition. {exc}"
            ) from exc


def _patch_lambda() -> None:
    backend = lambda_models.LambdaBackend
    create_esm = backend.create_event_source_mapping
    update_esm = backend.update_event_source_mapping
    delete_esm = backend.delete_event_source_mapping
    create_function = backend.create_function
    update_configuration = lambda_models.LambdaFunction.update_configuration
    get_configuration = lambda_models.LambdaFunction.get_configuration

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        _validate_filters(spec)
        esm = create_esm(self, spec)
        if esm.event_source_arn.split(":")[2] == "sqs":
            # Keep moto from invoking inside SendMessage: the engine's poller delivers.
            _unregister_from_queue(esm)
        if _engine is not None:
            _engine.mapping_changed(esm)
        return esm

    def update_event_source_mapping(self: Any, uuid_: str, spec: dict[str, Any]) -> Any:
        _validate_filters(spec)
        esm = update_esm(self, uuid_, spec)
        if esm is not None and _engine is not None:
            _engine.mapping_changed(esm)
        return esm

    def delete_event_source_mapping(self: Any, uuid_: str) -> Any:
        esm = delete_esm(self, uuid_)
        if esm is not None and _engine is not None:
            _engine.mapping_changed(esm, deleted=True)
        return esm

    def create(self: Any, spec: dict[str, Any]) -> Any:
        fn: Any = create_function(self, spec)
        fn.localcloud_dead_letter_config = spec.get("DeadLetterConfig") or {}
        return fn

    def update(self: Any, config_updates: dict[str, Any]) -> Any:
        if "DeadLetterConfig" in config_updates:
            self.localcloud_dead_letter_config = config_updates["DeadLetterConfig"] or {}
        return update_configuration(self, config_updates)

    def configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        response = get_configuration(self, *args, **kwargs)
        dlq = getattr(self, "localcloud_dead_letter_config", None)
        if dlq and dlq.get("TargetArn"):
            response["DeadLetterConfig"] = {"TargetArn": dlq["TargetArn"]}
        return response

    setattr(backend, "create_event_source_mapping", create_event_source_mapping)  # noqa: B010
    setattr(backend, "update_event_source_mapping", update_event_source_mapping)  # noqa: B010
    setattr(backend, "delete_event_source_mapping", delete_event_source_mapping)  # noqa: B010
    setattr(backend, "create_function", create)  # noqa: B010
    setattr(lambda_models.LambdaFunction, "update_configuration", update)  # noqa: B010
    setattr(lambda_models.LambdaFunction, "get_configuration", configuration)  # noqa: B010


def _unregister_from_queue(esm: Any) -> None:
    _, region, account, _ = esm.event_source_arn.split(":", 5)[2:]
    for queue in sqs_models.sqs_backends[account][region].queues.values():
        if queue.queue_arn == esm.event_source_arn:
            queue.lambda_event_source_mappings.pop(esm.function_arn, None)


# -- EventBridge -------------------------------------------------------------------------------
class _CompiledPattern(events_models.EventPattern):
    """moto's EventPattern slot, filled by the local cloud's compiled matcher."""

    def __init__(self, raw_pattern: str | None) -> None:
        super().__init__(raw_pattern, {})
        self._compiled = compile_event_pattern(raw_pattern) if raw_pattern else None

    def matches_event(self, event: Any) -> bool:
        return self._compiled is None or self._compiled.matches(event)


def _load_pattern(cls: Any, raw_pattern: str | None) -> Any:
    try:
        return _CompiledPattern(raw_pattern)
    except RoutingError as exc:
        raise InvalidEventPatternException(str(exc)) from exc


def _patch_events() -> None:
    events_models.EventPattern.load = classmethod(_load_pattern)  # type: ignore[method-assign,assignment]
    replay_events = events_models.Replay.replay_events

    def replay(self: Any, archive: Any) -> None:
        if _engine is None:
            replay_events(self, archive)
        else:
            _engine.router.replay(self, archive)

    events_models.Replay.replay_events = replay  # type: ignore[method-assign]
    put_targets = events_models.EventsBackend.put_targets

    def validated_put_targets(
        self: Any, name: str, event_bus_arn: str | None, targets: list[dict[str, Any]]
    ) -> None:
        if not name.startswith("Events-Archive-"):  # moto's own archive rules
            for target in targets:
                try:
                    validate_target_input(target)
                except RoutingError as exc:
                    raise ValidationException(str(exc)) from exc
        put_targets(self, name, event_bus_arn, targets)

    setattr(events_models.EventsBackend, "put_targets", validated_put_targets)  # noqa: B010


# -- SNS ---------------------------------------------------------------------------------------
class _FilterPolicy:
    """Stands where moto keeps its FilterPolicyMatcher."""

    def __init__(self, filter_policy: dict[str, Any], scope: str | None) -> None:
        self.filter_policy = filter_policy
        self._compiled = compile_filter_policy(filter_policy, scope or "MessageAttributes")

    def matches(self, message_attributes: dict[str, Any] | None, message: str) -> bool:
        return self._compiled.matches(message_attributes, message)


def _validate_filter_policy(self: Any, value: Any, scope: str | None) -> None:
    try:
        compile_filter_policy(value, scope or "MessageAttributes")
    except RoutingError as exc:
        message = str(exc)
        prefix = "Invalid parameter: "
        raise SNSInvalidParameter(
            message if message.startswith(prefix) else prefix + message
        ) from exc


def _timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sns_notification(
    subscription: Any,
    message: str,
    message_id: str,
    subject: str | None,
    message_attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    """The SNS notification envelope (what SQS receives without raw delivery)."""
    envelope: dict[str, Any] = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": subscription.topic.arn,
        "Message": message,
        "Timestamp": _timestamp(),
        "SignatureVersion": "1",
        # Local deliveries are not signed; the fields keep the shape consumers parse.
        "Signature": "TE9DQUxDTE9VRA==",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/localcloud.pem",
        "UnsubscribeURL": (
            "http://localhost:4566/?Action=Unsubscribe&SubscriptionArn=" + subscription.arn
        ),
    }
    if subject:
        envelope["Subject"] = subject
    if message_attributes:
        envelope["MessageAttributes"] = {
            name: {"Type": value["Type"], "Value": value["Value"]}
            for name, value in message_attributes.items()
        }
    return envelope


def _publish(
    self: Any,
    message: str,
    message_id: str,
    subject: str | None = None,
    message_attributes: dict[str, Any] | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    message_structure: str | None = None,
) -> None:
    engine = _engine
    if engine is None or self.protocol not in ("sqs", "lambda"):
        _original_publish(
            self,
            message,
            message_id,
            subject,
            message_attributes,
            group_id,
            deduplication_id,
            message_structure,
        )
        return
    context = trace.current()
    if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(
        message_attributes, message
    ):
        engine.traces.record(
            "filter", "sns", self.arn, context=context, outcome="miss", endpoint=self.endpoint
        )
        return
    if message_structure == "json":
        message = self._parse_message_structure(message, self.protocol)
    engine.deliver_sns(
        self, message, message_id, subject, message_attributes, group_id, deduplication_id
    )


_original_publish: Any = None


def _patch_sns() -> None:
    global _original_publish
    _original_publish = sns_models.Subscription.publish
    sns_models.Subscription.publish = _publish  # type: ignore[method-assign]
    sns_models.FilterPolicyMatcher = _FilterPolicy  # type: ignore[misc,assignment]
    sns_models.SNSBackend._validate_filter_policy = _validate_filter_policy  # type: ignore[method-assign]
    subscribe = sns_responses.SNSResponse.subscribe
    set_attributes = sns_models.SNSBackend.set_subscription_attributes

    def checked_subscribe(self: Any) -> Any:
        # moto creates the subscription before it validates the policy; AWS refuses both.
        attributes = self._get_attributes() or {}
        if attributes.get("FilterPolicy"):
            _validate_filter_policy(
                self.backend, attributes["FilterPolicy"], attributes.get("FilterPolicyScope")
            )
        return subscribe(self)

    def checked_set_attributes(self: Any, arn: str, name: str, value: Any) -> None:
        if name == "FilterPolicy" and value:
            # Refuse what is not JSON before moto's json.loads turns it into a server error
            # (the body grammar accepts the most); moto then checks it against the scope.
            _validate_filter_policy(self, value, "MessageBody")
        set_attributes(self, arn, name, value)

    sns_responses.SNSResponse.subscribe = checked_subscribe  # type: ignore[method-assign]
    sns_models.SNSBackend.set_subscription_attributes = checked_set_attributes  # type: ignore[method-assign]


# -- SQS ---------------------------------------------------------------------------------------
def _unix_time(dt: Any = None) -> float:
    return time.time() if dt is None else _moto_unix_time(dt)


def _unix_time_millis(dt: Any = None) -> float:
    return time.time() * 1000.0 if dt is None else _moto_unix_time(dt) * 1000.0


def _patch_dispatcher() -> None:
    # moto's dispatcher lists its package folder on every request to recognise service hosts.
    modules = tuple(moto_backends.list_of_moto_modules())
    moto_backends.list_of_moto_modules = lambda: modules  # type: ignore[assignment]
    # moto renders every attribute and response field name through a character-by-character
    # camelCase conversion (for SQS, once per attribute on every send); the names are few, so
    # the conversion is remembered.
    original = moto_utils.camelcase_to_underscores
    convert = functools.lru_cache(maxsize=8192)(original)
    for module in (
        moto_utils,
        moto_responses,
        moto_utilities,
        sqs_models,
        sns_models,
        sns_responses,
    ):
        if getattr(module, "camelcase_to_underscores", None) is original:
            module.camelcase_to_underscores = convert  # type: ignore[attr-defined]


def _receipt_handle() -> str:
    # moto draws 185 letters one random.choice at a time; the same length of URL-safe random
    # text comes from one call.
    return secrets.token_urlsafe(138)


def _patch_sqs() -> None:
    # moto's SQS asks for the time through datetime arithmetic for every message it looks at;
    # the same epoch seconds come straight from time.time().
    sqs_models.unix_time = _unix_time  # type: ignore[assignment]
    sqs_models.unix_time_millis = _unix_time_millis  # type: ignore[assignment]
    sqs_models.generate_receipt_handle = _receipt_handle  # type: ignore[assignment]
    sqs_queues.install(_record_redrive)
    send_message = sqs_models.SQSBackend.send_message

    def send(self: Any, *args: Any, **kwargs: Any) -> Any:
        context = trace.current()
        attributes = kwargs.get("system_attributes") or {}
        if context is not None and "AWSTraceHeader" not in attributes:
            # AWS keeps the sender's X-Ray header on the message; the pollers read it back.
            kwargs["system_attributes"] = {
                **attributes,
                "AWSTraceHeader": {"DataType": "String", "StringValue": context.header()},
            }
        return send_message(self, *args, **kwargs)

    sqs_models.SQSBackend.send_message = send  # type: ignore[method-assign]


def _record_redrive(queue: Any, message: Any) -> None:
    """Trace a message the source queue's redrive policy moved into ``queue``."""
    if _engine is None:
        return
    header = (message.system_attributes or {}).get("AWSTraceHeader") or {}
    context = trace.TraceContext.parse(
        header.get("StringValue") if isinstance(header, dict) else header
    )
    _engine.traces.record(
        "dlq",
        "sqs",
        queue.name,
        context=context,
        outcome="error",
        message_id=message.id,
        receive_count=message.approximate_receive_count,
        reason="maxReceiveCount reached (the queue's redrive policy)",
    )
