"""S3 patches: bucket notifications checked and delivered by the engine, not by moto.

moto's own notification code (moto/s3/notifications.py) builds a partial record and talks to
the other services' backends itself, swallowing every failure (and tries Docker for Lambda).
Here:

- ``send_event`` hands an emulator-neutral ``S3ObjectEvent`` to the hooks, which build AWS's
  record and deliver it; a bucket without a notification configuration returns at once, so the
  PutObject path costs one attribute read.
- ``send_test_event`` reports the configuration just put (the engine sends ``s3:TestEvent``).
- A delete marker (DeleteObject on a versioned bucket, no version id) reports
  ``s3:ObjectRemoved:DeleteMarkerCreated``, which moto does not; deleting a version (with its
  id) reports ``s3:ObjectRemoved:Delete`` of that version, where moto reports only the last.
- The PutBucketNotificationConfiguration body is read here: filter rule names are taken in any
  case (``Prefix``), malformed bodies are S3's MalformedXML rather than a 500, and the engine
  checks the configuration (event names, overlaps, destinations) before moto keeps it.
- GetBucketNotificationConfiguration shows ``EventBridgeConfiguration`` when it is set, and
  filter rule names as S3 answers them, ``Prefix`` and ``Suffix``, however they were put.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import xmltodict
from moto.core.responses import ActionResult, EmptyResult
from moto.s3 import models as s3_models
from moto.s3 import notifications as s3_notifications
from moto.s3.exceptions import MalformedXML, S3ClientError
from moto.s3.responses import S3Response

from localcloud import trace
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.views import S3Destination, S3NotificationConfig, S3ObjectEvent
from localcloud.errors import LocalCloudError, to_aws_error

DELETE_MARKER_CREATED = "s3:ObjectRemoved:DeleteMarkerCreated"
COMPLETE_MULTIPART = "s3:ObjectCreated:CompleteMultipartUpload"
DELETE = "s3:ObjectRemoved:Delete"
# Stands for "no event" where a patch reports an event itself instead of moto.
NOTHING = ""
# The events reported. moto also sends ObjectTagging:Put for every PutObject (AWS does not), and
# ACL and restore events this local cloud does not emit.
REPORTED = ("s3:ObjectCreated:", "s3:ObjectRemoved:")
# moto's names for the configuration kinds, with the ARN field each holds and the kind's name
# in the views.
_KINDS = (
    ("TopicConfiguration", "Topic", "topic"),
    ("QueueConfiguration", "Queue", "queue"),
    ("CloudFunctionConfiguration", "CloudFunction", "lambda"),
)
_MOTO_LISTS = {"topic": "topic", "queue": "queue", "lambda": "cloud_function"}


def config_view(bucket: Any) -> S3NotificationConfig:
    """A bucket's notification configuration (moto's ``NotificationConfiguration``) as a view."""
    held = bucket.notification_configuration
    destinations = []
    for kind, attribute in _MOTO_LISTS.items():
        for notification in getattr(held, attribute, None) or []:
            rules = (notification.filters or {}).get("S3Key", {}).get("FilterRule", [])
            by_name = {str(r["Name"]).lower(): str(r["Value"]) for r in rules}
            destinations.append(
                S3Destination(
                    kind=kind,
                    id=notification.id,
                    arn=notification.arn,
                    events=tuple(notification.events),
                    prefix=by_name.get("prefix", ""),
                    suffix=by_name.get("suffix", ""),
                )
            )
    return S3NotificationConfig(
        bucket=bucket.name,
        region=bucket.region_name,
        account_id=bucket.account_id,
        destinations=tuple(destinations),
        event_bridge=held is not None and held.event_bridge is not None,
        partition=str(bucket.arn).split(":")[1],
    )


def object_event(event_name: Any, bucket: Any, key: Any) -> S3ObjectEvent:
    name = str(getattr(event_name, "value", event_name))
    marker = isinstance(key, s3_models.FakeDeleteMarker)
    etag = None if marker else str(key.etag).strip('"')
    return S3ObjectEvent(
        event_name=name,
        config=config_view(bucket),
        key=key.name,
        size=None if marker else int(key.size),
        etag=etag,
        version_id=str(key.version_id) if bucket.is_versioned else None,
        at=time.time(),
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_configuration(body: bytes | str) -> dict[str, Any]:
    """A PutBucketNotificationConfiguration body in moto's form (lists everywhere, filter rule
    names in lower case); MalformedXML for what S3 cannot read."""
    try:
        parsed = xmltodict.parse(body) if body else {}
    except Exception as exc:  # expat's errors
        raise MalformedXML() from exc
    root = parsed.get("NotificationConfiguration")
    if root is None and "NotificationConfiguration" not in parsed:
        raise MalformedXML()
    if not root:
        return {}
    config: dict[str, Any] = {}
    for field, arn_field, kind in _KINDS:
        entries = []
        for entry in _as_list(root.get(field)):
            if not isinstance(entry, dict) or not entry.get(arn_field):
                raise MalformedXML()
            if not _well_formed(str(entry[arn_field]), kind):
                raise S3ClientError("InvalidArgument", "The ARN is not well formed")
            events = [str(e) for e in _as_list(entry.get("Event"))]
            item: dict[str, Any] = {arn_field: entry[arn_field], "Event": events}
            if entry.get("Id"):
                item["Id"] = entry["Id"]
            rules = _filter_rules(entry.get("Filter"))
            if rules:
                item["Filter"] = {"S3Key": {"FilterRule": rules}}
            entries.append(item)
        if entries:
            config[field] = entries
    if "EventBridgeConfiguration" in root:
        config["EventBridgeConfiguration"] = {}
    return config


_SERVICES = {"topic": "sns", "queue": "sqs", "lambda": "lambda"}


def _well_formed(arn: str, kind: str) -> bool:
    parts = arn.split(":")
    return (
        len(parts) >= 6
        and parts[0] == "arn"
        and parts[2] == _SERVICES[kind]
        and all(parts[i] for i in (1, 3, 4, 5))
    )


def _filter_rules(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    key = value.get("S3Key") if isinstance(value, dict) else None
    if not isinstance(key, dict):
        raise MalformedXML()
    rules = []
    seen = set()
    for rule in _as_list(key.get("FilterRule")):
        name = str((rule or {}).get("Name") or "").lower()
        if name not in ("prefix", "suffix"):
            raise S3ClientError(
                "InvalidArgument", "filter rule name must be either prefix or suffix"
            )
        if name in seen:
            raise S3ClientError(
                "InvalidArgument", f"Cannot specify more than one {name} rule in a filter."
            )
        seen.add(name)
        rules.append({"Name": name, "Value": str(rule.get("Value") or "")})
    return rules


def _destinations(config: dict[str, Any]) -> tuple[S3Destination, ...]:
    return tuple(
        S3Destination(
            kind=kind,
            id=entry.get("Id") or entry[arn_field],
            arn=entry[arn_field],
            events=tuple(entry["Event"]),
            prefix=_rule(entry, "prefix"),
            suffix=_rule(entry, "suffix"),
        )
        for field, arn_field, kind in _KINDS
        for entry in config.get(field, [])
    )


def _rule(entry: dict[str, Any], name: str) -> str:
    rules = entry.get("Filter", {}).get("S3Key", {}).get("FilterRule", [])
    return next((r["Value"] for r in rules if r["Name"] == name), "")


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("s3")
    original_set_delete_marker = s3_models.S3Backend._set_delete_marker
    original_complete = s3_models.S3Backend.complete_multipart_upload
    original_delete = s3_models.S3Backend.delete_object
    # The one event a backend call in this thread may report (CompleteMultipartUpload's own
    # PutObject would report a Put), or None for any.
    only = threading.local()

    @group.function(s3_notifications, "send_event")
    def send_event(account_id: str, event_name: Any, bucket: Any, key: Any) -> None:
        if bucket.notification_configuration is None or key is None:
            return
        name = str(getattr(event_name, "value", event_name))
        wanted = getattr(only, "event", None)
        if not name.startswith(REPORTED) or (wanted is not None and name != wanted):
            return
        hooks.s3_object_event(object_event(name, bucket, key), trace.current())

    @group.function(s3_models.S3Backend, "complete_multipart_upload")
    def complete_multipart_upload(self: Any, bucket_name: str, multipart_id: str, body: Any) -> Any:
        only.event = COMPLETE_MULTIPART
        try:
            return original_complete(self, bucket_name, multipart_id, body)
        finally:
            only.event = None

    @group.function(s3_notifications, "send_test_event")
    def send_test_event(account_id: str, bucket: Any) -> None:
        hooks.s3_notifications_put(config_view(bucket), trace.current())

    @group.function(s3_models.S3Backend, "_set_delete_marker")
    def set_delete_marker(self: Any, bucket_name: str, key_name: str) -> Any:
        marker = original_set_delete_marker(self, bucket_name, key_name)
        bucket = self.get_bucket(bucket_name)
        if bucket.notification_configuration is not None:
            event = object_event(DELETE_MARKER_CREATED, bucket, marker)
            hooks.s3_object_event(event, trace.current())
        return marker

    @group.function(s3_models.S3Backend, "delete_object")
    def delete_object(
        self: Any,
        bucket_name: str,
        key_name: str,
        version_id: str | None = None,
        bypass: bool = False,
    ) -> Any:
        bucket = self.get_bucket(bucket_name)
        if version_id is None or bucket.notification_configuration is None:
            return original_delete(self, bucket_name, key_name, version_id, bypass)
        # Deleting a version for good is ObjectRemoved:Delete of that version on AWS; moto
        # reports only the last version's deletion, and names the newest version.
        deleted = next(
            (
                k
                for k in bucket.keys.getlist(key_name, [])
                if str(k.version_id) == str(version_id)
                and not isinstance(k, s3_models.FakeDeleteMarker)
            ),
            None,
        )
        only.event = NOTHING
        try:
            result = original_delete(self, bucket_name, key_name, version_id, bypass)
        finally:
            only.event = None
        if deleted is not None:
            event = object_event(DELETE, bucket, deleted)
            hooks.s3_object_event(event, trace.current())
        return result

    @group.function(S3Response, "_notification_config_from_body")
    def notification_config_from_body(self: Any) -> dict[str, Any]:
        config = parse_configuration(self.body)
        bucket = self.backend.get_bucket(self.bucket_name)
        view = S3NotificationConfig(
            bucket=bucket.name,
            region=bucket.region_name,
            account_id=bucket.account_id,
            destinations=_destinations(config),
            event_bridge="EventBridgeConfiguration" in config,
            partition=str(bucket.arn).split(":")[1],
        )
        try:
            hooks.s3_check_notifications(view)
        except LocalCloudError as exc:
            _, code, message = to_aws_error(exc)
            raise S3ClientError(code, message) from exc
        return config

    @group.function(S3Response, "get_bucket_notification")
    def get_bucket_notification(self: Any) -> Any:
        held = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if not held:
            return self.serialized(EmptyResult())
        view = config_view(self.backend.get_bucket(self.bucket_name))
        fields = {"topic": "TopicArn", "queue": "QueueArn", "lambda": "LambdaFunctionArn"}
        lists = {"topic": "TopicConfigurations", "queue": "QueueConfigurations"}
        result: dict[str, Any] = {
            "TopicConfigurations": [],
            "QueueConfigurations": [],
            "LambdaFunctionConfigurations": [],
        }
        for d in view.destinations:
            item: dict[str, Any] = {"Id": d.id, fields[d.kind]: d.arn, "Events": list(d.events)}
            rules = [
                {"Name": n, "Value": v}
                for n, v in (("Prefix", d.prefix), ("Suffix", d.suffix))
                if v
            ]
            if rules:
                item["Filter"] = {"Key": {"FilterRules": rules}}
            result[lists.get(d.kind, "LambdaFunctionConfigurations")].append(item)
        if view.event_bridge:
            result["EventBridgeConfiguration"] = {}
        self.data["Action"] = "GetBucketNotificationConfiguration"
        return self.serialized(ActionResult(result))

    return group
