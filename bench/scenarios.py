"""The benchmark scenarios: one function per scenario, the same workload on every peer.

Each scenario creates its own uniquely named resources, measures, removes them, and returns flat
metrics (milliseconds or per second). Cross-process times (publish to processed) use the wall clock
of this one machine; client-side durations use ``perf_counter``.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import math
import os
import re
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers import Peer

HANDLERS = Path(__file__).resolve().parent / "handlers"
ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
Metrics = dict[str, float]


class ScenarioError(RuntimeError):
    """A scenario could not complete on a peer (the message says where it stopped)."""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def handlers_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(HANDLERS.glob("*.py")):
            archive.write(path, path.name)
    return buffer.getvalue()


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float) -> Any:
    """Poll ``condition()`` until truthy (returned); ScenarioError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ScenarioError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Run:
    """One scenario on one peer in one repetition: names, scale and the cleanup to do."""

    peer: Peer
    scale: float
    code: bytes
    role_arn: str
    cleanups: list[Callable[[], Any]] = field(default_factory=list)

    def cpu(self) -> tuple[float, float]:
        """CPU seconds used so far by the peer's server process and by its other processes."""
        return self.peer.cpu_seconds()

    @staticmethod
    def cpu_per_event(
        before: tuple[float, float], after: tuple[float, float], events: float, prefix: str
    ) -> Metrics:
        """Server and handler CPU (ms) per event between two ``cpu()`` readings."""
        if not events:
            return {}
        return {
            f"{prefix}_server_cpu_ms_per_event": (after[0] - before[0]) * 1000 / events,
            f"{prefix}_handlers_cpu_ms_per_event": (after[1] - before[1]) * 1000 / events,
        }

    def measured_end(self) -> None:
        """The measured part of the scenario is over (a hook for the profiler)."""

    def scaled(self, n: int, floor: int = 1) -> int:
        return max(floor, int(n * self.scale))

    @staticmethod
    def name(prefix: str) -> str:
        return f"bench-{prefix}-{uuid.uuid4().hex[:8]}"

    def cleanup(self) -> None:
        """Remove what the scenario made, newest first; a failing delete does not stop the rest."""
        while self.cleanups:
            action = self.cleanups.pop()
            try:
                action()
            except Exception as exc:  # cleanup is best effort, reported not raised
                print(f"  [{self.peer.name}] cleanup: {exc}")

    # -- resources ---------------------------------------------------------------------------
    def function(self, handler: str, env: dict[str, str] | None = None) -> str:
        lam = self.peer.client("lambda")
        name = self.name("fn")
        lam.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=self.role_arn,
            Handler=handler,
            Code={"ZipFile": self.code},
            Timeout=30,
            MemorySize=256,
            Environment={"Variables": env or {}},
        )
        self.cleanups.append(lambda: lam.delete_function(FunctionName=name))

        def active() -> bool:
            state = lam.get_function_configuration(FunctionName=name).get("State", "Active")
            return state == "Active"

        wait_for(active, 60, f"function {name} to become Active", 0.02)
        return name

    def queue(self, visibility: int = 30) -> tuple[str, str]:
        sqs = self.peer.client("sqs")
        url = sqs.create_queue(
            QueueName=self.name("q"), Attributes={"VisibilityTimeout": str(visibility)}
        )["QueueUrl"]
        self.cleanups.append(lambda: sqs.delete_queue(QueueUrl=url))
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return url, arn

    def table(self) -> str:
        dynamodb = self.peer.client("dynamodb")
        name = self.name("t")
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        self.cleanups.append(lambda: dynamodb.delete_table(TableName=name))
        return name

    def mapping(self, queue_arn: str, function: str) -> None:
        lam = self.peer.client("lambda")
        uuid_ = lam.create_event_source_mapping(
            EventSourceArn=queue_arn, FunctionName=function, BatchSize=10, Enabled=True
        )["UUID"]
        self.cleanups.append(lambda: lam.delete_event_source_mapping(UUID=uuid_))

    def sink(self) -> tuple[str, str]:
        """A table and the ``sink`` handler writing into it."""
        table = self.table()
        return table, self.function("bench_handlers.sink", {"SINK_TABLE": table})

    def count_items(self, table: str) -> int:
        dynamodb = self.peer.client("dynamodb")
        total, kwargs = 0, {"TableName": table, "Select": "COUNT"}
        while True:
            page = dynamodb.scan(**kwargs)
            total += int(page["Count"])
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def items(self, table: str) -> list[dict[str, Any]]:
        dynamodb = self.peer.client("dynamodb")
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"TableName": table}
        while True:
            page = dynamodb.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def wait_items(
        self, table: str, expected: int, timeout: float, poll_s: float = 1.0
    ) -> tuple[float, float]:
        """Wait until ``table`` holds ``expected`` items; ScenarioError after ``timeout`` s.
        Returns the peer's ``cpu()`` reading taken when the count was first seen reached.

        A counting scan reads the whole table on the peer, and DescribeTable sizes every item
        on some, which would load what is measured if it ran often. DescribeTable's ItemCount
        is polled every ``poll_s`` instead, and a scan confirms once it reaches ``expected``;
        a scan also runs every 5 s for a peer whose ItemCount lags (AWS refreshes it only every
        few hours). The CPU reading comes before the confirming scan, so a figure per event
        leaves the waiting out.
        """
        dynamodb = self.peer.client("dynamodb")
        deadline = time.monotonic() + timeout
        last_scan = time.monotonic() - 1.0
        while True:
            listed = int(dynamodb.describe_table(TableName=table)["Table"].get("ItemCount", 0))
            reached = self.peer.cpu_seconds()
            now = time.monotonic()
            if listed >= expected:
                self.measured_end()
            if (listed >= expected and now - last_scan >= 1.0) or now - last_scan >= 5.0:
                last_scan = now
                if self.count_items(table) >= expected:
                    return reached
            if now > deadline:
                raise ScenarioError(
                    f"timed out after {timeout:.0f} s waiting for {expected} items in {table}"
                )
            time.sleep(poll_s)


