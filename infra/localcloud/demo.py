"""`localcloud demo`: deploy a template to an embedded local cloud, run a scenario, show the flow.

The scenario (events/demo/scenario.yaml) names the sources to run and the checks to make on the
final state, by the template's output names; this module knows nothing of the application.
Steps:
- ``http_api``: requests from a list of ``{method, path, body, ref?, expect_status?}``, sent over
  HTTP to the API whose URL the template outputs as ``url`` (or, with ``function`` instead, as
  HTTP API (v2) events straight to that function); ``{ref}`` in a later path is replaced by the
  ``id`` (or ``user_id``) the call named ``ref`` returned;
- ``invoke``: call a function with an event (``csv_file``: the file's text as ``csv``);
- ``configure``: set environment variables of a function (``{function, environment}``), kept
  with the ones the template gave it (the user service turns on its relay's fault injection).
- ``schedule``: once the earlier steps settled, fire a rule's or Scheduler schedule's ``name``
  now, as ``localcloud schedule run`` does, and show what its ``function`` logged.
Checks: ``queue`` (message count), ``table`` (item count, optionally ``where``), ``bucket``
(object count under ``prefix``), ``emails_sent`` (SES).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml
from boto3.dynamodb.types import TypeDeserializer
from rich.console import Console
from rich.table import Table

from localcloud.admin_client import AdminClient
from localcloud.arns import parse_arn
from localcloud.deploy import deploy
from localcloud.errors import LocalCloudError
from localcloud.server import LocalCloud
from localcloud.settings import Settings

console = Console(highlight=False)
SETTLE_QUIET_S = 1.5
SETTLE_MAX_S = 60.0
# The keys Powertools' Logger puts on every line (the schedule step shows the others).
POWERTOOLS_KEYS = frozenset(
    {"level", "location", "timestamp", "service", "cold_start", "sampling_rate", "xray_trace_id"}
    | {f"function_{k}" for k in ("name", "memory_size", "arn", "request_id")}
)


class ScenarioError(LocalCloudError):
    """The scenario file is missing or malformed."""


def http_event(method: str, path: str, body: Any) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event for one request."""
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "localhost"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "localcloud-demo",
            },
            "requestId": f"demo-{int(now * 1000)}",
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


