"""The Lambda engine: runs handlers for real, with AWS's delivery semantics.

executor.py  warm worker processes per function
invoker.py   RequestResponse, Event and DryRun; async retries, destinations, DLQ
poller.py    one poller per SQS event source mapping
senders.py   deliveries to an ARN (SQS, SNS, Lambda, EventBridge), one class per kind
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any

from localcloud.emulator import backends, patches
from localcloud.engine.errors import DeliveryError, FunctionNotFoundError
from localcloud.engine.executor import DEFAULT_CONCURRENCY, Executor, FunctionSpec
from localcloud.engine.invoker import Invoker
from localcloud.engine.logs import LogWriter
from localcloud.engine.poller import SqsPoller
from localcloud.engine.senders import Message, Senders
from localcloud.trace import TraceStore

log = logging.getLogger(__name__)

CODE_PATH_TAG = "localcloud:code-path"
DEFAULT_REGION = "us-east-1"


class Engine:
    """Owns the executor, invoker, pollers and senders of one local cloud."""

    def __init__(self, endpoint_url: str, traces: TraceStore, router: Any) -> None:
        self.endpoint_url = endpoint_url
        self.traces = traces
        self.router = router
        self.executor = Executor(endpoint_url)
        self.logs = LogWriter()
        self.senders = Senders(self)
        self.invoker = Invoker(self)
        self.pollers: dict[str, SqsPoller] = {}
        self._lock = threading.Lock()
        self._code_cache = Path(tempfile.mkdtemp(prefix="localcloud-code-"))
        self._extract_lock = threading.Lock()
        self._runtime_warned: set[str] = set()

    # -- functions ---------------------------------------------------------------------------
    def _function(self, name_or_arn: str) -> Any:
        region = DEFAULT_REGION
        account = backends.ACCOUNT_ID
        name = name_or_arn
        if name_or_arn.startswith("arn:"):
            parts = name_or_arn.split(":")
            if len(parts) < 7:
                raise FunctionNotFoundError(name_or_arn)
            region, account, name = parts[3], parts[4], parts[6]
        try:
            return backends.lambda_backend(region, account).get_function(name)
        except Exception as exc:
            raise FunctionNotFoundError(name_or_arn) from exc

    def name_of(self, name_or_arn: str) -> str:
        return name_or_arn.split(":")[6] if name_or_arn.startswith("arn:") else name_or_arn

    def spec(self, name_or_arn: str) -> FunctionSpec:
        """The function's current configuration, as an execution environment needs it."""
        fn = self._function(name_or_arn)
        code_paths = [self._code_path(fn)]
        for layer in getattr(fn, "layers", None) or []:
            layer_dir = self._layer_path(fn, layer["Arn"])
            if layer_dir:
                code_paths += [str(Path(layer_dir) / "python"), layer_dir]
        self._check_runtime(fn)
        return FunctionSpec(
            name=fn.function_name,
            arn=fn.function_arn.rsplit(":$LATEST", 1)[0],
            handler=fn.handler or "",
            runtime=fn.run_time or "python3.12",
            timeout=float(fn.timeout or 3),
            memory_size=int(fn.memory_size or 128),
            environment=dict(fn.environment_vars or {}),
            code_paths=tuple(code_paths),
            reserved_concurrency=(
                int(fn.reserved_concurrency) if fn.reserved_concurrency is not None else None
            ),
            region=fn.region,
            account_id=fn.account_id,
        )

    def _check_runtime(self, fn: Any) -> None:
        """Say once per function when its runtime is not the Python that runs it here."""
        here = f"python{sys.version_info.major}.{sys.version_info.minor}"
        runtime = fn.run_time or here
        if runtime != here and fn.function_name not in self._runtime_warned:
            self._runtime_warned.add(fn.function_name)
            log.warning(
                "function %s declares runtime %s; the local cloud runs it on %s (%s)",
                fn.function_name,
                runtime,
                here,
                sys.executable,
            )

    def _code_path(self, fn: Any) -> str:
        tagged = (fn.tags or {}).get(CODE_PATH_TAG)
        if tagged and os.path.isdir(tagged):
            return str(tagged)
        # moto already hashed the zip when it was uploaded: no need to hash it per invoke.
        return self._extract(
            getattr(fn, "code_bytes", b"") or b"", getattr(fn, "code_digest", None)
        )

    def _layer_path(self, fn: Any, arn: str) -> str | None:
        layer = backends.lambda_backend(fn.region, fn.account_id).layers_versions_by_arn(arn)
        content = getattr(layer, "code_bytes", None) if layer else None
        return self._extract(content) if content else None

    def _extract(self, zipped: bytes, digest: str | None = None) -> str:
        """The folder holding a code zip's contents, extracted once per distinct zip."""
        digest = (digest or hashlib.sha256(zipped).hexdigest())[:16]
        target = self._code_cache / digest
        # Concurrent first invocations (an SQS mapping starts several batches at once) must
        # not race to extract the same zip: one extracts, the others wait and reuse it.
        with self._extract_lock:
            if not target.exists():
                staging = Path(tempfile.mkdtemp(dir=self._code_cache))
                if zipped:
                    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
                        archive.extractall(staging)
                staging.rename(target)
        return str(target)

    def function_concurrency(self, name_or_arn: str) -> int:
        """How many invocations of the function may run at once here."""
        try:
            reserved = self._function(name_or_arn).reserved_concurrency
        except FunctionNotFoundError:
            reserved = None
        return int(reserved) if reserved is not None else DEFAULT_CONCURRENCY

    def event_invoke_config(self, name: str) -> dict[str, Any]:
        try:
            fn = self._function(name)
        except FunctionNotFoundError:
            return {}
        configs = getattr(fn, "event_invoke_config", None) or []
        return dict(configs[0].config) if configs else {}

    def dead_letter_target(self, name: str) -> str | None:
        try:
            fn = self._function(name)
        except FunctionNotFoundError:
            return None
        config = getattr(fn, "localcloud_dead_letter_config", None) or {}
        return config.get("TargetArn") or None

    # -- event source mappings -----------------------------------------------------------------
    def mapping_changed(self, esm: Any, deleted: bool = False) -> None:
        """Start, reconfigure or stop the poller of an event source mapping."""
        if not esm.event_source_arn.startswith("arn:aws:sqs:"):
            return
        with self._lock:
            poller = self.pollers.get(esm.uuid)
            if deleted:
                if poller is not None:
                    poller.stop()
                    del self.pollers[esm.uuid]
            elif poller is None:
                self.pollers[esm.uuid] = SqsPoller(self, esm)
            else:
                poller.update(esm)

    # -- SNS subscriptions ---------------------------------------------------------------------
    def deliver_sns(
        self,
        subscription: Any,
        message: str,
        message_id: str,
        subject: str | None,
        message_attributes: dict[str, Any] | None,
        group_id: str | None,
        deduplication_id: str | None,
    ) -> None:
        """Deliver one SNS message to an sqs or lambda subscription (filter already passed)."""
        context = self.traces.record(
            "deliver",
            "sns",
            subscription.arn,
            endpoint=subscription.endpoint,
            protocol=subscription.protocol,
            message_id=message_id,
        )
        envelope = patches.sns_notification(
            subscription, message, message_id, subject, message_attributes
        )
        raw = str(subscription.attributes.get("RawMessageDelivery", "")).lower() == "true"
        try:
            if subscription.protocol == "lambda":
                event = _sns_lambda_event(subscription, envelope)
                self.invoker.invoke_async(
                    subscription.endpoint, json.dumps(event).encode(), context
                )
            elif raw:
                self._send_raw(
                    subscription, message, message_attributes, group_id, deduplication_id, context
                )
            else:
                self.senders.send(
                    subscription.endpoint,
                    Message(
                        json.dumps(envelope), group_id=group_id, deduplication_id=deduplication_id
                    ),
                    context,
                )
        except (DeliveryError, FunctionNotFoundError) as exc:
            self._sns_dead_letter(subscription, envelope, context, str(exc))

    def _send_raw(
        self,
        subscription: Any,
        message: str,
        attributes: dict[str, Any] | None,
        group_id: str | None,
        deduplication_id: str | None,
        context: Any,
    ) -> None:
        _, region, account, name = backends.parse_arn(subscription.endpoint)
        sqs_attributes = {}
        for key, value in (attributes or {}).items():
            kind = "BinaryValue" if value["Type"].startswith("Binary") else "StringValue"
            sqs_attributes[key] = {"DataType": value["Type"], kind: str(value["Value"])}
        try:
            backends.sqs_backend(region, account).send_message(
                name,
                message,
                message_attributes=sqs_attributes or None,
                group_id=group_id,
                deduplication_id=deduplication_id,
                validate_group_id=False,
                system_attributes={
                    "AWSTraceHeader": {"DataType": "String", "StringValue": context.header()}
                },
            )
        except Exception as exc:
            raise DeliveryError(getattr(exc, "code", "SQSError"), str(exc), False) from exc

    def _sns_dead_letter(
        self, subscription: Any, envelope: dict[str, Any], context: Any, reason: str
    ) -> None:
        policy = subscription.attributes.get("RedrivePolicy")
        target = json.loads(policy).get("deadLetterTargetArn") if policy else None
        self.traces.record(
            "dlq" if target else "drop",
            "sns",
            subscription.arn,
            context=context,
            outcome="error",
            reason=reason,
            dead_letter_queue=target,
        )
        if target:
            try:
                self.senders.send(target, Message(json.dumps(envelope)), context)
            except DeliveryError as exc:
                self.traces.record(
                    "drop",
                    "sqs",
                    target,
                    context=context,
                    outcome="error",
                    reason=f"the subscription's dead-letter queue refused the message: {exc}",
                )

    def close(self) -> None:
        with self._lock:
            for poller in self.pollers.values():
                poller.stop()
            self.pollers.clear()
        self.invoker.close()
        self.executor.close()
        shutil.rmtree(self._code_cache, ignore_errors=True)


def _sns_lambda_event(subscription: Any, envelope: dict[str, Any]) -> dict[str, Any]:
    sns = {k: v for k, v in envelope.items() if k != "MessageAttributes"}
    # The Lambda event spells these two keys differently from the SQS envelope.
    sns["SigningCertUrl"] = sns.pop("SigningCertURL")
    sns["UnsubscribeUrl"] = sns.pop("UnsubscribeURL")
    sns["Subject"] = envelope.get("Subject")
    sns["MessageAttributes"] = envelope.get("MessageAttributes", {})
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "Sns": sns,
            }
        ]
    }