def setup_role(peer: Peer) -> str:
    iam = peer.client("iam")
    role = iam.create_role(RoleName=Run.name("role"), AssumeRolePolicyDocument=ROLE_POLICY)
    return str(role["Role"]["Arn"])


# -- scenarios ---------------------------------------------------------------------------------
def invoke_latency(run: Run) -> Metrics:
    """First Invoke of a new function, then warm RequestResponse invokes of a trivial handler."""
    lam = run.peer.client("lambda")
    name = run.function("bench_handlers.noop")
    started = time.perf_counter()
    response = lam.invoke(FunctionName=name, Payload=b"{}")
    first = time.perf_counter() - started
    if "FunctionError" in response:
        raise ScenarioError(f"noop failed: {response['Payload'].read()[:300]!r}")
    for _ in range(10):
        lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()
    samples = []
    for _ in range(run.scaled(200, floor=200)):
        started = time.perf_counter()
        lam.invoke(FunctionName=name, Payload=b"{}")["Payload"].read()
        samples.append(time.perf_counter() - started)
    return {
        "first_invoke_ms": first * 1000,
        "invoke_p50_ms": percentile(samples, 50) * 1000,
        "invoke_p99_ms": percentile(samples, 99) * 1000,
        **handler_calls(run),
    }


def handler_calls(run: Run, calls: int = 200) -> Metrics:
    """What one PutItem costs a handler: to the endpoint it is given (AWS_ENDPOINT_URL, which the
    local cloud answers over the worker's call pipe) and to the same server by another name
    (``localhost``, always over HTTP). Wall-clock p50 and the handler's own CPU per call."""
    lam = run.peer.client("lambda")
    table = run.table()
    name = run.function("bench_handlers.calls", {"SINK_TABLE": table})
    result: dict[str, float] = {}
    for n in (10, run.scaled(calls, floor=100)):  # the first run makes the clients
        response = lam.invoke(FunctionName=name, Payload=json.dumps({"n": n}).encode())
        result = json.loads(response["Payload"].read())
        if "FunctionError" in response:
            raise ScenarioError(f"calls failed: {result}")
    return {f"handler_call_{key}": float(value) for key, value in result.items()}


