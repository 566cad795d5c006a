"""S3 event notifications as pure functions: which configurations an event reaches, whether a
notification configuration is valid, and the payloads S3 emits (no I/O, no clock unless passed).

- ``record`` is one entry of the ``{"Records": [...]}`` document Lambda, SQS and SNS receive;
  ``test_event`` the ``s3:TestEvent`` queues and topics get when a configuration is put;
  ``eventbridge_event`` what a bucket with EventBridge notifications puts on the default bus.
- ``destinations_for`` matches an event name (``s3:ObjectCreated:Put``) and a key against each
  configuration's events (``s3:ObjectCreated:*`` included) and prefix/suffix filter.
- ``configuration_problem`` answers what S3 refuses at PutBucketNotificationConfiguration:
  unknown event names and configurations that overlap (a common event type and key filters
  that can both match one key).

tests/unit/engine/test_s3_shapes.py holds the payloads to Powertools' ``S3Model`` and
``S3EventNotificationEventBridgeModel``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote_plus

from localcloud.emulator.views import S3Destination, S3NotificationConfig, S3ObjectEvent
from localcloud.engine.shapes import iso_millis, iso_seconds

# The event types a configuration may name (with their wildcards). The local cloud emits
# ObjectCreated and ObjectRemoved (and what moto itself reports: ACL, tagging, restore); the
# others are accepted as AWS accepts them and never occur locally.
EVENT_TYPES = frozenset(
    {
        "s3:TestEvent",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:ReducedRedundancyLostObject",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
        "s3:ObjectAcl:Put",
    }
)

CONFIGURABLE = EVENT_TYPES - {"s3:TestEvent"}

# EventBridge's detail-type and reason per event name (S3's EventBridge event reference).
_EVENTBRIDGE = {
    "s3:ObjectCreated:Put": ("Object Created", "PutObject"),
    "s3:ObjectCreated:Post": ("Object Created", "POST Object"),
    "s3:ObjectCreated:Copy": ("Object Created", "CopyObject"),
    "s3:ObjectCreated:CompleteMultipartUpload": ("Object Created", "CompleteMultipartUpload"),
    "s3:ObjectRemoved:Delete": ("Object Deleted", "DeleteObject"),
    "s3:ObjectRemoved:DeleteMarkerCreated": ("Object Deleted", "DeleteObject"),
}
# The ETag of no bytes: what EventBridge shows for a delete marker.
EMPTY_ETAG = "d41d8cd98f00b204e9800998ecf8427e"


# -- matching --------------------------------------------------------------------------------------
def event_matches(configured: Iterable[str], event_name: str) -> bool:
    """Whether ``event_name`` (``s3:ObjectCreated:Put``) is one of ``configured`` or under one of
    its wildcards (``s3:ObjectCreated:*``)."""
    family = event_name.rsplit(":", 1)[0] + ":*"
    return any(name in (event_name, family) for name in configured)


def key_matches(destination: S3Destination, key: str) -> bool:
    return key.startswith(destination.prefix) and key.endswith(destination.suffix)


def destinations_for(
    config: S3NotificationConfig, event_name: str, key: str
) -> list[S3Destination]:
    """The configurations an event on ``key`` is sent to, in the order they were put."""
    return [
        d
        for d in config.destinations
        if event_matches(d.events, event_name) and key_matches(d, key)
    ]


# -- validation ------------------------------------------------------------------------------------
def _expanded(events: Iterable[str]) -> set[str]:
    """Event names with each wildcard standing for every name of its family."""
    names: set[str] = set()
    for name in events:
        if name.endswith(":*"):
            family = name[:-1]
            names.update(e for e in EVENT_TYPES if e.startswith(family) and e != name)
        names.add(name)
    return names


def _filters_overlap(a: S3Destination, b: S3Destination) -> bool:
    # Two prefixes can both match a key when one starts the other; two suffixes when one ends it
    # (an absent rule is the empty string, which matches every key).
    prefixes = a.prefix.startswith(b.prefix) or b.prefix.startswith(a.prefix)
    suffixes = a.suffix.endswith(b.suffix) or b.suffix.endswith(a.suffix)
    return prefixes and suffixes


def configuration_problem(config: S3NotificationConfig) -> str | None:
    """What S3 would answer PutBucketNotificationConfiguration with, or None if it takes it
    (checked in S3's order: the destinations' region, event names, overlaps)."""
    for destination in config.destinations:
        if destination.arn.split(":")[3:4] != [config.region]:
            return (
                "The notification destination service region is not valid for the bucket "
                "location constraint"
            )
    for destination in config.destinations:
        if not destination.events:
            return "The notification configuration must name at least one event."
        for name in destination.events:
            if name not in CONFIGURABLE:
                return (
                    f"The event '{name}' is not supported for notifications. Supported events "
                    f"are as follows: {sorted(CONFIGURABLE)}"
                )
    for i, first in enumerate(config.destinations):
        for second in config.destinations[i + 1 :]:
            if _expanded(first.events) & _expanded(second.events) and _filters_overlap(
                first, second
            ):
                return (
                    "Configurations overlap. Configurations on the same bucket cannot share a "
                    f"common event type. ({first.id!r} and {second.id!r})"
                )
    return None


# -- payloads --------------------------------------------------------------------------------------
def encoded_key(key: str) -> str:
    """The key as records show it: URL-encoded, spaces as ``+``, slashes kept."""
    return quote_plus(key, safe="/")


def record(
    event: S3ObjectEvent,
    *,
    configuration_id: str,
    sequencer: str,
    request_id: str,
    host_id: str,
    principal_id: str,
    source_ip: str,
) -> dict[str, Any]:
    """One record of an S3 event notification (Lambda, SQS and SNS get ``{"Records": [it]}``)."""
    config = event.config
    obj: dict[str, Any] = {"key": encoded_key(event.key)}
    removed = event.event_name.startswith("s3:ObjectRemoved:")
    if not removed:
        obj["size"] = event.size or 0
        obj["eTag"] = event.etag or EMPTY_ETAG
    if event.version_id is not None:
        obj["versionId"] = event.version_id
    obj["sequencer"] = sequencer
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": config.region,
        "eventTime": iso_millis(event.at),
        "eventName": event.event_name.removeprefix("s3:"),
        "userIdentity": {"principalId": principal_id},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {
                "name": config.bucket,
                "ownerIdentity": {"principalId": principal_id.removeprefix("AWS:")},
                "arn": bucket_arn(config),
            },
            "object": obj,
        },
    }


def bucket_arn(config: S3NotificationConfig) -> str:
    return f"arn:{config.partition}:s3:::{config.bucket}"


def test_event(bucket: str, *, now: float, request_id: str, host_id: str) -> dict[str, Any]:
    """The ``s3:TestEvent`` a queue or topic receives when a configuration naming it is put."""
    return {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": iso_millis(now),
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": host_id,
    }


def eventbridge_event(
    event: S3ObjectEvent,
    *,
    event_id: str,
    sequencer: str,
    request_id: str,
    requester: str,
    source_ip: str,
) -> dict[str, Any] | None:
    """The event a bucket with EventBridge notifications puts on the default bus, or None for an
    event name EventBridge gets no event for here."""
    kind = _EVENTBRIDGE.get(event.event_name)
    if kind is None:
        return None
    detail_type, reason = kind
    config = event.config
    obj: dict[str, Any] = {"key": event.key}
    if detail_type == "Object Created":
        obj["size"] = event.size or 0
    obj["etag"] = event.etag or EMPTY_ETAG
    if event.version_id is not None:
        obj["version-id"] = event.version_id
    obj["sequencer"] = sequencer
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": config.bucket},
        "object": obj,
        "request-id": request_id,
        "requester": requester,
        "source-ip-address": source_ip,
        "reason": reason,
    }
    if detail_type == "Object Deleted":
        detail["deletion-type"] = (
            "Delete Marker Created"
            if event.event_name.endswith("DeleteMarkerCreated")
            else "Permanently Deleted"
        )
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": "aws.s3",
        "account": config.account_id,
        "time": iso_seconds(event.at),
        "region": config.region,
        "resources": [bucket_arn(config)],
        "detail": detail,
    }
