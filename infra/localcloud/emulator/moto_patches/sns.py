"""SNS patches: filter policies by the local cloud's pattern engine, deliveries by the engine.

- moto's ``FilterPolicyMatcher`` slot and its policy validation use routing/patterns.py (AWS's
  grammar, numeric precision and error texts); Subscribe and SetSubscriptionAttributes are also
  checked before moto runs (gateway/validators.py), since moto creates first and checks after.
- A message for an sqs or lambda subscription goes to the hooks (the engine delivers it: to SQS
  with the trace header kept, to Lambda as an asynchronous invoke with the real SNS event, with
  no X.509 certificate built per message); other protocols keep moto's own delivery.
"""

from __future__ import annotations

from typing import Any

from moto.sns import models as sns_models
from moto.sns.exceptions import SNSInvalidParameter

from localcloud import trace
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import SnsPublication, SubscriptionView
from localcloud.errors import to_aws_error
from localcloud.routing.errors import RoutingError
from localcloud.routing.patterns import compile_filter_policy

ENGINE_PROTOCOLS = ("sqs", "lambda")


class FilterPolicy:
    """Stands where moto keeps its FilterPolicyMatcher."""

    def __init__(self, filter_policy: dict[str, Any], scope: str | None) -> None:
        self.filter_policy = filter_policy
        self.scope = scope
        self._compiled = compile_filter_policy(filter_policy, scope or "MessageAttributes")

    def __reduce__(self) -> tuple[Any, ...]:
        # Saved state (emulator/state.py) keeps the policy and compiles it again.
        return (FilterPolicy, (self.filter_policy, self.scope))

    def matches(self, message_attributes: dict[str, Any] | None, message: str) -> bool:
        return self._compiled.matches(message_attributes, message)


def validate_filter_policy(self: Any, value: Any, scope: str | None) -> None:
    """moto's policy check, by the pattern engine, raising SNS's InvalidParameter."""
    try:
        compile_filter_policy(value, scope or "MessageAttributes")
    except RoutingError as exc:
        raise SNSInvalidParameter(to_aws_error(exc)[2]) from exc


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("sns")
    original_publish = sns_models.Subscription.publish
    group.add(sns_models, "FilterPolicyMatcher", FilterPolicy)
    group.add(sns_models.SNSBackend, "_validate_filter_policy", validate_filter_policy)

    @group.function(sns_models.Subscription, "publish")
    def publish(
        self: Any,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        if self.protocol not in ENGINE_PROTOCOLS:
            original_publish(
                self,
                message,
                message_id,
                subject=subject,
                message_attributes=message_attributes,
                group_id=group_id,
                deduplication_id=deduplication_id,
                message_structure=message_structure,
            )
            return
        context = trace.current()
        subscription = SubscriptionView.from_moto(self)
        matcher = self._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            hooks.sns_filtered(subscription, context)
            return
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        publication = SnsPublication(
            message=message,
            message_id=message_id,
            subject=subject,
            message_attributes=message_attributes or {},
            group_id=group_id,
            deduplication_id=deduplication_id,
        )
        hooks.sns_deliver(subscription, publication, context)

    return group