def _send_rate(sqs: Any, url: str, count: int, budget_s: float) -> tuple[float, list[float]]:
    """SendMessage ``count`` times (or until ``budget_s`` runs out): (sends per s, latencies)."""
    samples = []
    body = json.dumps({"id": "x" * 64, "n": 0})
    began = time.perf_counter()
    for _ in range(count):
        started = time.perf_counter()
        sqs.send_message(QueueUrl=url, MessageBody=body)
        samples.append(time.perf_counter() - started)
        if time.perf_counter() - began > budget_s:
            break
    return len(samples) / (time.perf_counter() - began), samples


def _receive_delete(sqs: Any, url: str, rounds: int, refill: bool) -> tuple[list[float], ...]:
    """``rounds`` of ReceiveMessage (10) then DeleteMessageBatch: (receive, delete) latencies.

    With ``refill`` the 10 are sent first (a queue kept near empty); otherwise the queue's own
    backlog is drained from, 10 at a time, so its depth barely moves.
    """
    body = json.dumps({"id": "z" * 64})
    receives, deletes = [], []
    for _ in range(rounds):
        if refill:
            entries = [{"Id": str(i), "MessageBody": body} for i in range(10)]
            sqs.send_message_batch(QueueUrl=url, Entries=entries)
        started = time.perf_counter()
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        receives.append(time.perf_counter() - started)
        if not got:
            raise ScenarioError(f"ReceiveMessage returned nothing from {url}")
        started = time.perf_counter()
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)
            ],
        )
        deletes.append(time.perf_counter() - started)
    return receives, deletes


def sqs_send(run: Run, send_budget_s: float = 5.0, fill_budget_s: float = 15.0) -> Metrics:
    """SendMessage from one client into an empty queue, then into one holding 10,000 messages;
    then ReceiveMessage and DeleteMessageBatch at both depths.

    Each phase stops at its time budget so a slow peer cannot stall the run; the depth actually
    reached is reported with the rate.
    """
    sqs = run.peer.client("sqs")
    sends = run.scaled(1000, floor=100)
    rounds = run.scaled(200, floor=50)
    shallow, _ = run.queue()
    rate0, samples0 = _send_rate(sqs, shallow, sends, send_budget_s)
    empty, _ = run.queue()
    receive0, delete0 = _receive_delete(sqs, empty, rounds, refill=True)

    deep, _ = run.queue()
    target = run.scaled(10_000, floor=1000)
    body = json.dumps({"id": "y" * 64})
    began = time.perf_counter()
    filled = 0
    while filled < target and time.perf_counter() - began < fill_budget_s:
        entries = [{"Id": str(i), "MessageBody": body} for i in range(10)]
        result = sqs.send_message_batch(QueueUrl=deep, Entries=entries)
        if result.get("Failed"):
            raise ScenarioError(f"SendMessageBatch failed: {result['Failed'][:1]}")
        filled += 10
    fill_rate = filled / (time.perf_counter() - began)
    depth = int(
        sqs.get_queue_attributes(QueueUrl=deep, AttributeNames=["ApproximateNumberOfMessages"])[
            "Attributes"
        ]["ApproximateNumberOfMessages"]
    )
    rate_deep, samples_deep = _send_rate(sqs, deep, sends, send_budget_s)
    receive_deep, delete_deep = _receive_delete(sqs, deep, rounds, refill=False)
    return {
        "receive_p50_ms_depth0": percentile(receive0, 50) * 1000,
        "receive_p50_ms_depth10k": percentile(receive_deep, 50) * 1000,
        "delete_p50_ms_depth0": percentile(delete0, 50) * 1000,
        "delete_p50_ms_depth10k": percentile(delete_deep, 50) * 1000,
        "send_rate_depth0": rate0,
        "send_rate_depth10k": rate_deep,
        "send_p50_ms_depth0": percentile(samples0, 50) * 1000,
        "send_p50_ms_depth10k": percentile(samples_deep, 50) * 1000,
        "batch_fill_msgs_per_s": fill_rate,
        "deep_queue_depth": float(depth),
        "deep_queue_target": float(target),
        "sends_depth0": float(len(samples0)),
        "sends_depth10k": float(len(samples_deep)),
    }


