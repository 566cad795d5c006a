"""SNS kinds: topics (standard and FIFO), subscriptions with their attributes, topic policies."""

from __future__ import annotations

from typing import Any

from localcloud.deploy.kinds.base import (
    AttachedPolicy,
    Context,
    ResourceKind,
    as_json,
    attribute_values,
    changed,
    ignore_gone,
    register,
    tag_list,
)

_TOPIC_ATTRIBUTES = (
    "ArchivePolicy",
    "ContentBasedDeduplication",
    "DisplayName",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
)
_SUBSCRIPTION_ATTRIBUTES = (
    "DeliveryPolicy",
    "FilterPolicyScope",  # before FilterPolicy: the scope decides how the policy is validated
    "FilterPolicy",
    "RawMessageDelivery",
    "RedrivePolicy",
    "ReplayPolicy",
    "SubscriptionRoleArn",
)
# Attributes a subscription goes back to when a template stops setting them.
_SUBSCRIPTION_RESETS = {
    "FilterPolicy": "",
    "FilterPolicyScope": "MessageAttributes",
    "RawMessageDelivery": "false",
    "RedrivePolicy": "",
}


def _fifo(props: dict[str, Any]) -> bool:
    return str(props.get("FifoTopic", "false")).lower() == "true"


def _subscription_key(subscription: dict[str, Any]) -> tuple[str, str]:
    return str(subscription["Protocol"]), str(subscription["Endpoint"])


@register
class Topic(ResourceKind):
    type_name = "AWS::SNS::Topic"
    replace_on = frozenset({"TopicName", "FifoTopic"})
    applies = frozenset({"TopicName", "FifoTopic", "Tags", "Subscription", *_TOPIC_ATTRIBUTES})
    members = {"Subscription": frozenset({"Protocol", "Endpoint"})}

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        fifo = _fifo(props)
        name = ctx.name(logical_id, props.get("TopicName"), 256, ".fifo" if fifo else "")
        attributes = attribute_values(props, _TOPIC_ATTRIBUTES)
        if fifo:
            attributes["FifoTopic"] = "true"
        arguments: dict[str, Any] = {"Name": name, "Attributes": attributes}
        if props.get("Tags"):
            arguments["Tags"] = tag_list(props["Tags"])
        arn = str(ctx.client("sns").create_topic(**arguments)["TopicArn"])
        self._sync_subscriptions(arn, {}, props, ctx)
        return arn

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        sns = ctx.client("sns")
        before = attribute_values(old, _TOPIC_ATTRIBUTES)
        for name, value in attribute_values(new, _TOPIC_ATTRIBUTES).items():
            if before.get(name) != value:
                sns.set_topic_attributes(
                    TopicArn=physical_id, AttributeName=name, AttributeValue=value
                )
        if "Tags" in changed(old, new):
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                sns.untag_resource(ResourceArn=physical_id, TagKeys=sorted(gone))
            if new.get("Tags"):
                sns.tag_resource(ResourceArn=physical_id, Tags=tag_list(new["Tags"]))
        self._sync_subscriptions(physical_id, old, new, ctx)
        return physical_id

    def _sync_subscriptions(
        self, arn: str, old: dict[str, Any], new: dict[str, Any], ctx: Context
    ) -> None:
        """Inline `Subscription` entries: subscribe the new ones, unsubscribe the dropped ones."""
        sns = ctx.client("sns")
        before = {_subscription_key(s) for s in old.get("Subscription") or []}
        after = {_subscription_key(s) for s in new.get("Subscription") or []}
        for protocol, endpoint in sorted(after - before):
            sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
        if before - after:
            for subscription in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]:
                if (subscription["Protocol"], subscription["Endpoint"]) in before - after:
                    sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("sns").delete_topic, TopicArn=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"TopicArn": physical_id, "TopicName": physical_id.rsplit(":", 1)[-1]}


@register
class Subscription(ResourceKind):
    type_name = "AWS::SNS::Subscription"
    replace_on = frozenset({"TopicArn", "Protocol", "Endpoint"})
    applies = frozenset({"TopicArn", "Protocol", "Endpoint", *_SUBSCRIPTION_ATTRIBUTES})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        response = ctx.client("sns").subscribe(
            TopicArn=props["TopicArn"],
            Protocol=props["Protocol"],
            Endpoint=props["Endpoint"],
            Attributes=attribute_values(props, _SUBSCRIPTION_ATTRIBUTES),
            ReturnSubscriptionArn=True,
        )
        return str(response["SubscriptionArn"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        sns = ctx.client("sns")
        before = attribute_values(old, _SUBSCRIPTION_ATTRIBUTES)
        after = attribute_values(new, _SUBSCRIPTION_ATTRIBUTES)
        for name in _SUBSCRIPTION_ATTRIBUTES:
            if name in after and before.get(name) != after[name]:
                value: str | None = after[name]
            elif name in before and name not in after:
                value = _SUBSCRIPTION_RESETS.get(name)
            else:
                continue
            if value is not None:
                sns.set_subscription_attributes(
                    SubscriptionArn=physical_id, AttributeName=name, AttributeValue=value
                )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("sns").unsubscribe, SubscriptionArn=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": physical_id}


@register
class TopicPolicy(AttachedPolicy):
    type_name = "AWS::SNS::TopicPolicy"
    targets = "Topics"
    applies = frozenset({"Topics", "PolicyDocument"})

    def apply(self, target: str, policy: str, ctx: Context) -> None:
        ctx.client("sns").set_topic_attributes(
            TopicArn=target, AttributeName="Policy", AttributeValue=policy
        )

    def reset(self, target: str, ctx: Context) -> None:
        """Put back the owner-only policy a topic starts with."""
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:GetTopicAttributes"],
                    "Resource": target,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": ctx.account_id}},
                }
            ],
        }
        ignore_gone(
            ctx.client("sns").set_topic_attributes,
            TopicArn=target,
            AttributeName="Policy",
            AttributeValue=as_json(policy),
        )