class Demo:
    def __init__(
        self,
        cloud: LocalCloud,
        scenario: dict[str, Any],
        folder: Path,
        outputs: dict[str, str],
        functions: dict[str, str],
        local_urls: dict[str, str] | None = None,
    ) -> None:
        self.cloud = cloud
        self.local_urls = local_urls or {}
        self.scenario = scenario
        self.folder = folder
        self.outputs = outputs
        self.functions = functions
        self.refs: dict[str, str] = {}

    def function(self, logical: str) -> str:
        if logical not in self.functions:
            raise ScenarioError(
                f"scenario names function {logical!r}; the template has {sorted(self.functions)}"
            )
        return self.functions[logical]

    def invoke(self, logical: str, event: dict[str, Any]) -> tuple[bool, Any]:
        response = self.cloud.client("lambda").invoke(
            FunctionName=self.function(logical), Payload=json.dumps(event).encode()
        )
        payload = json.loads(response["Payload"].read() or b"null")
        return "FunctionError" not in response, payload

    def run_steps(self) -> None:
        for step in self.scenario.get("steps") or []:
            console.rule(f"[bold]{step.get('name', 'step')}")
            if "http_api" in step:
                self._http_api(step["http_api"])
            elif "invoke" in step:
                spec = dict(step["invoke"])
                event = dict(spec.get("event") or {})
                if "csv_file" in event:
                    event["csv"] = (self.folder / event.pop("csv_file")).read_text()
                ok, payload = self.invoke(spec["function"], event)
                style = "green" if ok else "red"
                console.print(
                    f"[{style}]{spec['function']}[/{style}] -> {json.dumps(payload)[:400]}"
                )
            elif "configure" in step:
                self._configure(step["configure"])
            elif "schedule" in step:
                self._schedule(step["schedule"])
            else:
                raise ScenarioError(
                    f"unknown step {sorted(step)}: use http_api, invoke, configure or schedule"
                )

    def _http_api(self, spec: dict[str, Any]) -> None:
        calls = json.loads((self.folder / spec["calls"]).read_text())
        base = self._api_url(spec["url"]) if "url" in spec else None
        for call in calls:
            path = call["path"].format(**self.refs)
            status: int | None
            body: Any
            if base is not None:
                ok, status, body = self._request(base, call["method"], path, call.get("body"))
            else:
                ok, payload = self.invoke(
                    spec["function"], http_event(call["method"], path, call.get("body"))
                )
                status = payload.get("statusCode") if isinstance(payload, dict) else None
                body = payload.get("body") if isinstance(payload, dict) else payload
            if isinstance(body, str) and body.startswith(("{", "[")):
                body = json.loads(body)
            if call.get("ref") and isinstance(body, dict):
                self.refs[call["ref"]] = str(body.get("id") or body.get("user_id"))
            expected = call.get("expect_status")
            style = "green" if ok and (expected is None or expected == status) else "red"
            summary = json.dumps(body)[:120] if body else ""
            console.print(f"[{style}]{call['method']:<6} {path:<48} {status}[/{style}] {summary}")

    def _api_url(self, output: str) -> str:
        if output not in self.local_urls:
            raise ScenarioError(
                f"scenario names API URL output {output!r}; API outputs: {sorted(self.local_urls)}"
            )
        return self.local_urls[output].rstrip("/")

    @staticmethod
    def _request(base: str, method: str, path: str, body: Any) -> tuple[bool, int, Any]:
        """One request over HTTP, as curl would send it: (no 5xx, status, body)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        text = raw.decode(errors="replace")
        return status < 500, status, text

    def _configure(self, spec: dict[str, Any]) -> None:
        lam = self.cloud.client("lambda")
        name = self.function(spec["function"])
        current = lam.get_function_configuration(FunctionName=name).get("Environment") or {}
        variables = {**current.get("Variables", {}), **spec.get("environment", {})}
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": variables})
        console.print(f"[green]{spec['function']}[/green] environment: {spec.get('environment')}")

    def _schedule(self, spec: dict[str, Any]) -> None:
        self.settle()  # what the schedule reads is what the earlier steps left
        function = self.function(spec["function"])
        fired = AdminClient(self.cloud.endpoint_url).run_schedule(spec["name"], spec.get("group"))
        console.print(
            f"[green]fired {fired['kind']} {fired['name']}[/green] ({fired['expression']})"
        )
        traces = self.cloud.traces

        def invocation() -> Any:
            hops = traces.get(fired["trace_id"]) or []
            return next((h for h in hops if h.kind == "invoke" and h.resource == function), None)

        if not traces.wait(lambda: invocation() is not None, SETTLE_MAX_S):
            raise ScenarioError(f"{spec['name']} fired but {function} did not run")
        request_id = invocation().detail.get("request_id", "")
        logs = self.cloud.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{function}")
        for event in logs.get("events", []):
            try:
                line = json.loads(str(event["message"]))
            except ValueError:
                continue
            if isinstance(line, dict) and line.get("function_request_id") == request_id:
                # Powertools' structured line without its standard keys: the message and extras
                extras = {k: v for k, v in line.items() if k not in POWERTOOLS_KEYS}
                console.print(f"   {function} logged: {json.dumps(extras)[:400]}")

    def settle(self) -> float:
        """Wait until nothing moves: no async event pending, no visible message, no new hop."""
        started = time.monotonic()
        runtime = self.cloud.running()
        sqs = self.cloud.client("sqs")
        last_sequence, last_change = -1, time.monotonic()
        while time.monotonic() - started < SETTLE_MAX_S:
            sequence = self.cloud.traces.sequence
            if sequence != last_sequence:
                last_sequence, last_change = sequence, time.monotonic()
            busy = not runtime.invoker.idle() or self._visible_messages(sqs) > 0
            if not busy and time.monotonic() - last_change > SETTLE_QUIET_S:
                break
            time.sleep(0.1)
        return time.monotonic() - started

    def _visible_messages(self, sqs: Any) -> int:
        total = 0
        for source in self.cloud.running().sources.running():
            arn = parse_arn(source.mapping.source_arn)
            if arn.service != "sqs":
                continue
            url = f"{self.cloud.endpoint_url}/{arn.account}/{arn.resource}"
            attributes = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]
            total += int(attributes["ApproximateNumberOfMessages"])
        return total

    # -- what happened -----------------------------------------------------------------------
    def show_flow(self) -> None:
        console.rule("[bold]where each event went (from the trace store)")
        for hops in self.cloud.traces.traces():
            hops = sorted(hops, key=lambda h: h.at)
            root = hops[0]
            if root.kind not in ("publish", "invoke", "enqueue", "schedule fired", "request") or (
                root.service == "sqs" and not any(h.kind == "invoke" for h in hops)
            ):
                continue
            what = root.detail.get("detail_type") or root.detail.get("operation") or root.kind
            line = f"[bold]{what}[/bold] via {root.service}:{root.resource.rsplit(':', 1)[-1]}"
            steps = []
            for hop in hops:
                name = hop.resource.rsplit(":", 1)[-1]
                if hop.kind == "invoke" and hop.detail.get("source") != "invoke":
                    style = "green" if hop.outcome == "ok" else "red"
                    steps.append(f"[{style}]{name}[/{style}]")
                elif hop.kind == "publish" and hop is not root and hop.detail.get("detail_type"):
                    steps.append(f"[cyan]raises {hop.detail['detail_type']}[/cyan]")
                elif hop.kind == "stream record":
                    steps.append(f"[magenta]stream record {name}[/magenta]")
                elif hop.kind == "retry" and hop.service == "lambda":
                    steps.append(f"[yellow]retry {name}[/yellow]")
                elif hop.kind in ("dlq", "drop", "filter") and hop.outcome != "ok":
                    style = "yellow" if hop.kind == "filter" else "red"
                    steps.append(f"[{style}]{hop.kind} {name}[/{style}]")
            console.print(f"{line} -> " + (", ".join(steps) if steps else "[dim]no handler[/dim]"))

    def show_state(self) -> None:
        console.rule("[bold]final state")
        dynamodb = self.cloud.client("dynamodb")
        for output, table in sorted(self.outputs.items()):
            if output.endswith("TableName"):
                items = self._items(dynamodb, table)
                console.print(f"[bold]{output}[/bold] ({table}): {len(items)} item(s)")
                for item in items[:12]:
                    console.print("   " + json.dumps(item, default=str)[:150])
        s3 = self.cloud.client("s3")
        for output, bucket in sorted(self.outputs.items()):
            if output.endswith("BucketName"):
                keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
                console.print(f"[bold]{output}[/bold] ({bucket}): {len(keys)} object(s)")
                for key in keys[:5]:
                    console.print(f"   {key}")
        ses = self.cloud.client("ses")
        console.print(f"[bold]e-mails sent[/bold]: {self._emails_sent(ses)}")
        sqs = self.cloud.client("sqs")
        for output, url in sorted(self.outputs.items()):
            if output.endswith("QueueUrl") or output.endswith("DLQUrl"):
                if not any(w in output for w in ("DLQ", "Failures", "Rejects")):
                    continue
                messages = self._messages(sqs, url)
                console.print(f"[bold]{output}[/bold]: {len(messages)} message(s)")
                for message in messages[:5]:
                    reasons = {
                        k: v.get("StringValue")
                        for k, v in (message.get("MessageAttributes") or {}).items()
                    }
                    console.print(f"   {message['Body'][:120]}  [red]{reasons}[/red]")

    @staticmethod
    def _items(dynamodb: Any, table: str) -> list[dict[str, Any]]:
        deserialize = TypeDeserializer().deserialize
        items = dynamodb.scan(TableName=table).get("Items", [])
        return [{k: deserialize(v) for k, v in item.items()} for item in items]

    @staticmethod
    def _emails_sent(ses: Any) -> int:
        return int(ses.get_send_quota()["SentLast24Hours"])

    @staticmethod
    def _messages(sqs: Any, url: str) -> list[dict[str, Any]]:
        response = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _count(self, sqs: Any, url: str) -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def check(self) -> int:
        console.rule("[bold]checks")
        table = Table(show_header=True)
        table.add_column("check")
        table.add_column("expected")
        table.add_column("actual")
        table.add_column("")
        failures = 0
        for check in self.scenario.get("checks") or []:
            actual = self._actual(check)
            if "count" in check:
                expected, ok = f"= {check['count']}", actual == check["count"]
            else:
                expected, ok = f">= {check.get('min', 1)}", actual >= check.get("min", 1)
            failures += not ok
            table.add_row(
                check["name"],
                expected,
                str(actual),
                "[green]ok[/green]" if ok else "[red]FAILED[/red]",
            )
        console.print(table)
        return failures

    def _output(self, name: str) -> str:
        if name not in self.outputs:
            raise ScenarioError(f"check names output {name!r}; outputs: {sorted(self.outputs)}")
        return self.outputs[name]

    def _actual(self, check: dict[str, Any]) -> int:
        if "queue" in check:
            names = check["queue"] if isinstance(check["queue"], list) else [check["queue"]]
            sqs = self.cloud.client("sqs")
            return sum(self._count(sqs, self._output(n)) for n in names)
        if "table" in check:
            items = self._items(self.cloud.client("dynamodb"), self._output(check["table"]))
            where = check.get("where") or {}
            attribute = check.get("attribute")
            return sum(
                1
                for item in items
                if all(item.get(k) == v for k, v in where.items())
                and (attribute is None or attribute in item)
            )
        if "bucket" in check:
            response = self.cloud.client("s3").list_objects_v2(
                Bucket=self._output(check["bucket"]), Prefix=check.get("prefix", "")
            )
            return int(response.get("KeyCount", 0))
        if "emails_sent" in check:
            check.setdefault("count", check["emails_sent"])
            return self._emails_sent(self.cloud.client("ses"))
        raise ScenarioError(
            f"unknown check {sorted(check)}: use queue, table, bucket or emails_sent"
        )


def load_scenario(folder: Path) -> dict[str, Any]:
    path = folder / "demo" / "scenario.yaml"
    if not path.is_file():
        raise ScenarioError(
            f"no scenario at {path}; pass --events FOLDER holding demo/scenario.yaml"
        )
    scenario = yaml.safe_load(path.read_text())
    if not isinstance(scenario, dict) or not isinstance(scenario.get("steps"), list):
        raise ScenarioError(f"{path}: expected a mapping with a list of steps")
    return scenario


def run_demo(
    template: Path,
    events: Path,
    stack: str = "localcloud",
    port: int = 0,
    settings: Settings | None = None,
) -> int:
    """Run the demo; returns the exit status (0 when every check passed). Without ``settings``
    the cloud reads them from the environment."""
    scenario = load_scenario(events)
    began = time.monotonic()
    with LocalCloud(port=port, settings=settings) as cloud:
        console.print(f"[bold]local cloud[/bold] on {cloud.endpoint_url}")
        report = deploy(template, cloud.endpoint_url, stack=stack)
        console.print(report.summary())
        functions = {
            logical: str(record.physical_id)
            for logical, record in report.resources.items()
            if record.type == "AWS::Lambda::Function"
        }
        demo = Demo(
            cloud,
            scenario,
            events / "demo",
            dict(report.outputs),
            functions,
            dict(report.local_urls),
        )
        demo.run_steps()
        waited = demo.settle()
        console.print(f"[dim]settled after {waited:.1f} s[/dim]")
        demo.show_flow()
        demo.show_state()
        failures = demo.check()
    console.print(f"[bold]demo finished in {time.monotonic() - began:.1f} s[/bold]")
    return 1 if failures else 0