def _latencies(run: Run, table: str, prefix: str) -> list[dict[str, float]]:
    rows = []
    for item in run.items(table):
        if item["pk"]["S"].startswith(prefix):
            rows.append({"sent": float(item["sent"]["N"]), "done": float(item["done"]["N"])})
    return rows


def _handler_ceiling(run: Run, calls: int = 200) -> tuple[float, float]:
    """The client-side CPU of one boto3 PutItem over HTTP (the sink handler makes one per
    record), in ms, and the fan-out rate that alone allows on this machine: every core doing
    nothing but the handlers' 3 calls per event. No emulator answering over HTTP can go faster
    with these handlers here (the local cloud's handlers skip HTTP, which costs them less)."""
    dynamodb = run.peer.client("dynamodb")
    table = run.table()
    started = time.process_time()
    for i in range(calls):
        dynamodb.put_item(
            TableName=table,
            Item={"pk": {"S": f"probe{i}#q"}, "sent": {"N": "0"}, "done": {"N": "0"}},
        )
    cpu_s = (time.process_time() - started) / calls
    return cpu_s * 1000, (os.cpu_count() or 1) / (3 * cpu_s)


def sns_fanout(run: Run, publish_budget_s: float = 15.0, drain_budget_s: float = 30.0) -> Metrics:
    """Publish to a topic with 3 SQS subscribers, each drained by an ESM into the sink handler.

    PublishBatch from one client, 10 per call; publishing stops at its time budget, and the drain
    is waited for at most ``drain_budget_s``: the share processed says whether it completed.
    """
    sns = run.peer.client("sns")
    put_cpu_ms, ceiling = _handler_ceiling(run)
    table, function = run.sink()
    topic = sns.create_topic(Name=run.name("topic"))["TopicArn"]
    run.cleanups.append(lambda: sns.delete_topic(TopicArn=topic))
    for _ in range(3):
        _, arn = run.queue()
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        run.mapping(arn, function)

    # Warm-up: every environment the mappings need exists before the clock starts.
    for i in range(10):
        sns.publish(TopicArn=topic, Message=json.dumps({"id": f"warm{i}", "sent": time.time()}))
    run.wait_items(table, 30, timeout=90)

    n = run.scaled(2000, floor=100)
    cpu_before = run.cpu()
    began = time.time()
    published = 0
    while published < n and time.time() - began < publish_budget_s:
        entries = [
            {"Id": str(i), "Message": json.dumps({"id": f"m{published + i}", "sent": time.time()})}
            for i in range(min(10, n - published))
        ]
        result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        if result.get("Failed"):
            raise ScenarioError(f"PublishBatch failed: {result['Failed'][:1]}")
        published += len(entries)
    publish_s = time.time() - began
    expected = 30 + 3 * published
    # An incomplete drain is reported as the share processed; the rates cover what was processed.
    cpu_after = None
    with contextlib.suppress(ScenarioError):
        cpu_after = run.wait_items(table, expected, timeout=drain_budget_s, poll_s=0.5)
    cpu_after = cpu_after or run.cpu()
    rows = _latencies(run, table, "m")
    if not rows:
        raise ScenarioError(f"none of {published} published events processed in time")
    latencies = [r["done"] - r["sent"] for r in rows]
    span = max(r["done"] for r in rows) - began
    return {
        "fanout_events_per_s": len(rows) / 3 / span,
        "fanout_deliveries_per_s": len(rows) / span,
        "fanout_p50_ms": percentile(latencies, 50) * 1000,
        "fanout_p99_ms": percentile(latencies, 99) * 1000,
        "fanout_publish_per_s": published / publish_s,
        "fanout_published": float(published),
        "fanout_processed_share": len(rows) / (3 * published),
        "fanout_handler_put_cpu_ms": put_cpu_ms,
        "fanout_handler_ceiling_events_per_s": ceiling,
        **run.cpu_per_event(cpu_before, cpu_after, len(rows) / 3, "fanout"),
    }


def paced(n: int, rate_per_s: float, call: Callable[[str], object]) -> list[float]:
    """``call("e0")`` ... ``call("e{n-1}")`` at ``rate_per_s`` (so a figure is latency, not a
    backlog); each call's duration in seconds."""
    samples = []
    began = time.perf_counter()
    for i in range(n):
        pause = began + i / rate_per_s - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        started = time.perf_counter()
        call(f"e{i}")
        samples.append(time.perf_counter() - started)
    return samples


def putevents_latency(run: Run, rate_per_s: float = 50.0) -> Metrics:
    """PutEvents matching a rule whose target is a queue drained by an ESM into the sink."""
    events = run.peer.client("events")
    table, function = run.sink()
    _, arn = run.queue()
    bus = run.name("bus")
    events.create_event_bus(Name=bus)
    run.cleanups.append(lambda: events.delete_event_bus(Name=bus))
    rule = run.name("rule")
    events.put_rule(
        Name=rule,
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["bench.putevents"], "detail-type": ["Tick"]}),
    )
    run.cleanups.append(lambda: events.delete_rule(Name=rule, EventBusName=bus))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    run.cleanups.append(lambda: events.remove_targets(Rule=rule, EventBusName=bus, Ids=["q"]))
    run.mapping(arn, function)

    def put(event_id: str) -> None:
        detail = json.dumps({"id": event_id, "sent": time.time()})
        result = events.put_events(
            Entries=[
                {
                    "Source": "bench.putevents",
                    "DetailType": "Tick",
                    "Detail": detail,
                    "EventBusName": bus,
                }
            ]
        )
        if result.get("FailedEntryCount"):
            raise ScenarioError(f"PutEvents failed: {result['Entries']}")

    for i in range(5):
        put(f"warm{i}")
    run.wait_items(table, 5, timeout=90)
    n = run.scaled(200, floor=50)
    cpu_before = run.cpu()
    put_samples = paced(n, rate_per_s, put)
    cpu_after = run.wait_items(table, 5 + n, timeout=30)
    latencies = [r["done"] - r["sent"] for r in _latencies(run, table, "e")]
    return {
        "putevents_p50_ms": percentile(latencies, 50) * 1000,
        "putevents_p99_ms": percentile(latencies, 99) * 1000,
        "putevents_call_p50_ms": percentile(put_samples, 50) * 1000,
        **run.cpu_per_event(cpu_before, cpu_after, n, "putevents"),
    }


def _drain(sqs: Any, urls: list[str], expected: int, timeout: float) -> int:
    """Receive (10 at a time) and delete from ``urls`` until ``expected`` messages came."""
    got = 0
    deadline = time.monotonic() + timeout
    while got < expected and time.monotonic() < deadline:
        for url in urls:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages")
            if not messages:
                continue
            got += len(messages)
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages)
                ],
            )
    return got


def sns_sqs(run: Run, budget_s: float = 15.0) -> Metrics:
    """SNS to 3 SQS queues, no Lambda (every peer runs it): Publish latency from one client,
    then PublishBatch (10 per call) and the bench draining the queues, events per second."""
    sns, sqs = run.peer.client("sns"), run.peer.client("sqs")
    topic = sns.create_topic(Name=run.name("topic"))["TopicArn"]
    run.cleanups.append(lambda: sns.delete_topic(TopicArn=topic))
    urls = []
    for _ in range(3):
        url, arn = run.queue()
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        urls.append(url)
    body = json.dumps({"id": "p" * 32, "sent": 0})
    samples = []
    for _ in range(run.scaled(300, floor=100)):
        started = time.perf_counter()
        sns.publish(TopicArn=topic, Message=body)
        samples.append(time.perf_counter() - started)
    drained = _drain(sqs, urls, 3 * len(samples), budget_s)
    if drained < 3 * len(samples):
        raise ScenarioError(f"{drained} of {3 * len(samples)} published messages arrived")
    n = run.scaled(1000, floor=100)
    cpu_before = run.cpu()
    began = time.perf_counter()
    published = 0
    while published < n and time.perf_counter() - began < budget_s:
        entries = [{"Id": str(i), "Message": body} for i in range(10)]
        result = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        if result.get("Failed"):
            raise ScenarioError(f"PublishBatch failed: {result['Failed'][:1]}")
        published += 10
    publish_s = time.perf_counter() - began
    drained = _drain(sqs, urls, 3 * published, budget_s)
    took = time.perf_counter() - began
    cpu_after = run.cpu()
    return {
        "sns_publish_p50_ms": percentile(samples, 50) * 1000,
        "sns_publish_p99_ms": percentile(samples, 99) * 1000,
        "sns_publishbatch_events_per_s": published / publish_s,
        "sns_sqs_events_per_s": drained / 3 / took,
        "sns_sqs_delivered_share": drained / (3 * published),
        **run.cpu_per_event(cpu_before, cpu_after, drained / 3, "sns_sqs"),
    }


def putevents_sqs(run: Run, budget_s: float = 15.0) -> Metrics:
    """PutEvents matching a rule whose target is an SQS queue, no Lambda (every peer runs it):
    the call's latency from one client, and every event received from the queue."""
    events, sqs = run.peer.client("events"), run.peer.client("sqs")
    url, arn = run.queue()
    bus = run.name("bus")
    events.create_event_bus(Name=bus)
    run.cleanups.append(lambda: events.delete_event_bus(Name=bus))
    rule = run.name("rule")
    events.put_rule(
        Name=rule,
        EventBusName=bus,
        EventPattern=json.dumps({"source": ["bench.putevents"], "detail-type": ["Tick"]}),
    )
    run.cleanups.append(lambda: events.delete_rule(Name=rule, EventBusName=bus))
    events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    run.cleanups.append(lambda: events.remove_targets(Rule=rule, EventBusName=bus, Ids=["q"]))
    entry = {"Source": "bench.putevents", "DetailType": "Tick", "EventBusName": bus}
    n = run.scaled(500, floor=100)
    cpu_before = run.cpu()
    samples = []
    began = time.perf_counter()
    for i in range(n):
        started = time.perf_counter()
        result = events.put_events(Entries=[{**entry, "Detail": json.dumps({"n": i})}])
        samples.append(time.perf_counter() - started)
        if result.get("FailedEntryCount"):
            raise ScenarioError(f"PutEvents failed: {result['Entries']}")
    drained = _drain(sqs, [url], n, budget_s)
    took = time.perf_counter() - began
    cpu_after = run.cpu()
    if drained < n:
        raise ScenarioError(f"{drained} of {n} events reached the queue")
    return {
        "putevents_sqs_call_p50_ms": percentile(samples, 50) * 1000,
        "putevents_sqs_call_p99_ms": percentile(samples, 99) * 1000,
        "putevents_sqs_events_per_s": drained / took,
        **run.cpu_per_event(cpu_before, cpu_after, drained, "putevents_sqs"),
    }


REPO = HANDLERS.parent.parent


def _users_api_request(email: str) -> bytes:
    event = json.loads((REPO / "events" / "users_api" / "create.json").read_text())
    event["body"] = json.dumps({"email": email, "name": "Ada Lovelace", "country": "GB"})
    return json.dumps(event).encode()


def warm_start(run: Run, requests: int = 30) -> Metrics:
    """The user service deployed with `localcloud deploy --warm`: the first request to
    users_api, then warm ones (p50), then the first after its environments were recycled
    (a configuration change): a cold start, for comparison. This project only."""
    stack = run.name("stack").replace("-", "")[:20]
    localcloud = str(Path(sys.executable).parent / "localcloud")
    common = ["--stack", stack, "--endpoint", run.peer.endpoint_url]
    template = str(REPO / "infra" / "template.yaml")
    began = time.perf_counter()
    deployed = subprocess.run(
        [localcloud, "deploy", "--template", template, "--warm", *common],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    deploy_s = time.perf_counter() - began
    run.cleanups.append(
        lambda: subprocess.run(
            [localcloud, "deploy", "--delete", *common], capture_output=True, timeout=300
        )
    )
    if deployed.returncode != 0:
        raise ScenarioError(f"deploy --warm failed: {(deployed.stdout + deployed.stderr)[-300:]}")
    lam = run.peer.client("lambda")
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    name = next((n for n in names if n.startswith(stack) and "UsersApi" in n), None)
    if name is None:
        raise ScenarioError(f"no UsersApi function of stack {stack} among {names}")

    durations: list[float] = []

    def request(n: int) -> float:
        started = time.perf_counter()
        response = lam.invoke(
            FunctionName=name, Payload=_users_api_request(f"u{n}@example.com"), LogType="Tail"
        )
        answer = json.loads(response["Payload"].read())
        took = time.perf_counter() - started
        if "FunctionError" in response or answer.get("statusCode") != 201:
            raise ScenarioError(f"users_api create failed: {answer}")
        report = base64.b64decode(response.get("LogResult", "")).decode(errors="replace")
        found = re.search(r"\tDuration: ([\d.]+) ms", report)
        durations.append(float(found.group(1)) if found else 0.0)
        return took

    first = request(0)
    warm = [request(i) for i in range(1, requests + 1)]
    first_duration, warm_durations = durations[0], durations[1:]
    lam.update_function_configuration(
        FunctionName=name, Environment={"Variables": _variables(lam, name, bench="recycled")}
    )
    cold = request(requests + 1)
    return {
        "users_api_first_warm_ms": first * 1000,
        "users_api_warm_p50_ms": percentile(warm, 50) * 1000,
        "users_api_first_cold_ms": cold * 1000,
        # the same as the function's REPORT line has them (the handler's own time)
        "users_api_first_warm_duration_ms": first_duration,
        "users_api_warm_duration_p50_ms": percentile(warm_durations, 50),
        "deploy_warm_s": deploy_s,
    }


def http_api(run: Run, budget_s: float = 15.0) -> Metrics:
    """A warm request through an HTTP API (``$default`` stage, Lambda proxy, payload 2.0) to a
    trivial function and back, from one client over one kept-alive connection: p50, p99 and
    requests per second. The API is made with apigatewayv2's API calls, as a template would."""
    lam = run.peer.client("lambda")
    apis = run.peer.client("apigatewayv2")
    name = run.function("bench_handlers.http_ok")
    arn = lam.get_function_configuration(FunctionName=name)["FunctionArn"]
    api_id = apis.create_api(Name=run.name("api"), ProtocolType="HTTP")["ApiId"]
    run.cleanups.append(lambda: apis.delete_api(ApiId=api_id))
    integration = apis.create_integration(
        ApiId=api_id,
        IntegrationType="AWS_PROXY",
        IntegrationUri=arn,
        IntegrationMethod="POST",
        PayloadFormatVersion="2.0",
    )["IntegrationId"]
    apis.create_route(ApiId=api_id, RouteKey="GET /ping", Target=f"integrations/{integration}")
    apis.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    lam.add_permission(
        FunctionName=name,
        StatementId="apigateway",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )
    connection = http.client.HTTPConnection("127.0.0.1", run.peer.port, timeout=30)
    path, host = run.peer.execute_api(api_id, "/ping")

    def request() -> float:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or body != b"ok":
            raise ScenarioError(f"GET /ping answered {response.status}: {body[:200]!r}")
        return elapsed

    try:
        first = request()
        for _ in range(20):
            request()
        samples: list[float] = []
        began = time.perf_counter()
        for _ in range(run.scaled(1000, floor=200)):
            samples.append(request())
            if time.perf_counter() - began > budget_s:
                break
        wall = time.perf_counter() - began
    finally:
        connection.close()
    run.measured_end()
    return {
        "http_api_first_ms": first * 1000,
        "http_api_p50_ms": percentile(samples, 50) * 1000,
        "http_api_p99_ms": percentile(samples, 99) * 1000,
        "http_api_requests_per_s": len(samples) / wall,
    }


def stream_latency(run: Run, rate_per_s: float = 50.0) -> Metrics:
    """PutItem on a table with a stream (NEW_IMAGE) mapped to ``stream_sink``: the time from
    just before the write to the start of the invocation that gets its record."""
    dynamodb = run.peer.client("dynamodb")
    lam = run.peer.client("lambda")
    sink = run.table()
    function = run.function("bench_handlers.stream_sink", {"SINK_TABLE": sink})
    source = run.name("streamed")
    stream_arn = dynamodb.create_table(
        TableName=source,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    run.cleanups.append(lambda: dynamodb.delete_table(TableName=source))
    uuid_ = lam.create_event_source_mapping(
        EventSourceArn=stream_arn,
        FunctionName=function,
        StartingPosition="LATEST",
        BatchSize=10,
        Enabled=True,
    )["UUID"]
    run.cleanups.append(lambda: lam.delete_event_source_mapping(UUID=uuid_))

    def write(key: str) -> None:
        item = {"pk": {"S": key}, "sent": {"N": repr(time.time())}}
        dynamodb.put_item(TableName=source, Item=item)

    # A LATEST mapping may start reading a moment after it is created: warm up until one lands.
    deadline = time.monotonic() + 90
    warm = 0
    while run.count_items(sink) == 0:
        if time.monotonic() > deadline:
            raise ScenarioError("no stream record reached the function within 90 s")
        write(f"warm{warm}")
        warm += 1
        time.sleep(1.0)
    landed = run.count_items(sink)
    for i in range(5):
        write(f"warmup{i}")
    run.wait_items(sink, landed + 5, timeout=30)
    base = run.count_items(sink)
    n = run.scaled(200, floor=50)
    cpu_before = run.cpu()
    paced(n, rate_per_s, write)
    cpu_after = run.wait_items(sink, base + n, timeout=60)
    latencies = [r["done"] - r["sent"] for r in _latencies(run, sink, "e")]
    return {
        "stream_p50_ms": percentile(latencies, 50) * 1000,
        "stream_p99_ms": percentile(latencies, 99) * 1000,
        **run.cpu_per_event(cpu_before, cpu_after, n, "stream"),
    }


def _variables(lam: Any, name: str, **extra: str) -> dict[str, str]:
    config = lam.get_function_configuration(FunctionName=name)
    return {**config.get("Environment", {}).get("Variables", {}), **extra}


def s3_put_latency(run: Run, rate_per_s: float = 50.0) -> Metrics:
    """PutObject into a bucket whose notification configuration invokes ``s3_sink``
    (asynchronously, as S3 does): the time from the put to the handler's start."""
    s3, lam = run.peer.client("s3"), run.peer.client("lambda")
    table = run.table()
    function = run.function("bench_handlers.s3_sink", {"SINK_TABLE": table})
    arn = lam.get_function(FunctionName=function)["Configuration"]["FunctionArn"]
    lam.add_permission(
        FunctionName=function,
        StatementId="s3",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
    )
    bucket = run.name("b")
    s3.create_bucket(Bucket=bucket)

    def remove_bucket() -> None:
        for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)

    run.cleanups.append(remove_bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {"Id": "bench", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    sent: dict[str, float] = {}

    def put(key: str) -> None:
        sent[key] = time.time()
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")

    for i in range(5):
        put(f"warm{i}")
    run.wait_items(table, 5, timeout=90)
    n = run.scaled(200, floor=50)
    cpu_before = run.cpu()
    put_samples = paced(n, rate_per_s, put)
    cpu_after = run.wait_items(table, 5 + n, timeout=30)
    latencies = [
        float(item["started"]["N"]) - sent[item["pk"]["S"]]
        for item in run.items(table)
        if item["pk"]["S"].startswith("e")
    ]
    return {
        "s3_put_p50_ms": percentile(latencies, 50) * 1000,
        "s3_put_p99_ms": percentile(latencies, 99) * 1000,
        "s3_put_call_p50_ms": percentile(put_samples, 50) * 1000,
        **run.cpu_per_event(cpu_before, cpu_after, n, "s3_put"),
    }


SCENARIOS: dict[str, Callable[[Run], Metrics]] = {
    "invoke": invoke_latency,
    "sqs_send": sqs_send,
    "sns_sqs": sns_sqs,
    "sns_fanout": sns_fanout,
    "putevents_sqs": putevents_sqs,
    "putevents": putevents_latency,
    "warm_start": warm_start,
    "s3_put": s3_put_latency,
    "http_api": http_api,
    "stream": stream_latency,
}
