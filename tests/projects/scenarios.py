"""What a developer does with each deployed project beyond `localcloud invoke`, and the end
state it must reach: HTTP requests to the local URLs `deploy` printed, uploads, events, schedules
fired with `localcloud schedule run`, and the hops `localcloud trace --json` shows.

Each scenario takes a `Deployed` project and returns the failures it found (an empty list when
all is well). It talks to the cloud as a user would: the `localcloud` command of the fresh
install, boto3 with `endpoint_url`, and plain HTTP. Waits poll with a deadline.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

COMMAND_TIMEOUT_S = 120
WAIT_S = 20.0


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, headers (lower-case names) and the body, parsed when JSON."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class Deployed:
    """A project deployed to a running cloud: where it is, what `deploy` printed, and the
    tools a user has there. Failures are collected, not raised, so one run reports them all."""

    name: str
    folder: Path
    endpoint: str
    localcloud: str
    env: dict[str, str]
    deploy_output: str
    failures: list[str] = field(default_factory=list)

    @property
    def outputs(self) -> dict[str, str]:
        """The stack outputs `deploy` printed (`  Key = value`)."""
        found = {}
        for line in self.deploy_output.splitlines():
            key, sep, value = line.strip().partition(" = ")
            if sep and line.startswith("  ") and " " not in key:
                found[key] = value
        return found

    @property
    def local_urls(self) -> dict[str, str]:
        """The local URL `deploy` printed under each output that is an API's URL on AWS."""
        found, last = {}, None
        for line in self.deploy_output.splitlines():
            key, sep, _ = line.strip().partition(" = ")
            if sep:
                last = key
            elif line.strip().startswith("local: ") and last:
                found[last] = line.strip().removeprefix("local: ")
        return found

    def check(self, ok: bool, what: str, *context: Any) -> bool:
        """Record a failure unless ``ok``; the outcome, to skip checks that depend on it."""
        if not ok:
            detail = "".join(f"\n    {item!r}"[:2000] for item in context)
            self.failures.append(f"{self.name}: {what}{detail}")
        return ok

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`localcloud ARGS --endpoint ...` in the project's folder."""
        return subprocess.run(
            [self.localcloud, *args, "--endpoint", self.endpoint],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def http(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=COMMAND_TIMEOUT_S) as response:
                status, got, text = response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            status, got, text = error.code, error.headers, error.read().decode()
        return Answer(status, {k.lower(): v for k, v in got.items()}, text)

    def traces(self, last: int = 50) -> list[list[dict[str, Any]]]:
        """The latest traces, as `localcloud trace --json` prints them (a list of hops each)."""
        shown = self.cli("trace", "--last", str(last), "--json")
        self.check(shown.returncode == 0, "localcloud trace --json failed", shown.stderr)
        return [json.loads(line)["hops"] for line in shown.stdout.splitlines() if line.strip()]

    def wait_for(self, what: str, probe: Callable[[], Any], timeout: float = WAIT_S) -> Any:
        """Poll ``probe`` until it returns something truthy; record a failure at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found:
                return found
            if time.monotonic() > deadline:
                self.check(False, f"waited {timeout:.0f} s for {what}")
                return found
            time.sleep(0.2)


def hop_path(hops: list[dict[str, Any]], *steps: tuple[str, str]) -> bool:
    """Whether the trace holds a chain of hops, each caused (maybe indirectly) by the one before
    it, matching (kind, text in its `service:resource`) pairs in order."""
    children: dict[str | None, list[dict[str, Any]]] = {}
    for hop in hops:
        children.setdefault(hop["parent"], []).append(hop)

    def below(hop: dict[str, Any]) -> list[dict[str, Any]]:
        found, todo = [], list(children.get(hop["id"], []))
        while todo:
            child = todo.pop()
            found.append(child)
            todo.extend(children.get(child["id"], []))
        return found

    def walk(candidates: list[dict[str, Any]], rest: tuple[tuple[str, str], ...]) -> bool:
        if not rest:
            return True
        kind, text = rest[0]
        return any(
            hop["kind"] == kind
            and text in f"{hop['service']}:{hop['resource']}"
            and walk(below(hop), rest[1:])
            for hop in candidates
        )

    return walk(hops, steps)


def any_trace(traces: list[list[dict[str, Any]]], *steps: tuple[str, str]) -> bool:
    return any(hop_path(hops, *steps) for hops in traces)


# --- http-crud ------------------------------------------------------------------------------


def http_crud(project: Deployed) -> list[str]:
    """Owners' CRUD over the HTTP API (routes, path and query parameters, 404s, the owner
    authorizer, CORS), the REST API's reads and its TOKEN-authorized stats."""
    check = project.check
    urls = project.local_urls
    if not check(
        {"BookmarksApiUrl", "PublicApiUrl"} <= urls.keys(),
        "deploy printed no local URL for BookmarksApiUrl and PublicApiUrl",
        project.deploy_output,
    ):
        return project.failures
    api, rest = urls["BookmarksApiUrl"], urls["PublicApiUrl"]
    origin = "https://bookmarks.example.com"

    made = {}
    for owner, url, title in (
        ("ada", "https://example.com/engines", "Analytical engines"),
        ("ada", "https://example.com/notes", "Notes on the engine"),
        ("grace", "https://example.com/cobol", None),
    ):
        answer = project.http(
            "POST", f"{api}/bookmarks", {"url": url, "title": title, "owner": owner}
        )
        if check(answer.status == 201, "POST /bookmarks is 201", answer):
            made[url] = answer.json["id"]
            check(
                answer.headers.get("location") == f"/bookmarks/{made[url]}",
                "POST /bookmarks answers its Location",
                answer.headers,
            )
    if not check(len(made) == 3, "three bookmarks created"):
        return project.failures
    engines = made["https://example.com/engines"]
    cobol = made["https://example.com/cobol"]

    answer = project.http("GET", f"{api}/bookmarks/{engines}")
    check(
        answer.status == 200 and answer.json["title"] == "Analytical engines",
        "GET /bookmarks/{id} reads the item",
        answer,
    )
    answer = project.http("GET", f"{api}/bookmarks?owner=ada")
    check(
        answer.status == 200
        and [item["title"] for item in answer.json["items"]]
        == ["Notes on the engine", "Analytical engines"],
        "GET /bookmarks?owner=ada lists Ada's two, newest first (the GSI, descending)",
        answer,
    )
    check(
        answer.status == 200 and answer.json["page_size"] == 10,
        "the page size comes from the SSM parameter the template creates",
        answer,
    )
    answer = project.http("GET", f"{api}/bookmarks?owner=ada&limit=1")
    check(answer.status == 200 and answer.json["count"] == 1, "?limit=1 gives one", answer)
    answer = project.http("GET", f"{api}/bookmarks")
    check(answer.status == 400, "GET /bookmarks without ?owner= is 400", answer)
    answer = project.http("PUT", f"{api}/bookmarks/{cobol}", {"title": "COBOL"})
    check(answer.status == 200 and answer.json["title"] == "COBOL", "PUT updates", answer)
    answer = project.http("PUT", f"{api}/bookmarks/nope", {"title": "x"})
    check(answer.status == 404, "PUT on a missing id is the handler's 404", answer)
    answer = project.http("GET", f"{api}/bookmarks/nope")
    check(
        answer.status == 404 and "no bookmark nope" in answer.text,
        "GET on a missing id is the handler's 404",
        answer,
    )
    answer = project.http("GET", f"{api}/no/such/route")
    check(
        answer.status == 404 and answer.json == {"message": "Not Found"},
        "an unknown route is the HTTP API's own 404",
        answer,
    )

    # The owner authorizer guards DELETE only.
    answer = project.http("DELETE", f"{api}/bookmarks/{engines}")
    check(answer.status == 401, "DELETE without Authorization is 401", answer)
    answer = project.http(
        "DELETE", f"{api}/bookmarks/{engines}", headers={"Authorization": "Bearer stolen"}
    )
    check(
        answer.status == 403 and answer.json == {"message": "Forbidden"},
        "DELETE with an unknown token is the authorizer's 403",
        answer,
    )
    answer = project.http(
        "DELETE", f"{api}/bookmarks/{engines}", headers={"Authorization": "Bearer tok-grace"}
    )
    check(answer.status == 403, "Grace may not delete Ada's bookmark (the handler's 403)", answer)
    answer = project.http(
        "DELETE", f"{api}/bookmarks/{engines}", headers={"Authorization": "Bearer tok-ada"}
    )
    check(answer.status == 204 and answer.text == "", "Ada deletes her bookmark: 204", answer)
    answer = project.http("GET", f"{api}/bookmarks/{engines}")
    check(answer.status == 404, "the deleted bookmark is gone", answer)

    # CORS: the HTTP API answers preflights itself and sets the headers on answers.
    answer = project.http(
        "OPTIONS",
        f"{api}/bookmarks",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    check(
        answer.status == 204
        and answer.headers.get("access-control-allow-origin") == origin
        and "POST" in answer.headers.get("access-control-allow-methods", ""),
        "the HTTP API answers a preflight from the allowed origin",
        answer,
    )
    answer = project.http("GET", f"{api}/bookmarks/{cobol}", headers={"Origin": origin})
    check(
        answer.headers.get("access-control-allow-origin") == origin,
        "the HTTP API's answer carries Access-Control-Allow-Origin",
        answer,
    )

    # The REST API: public reads, SAM's CORS preflight, the TOKEN authorizer on /stats.
    answer = project.http("GET", f"{rest}/bookmarks/{cobol}", headers={"Origin": origin})
    check(
        answer.status == 200
        and answer.json
        == {
            "id": cobol,
            "url": "https://example.com/cobol",
            "title": "COBOL",
            "tags": [],
        }
        and answer.headers.get("access-control-allow-origin") == origin,
        "REST GET /bookmarks/{id} reads it, with the origin header",
        answer,
    )
    answer = project.http("GET", f"{rest}/bookmarks/{engines}")
    check(answer.status == 404, "REST GET of the deleted one is 404", answer)
    answer = project.http(
        "OPTIONS",
        f"{rest}/bookmarks/{cobol}",
        headers={"Origin": origin, "Access-Control-Request-Method": "GET"},
    )
    check(
        answer.status == 200 and answer.headers.get("access-control-allow-origin") == origin,
        "the REST API's OPTIONS method (SAM's Cors) answers the preflight",
        answer,
    )
    answer = project.http("GET", f"{rest}/nothing-here")
    check(
        answer.status == 403 and answer.json == {"message": "Missing Authentication Token"},
        "an unknown REST route is 403 Missing Authentication Token",
        answer,
    )
    for token, status in (
        (None, 401),
        ("Basic abc", 401),  # fails the ValidationExpression: no authorizer call
        ("Bearer wrong", 401),
        ("Bearer revoked-7", 403),
    ):
        headers = {"Authorization": token} if token else {}
        answer = project.http("GET", f"{rest}/stats", headers=headers)
        check(answer.status == status, f"GET /stats with {token!r} is {status}", answer)
    answer = project.http(
        "GET", f"{rest}/stats", headers={"Authorization": "Bearer admin-token-change-me"}
    )
    check(
        answer.status == 200
        and answer.json == {"bookmarks": 2, "owners": {"ada": 1, "grace": 1}, "asked_by": "admin"},
        "the admin's GET /stats counts what is left",
        answer,
    )

    # End state in the table, and the hops of a create.
    table = project.outputs.get("BookmarksTableName", "")
    items = project.client("dynamodb").scan(TableName=table)["Items"]
    check(
        sorted(item["owner"]["S"] for item in items) == ["ada", "grace"],
        "the table holds Ada's and Grace's remaining bookmarks",
        items,
    )
    traces = project.traces()
    check(
        any_trace(
            traces,
            ("request", "POST /bookmarks"),
            ("invoke", "BookmarksFunction"),
            ("call", "dynamodb:PutItem"),
        ),
        "a trace shows POST /bookmarks -> BookmarksFunction -> dynamodb:PutItem",
        [[(hop["kind"], hop["resource"]) for hop in hops] for hops in traces[-5:]],
    )
    check(
        any_trace(traces, ("request", "DELETE /bookmarks"), ("invoke", "OwnerAuthorizer")),
        "a trace shows the owner authorizer's invocation under DELETE",
        [[(hop["kind"], hop["resource"]) for hop in hops] for hops in traces[-5:]],
    )
    return project.failures


# --- media-pipeline -------------------------------------------------------------------------


def _receive_all(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    """Every message a queue gives now (deleted once read)."""
    got: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
        ).get("Messages", [])
        if not batch:
            return got
        got += batch
        sqs.delete_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)
            ],
        )


def media_pipeline(project: Deployed) -> list[str]:
    """Uploads (prefix and suffix filter, encoded keys) catalogued through S3 notifications,
    the table's stream announced on SNS to a queue (a bad record retried, then on the failure
    queue), and the nightly cleanup fired by `localcloud schedule run`."""
    check = project.check
    outputs = project.outputs
    bucket, table = outputs.get("UploadsBucketName"), outputs.get("MediaTableName")
    notifications = outputs.get("NotificationsQueueUrl")
    failures = outputs.get("CatalogFailuresQueueUrl")
    if not check(
        all((bucket, table, notifications, failures)), "deploy printed the outputs", outputs
    ):
        return project.failures
    s3, dynamodb, sqs = project.client("s3"), project.client("dynamodb"), project.client("sqs")

    uploads = {
        "uploads/cat.jpg": (b"\xff\xd8 a cat", {"title": "Cat on a mat"}),
        "uploads/empty.jpg": (b"", {}),
        "uploads/summer trip/dog+1.jpg": (b"\xff\xd8 a dog", {}),
        "uploads/readme.txt": (b"not a picture", {}),  # suffix filter
        "thumbnails/cat.jpg": (b"\xff\xd8 small", {}),  # prefix filter
    }
    for key, (body, metadata) in uploads.items():
        s3.put_object(
            Bucket=bucket, Key=key, Body=body, ContentType="image/jpeg", Metadata=metadata
        )
    catalogued = {"uploads/cat.jpg", "uploads/empty.jpg", "uploads/summer trip/dog+1.jpg"}

    def entries() -> dict[str, dict[str, Any]]:
        items = dynamodb.scan(TableName=table)["Items"]
        return {item["media_id"]["S"]: item for item in items}

    found = project.wait_for("three catalogue entries", lambda: len(entries()) >= 3 and entries())
    check(
        set(found or {}) == catalogued, "exactly the three matching uploads are catalogued", found
    )
    if found and "uploads/cat.jpg" in found:
        cat = found["uploads/cat.jpg"]
        check(
            cat["title"]["S"] == "Cat on a mat"
            and cat["size"]["N"] == "8"
            and cat["status"]["S"] == "ready"
            and found["uploads/empty.jpg"]["status"]["S"] == "empty",
            "the entries carry the objects' metadata, size and status",
            found,
        )

    messages: list[dict[str, Any]] = []

    def announced(event_type: str, count: int) -> list[dict[str, Any]]:
        messages.extend(_receive_all(sqs, notifications))
        bodies = [json.loads(m["Body"]) for m in messages]
        of_type = [body for body in bodies if body["event_type"] == event_type]
        return of_type if len(of_type) >= count else []

    added = project.wait_for("three MediaAdded messages", lambda: announced("MediaAdded", 3))
    check(
        sorted(body["media_id"] for body in added or []) == sorted(catalogued),
        "each new entry is announced once, as a raw SNS message on the queue",
        added,
    )

    # A record that is no catalogue entry: retried twice, then on the failure queue.
    dynamodb.put_item(TableName=table, Item={"media_id": {"S": "manual/fix-1"}})
    failed = project.wait_for(
        "the bad record on CatalogFailuresQueue", lambda: _receive_all(sqs, failures)
    )
    if check(len(failed or []) == 1, "one failure record for the bad item", failed):
        record = json.loads(failed[0]["Body"])
        info = record.get("DDBStreamBatchInfo", {})
        check(
            info.get("batchSize") == 1
            and record.get("requestContext", {}).get("condition") == "RetryAttemptsExhausted"
            and record["requestContext"].get("approximateInvokeCount") == 3,
            "the failure record names a batch of one, retries exhausted after 3 attempts",
            record,
        )

    # The nightly cleanup, fired now.
    listed = project.cli("schedule", "list")
    check(
        listed.returncode == 0 and "rate(1 day)" in listed.stdout,
        "`localcloud schedule list` shows the nightly rule",
        listed.stdout,
        listed.stderr,
    )
    fired = project.cli("schedule", "run", "CleanupFunctionNightly")
    check(fired.returncode == 0, "`localcloud schedule run CleanupFunctionNightly`", fired.stderr)
    project.wait_for("the empty upload removed", lambda: "uploads/empty.jpg" not in entries())
    objects = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    check(
        "uploads/empty.jpg" not in objects and "uploads/cat.jpg" in objects,
        "the cleanup deleted the empty object only",
        objects,
    )
    removed = project.wait_for("a MediaRemoved message", lambda: announced("MediaRemoved", 1))
    check(
        [body["media_id"] for body in removed or []] == ["uploads/empty.jpg"],
        "the removal is announced",
        removed,
    )

    traces = project.traces(100)
    shown = [[(hop["kind"], hop["resource"]) for hop in hops] for hops in traces[-6:]]
    check(
        any_trace(
            traces,
            ("object", "uploads/cat.jpg"),
            ("invoke", "IngestFunction"),
            ("call", "dynamodb:PutItem"),
            ("stream record", "MediaTable"),
            ("invoke", "CatalogFunction"),
        ),
        "a trace follows cat.jpg from S3 to the ingest, its write, the stream and the catalog",
        shown,
    )
    # A batch of records is one invocation: its calls sit in one of the records' traces.
    check(
        any_trace(
            traces,
            ("stream record", "MediaTable"),
            ("invoke", "CatalogFunction"),
            ("publish", "sns:"),
            ("deliver", "MediaTopic"),
        ),
        "a trace follows a stream record to the catalog, its publish and the delivery",
        shown,
    )
    check(
        any_trace(
            traces,
            ("schedule fired", "CleanupFunctionNightly"),
            ("invoke", "CleanupFunction"),
            ("call", "dynamodb:DeleteItem"),
            ("stream record", "MediaTable"),
            ("invoke", "CatalogFunction"),
        ),
        "a trace follows the schedule to the cleanup and its REMOVE to the catalog",
        shown,
    )
    return project.failures


# --- order-workflow -------------------------------------------------------------------------


def _order(order_id: str, token: str = "tok_visa", price: float = 21.0) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": "ada",
        "items": [{"sku": "BOOK-1", "qty": 2, "price": price}] if price else [],
        "payment_token": token,
    }


def order_workflow(project: Deployed) -> list[str]:
    """The order state machine started by POST /orders (HTTP API's StepFunctions-StartExecution
    integration) and by OrderPlaced events on the bus: Lambda tasks, the Choice, a Retry, two
    Catches, DynamoDB and SQS integrations; the status route reads what it recorded."""
    check = project.check
    outputs, urls = project.outputs, project.local_urls
    wanted = ("OrderStateMachineArn", "OrdersBusName", "OrdersTableName", "FulfilmentQueueUrl",
              "ApprovalQueueUrl", "RejectionsQueueUrl")  # fmt: skip
    if not check(
        all(outputs.get(key) for key in wanted) and "OrdersApiUrl" in urls,
        "deploy printed the outputs and the API's local URL",
        project.deploy_output,
    ):
        return project.failures
    api, machine = urls["OrdersApiUrl"], outputs["OrderStateMachineArn"]
    sfn, sqs = project.client("stepfunctions"), project.client("sqs")
    events = project.client("events")

    started: dict[str, str] = {}  # order id -> execution ARN
    for order in (
        _order("o-paid"),
        _order("o-declined", "tok_declined"),
        _order("o-big", price=800),
    ):
        answer = project.http("POST", f"{api}/orders", order)
        if check(
            answer.status == 200 and "executionArn" in (answer.json or {}),
            f"POST /orders ({order['order_id']}) starts an execution",
            answer,
        ):
            started[order["order_id"]] = answer.json["executionArn"]
    placed = [_order("o-busy", "tok_busy_once"), _order("o-empty", price=0)]
    entries = [
        {"Source": "shop.checkout", "DetailType": "OrderPlaced", "Detail": json.dumps(order),
         "EventBusName": outputs["OrdersBusName"]}
        for order in placed
    ] + [
        {"Source": "shop.checkout", "DetailType": "OrderCancelled", "Detail": "{}",
         "EventBusName": outputs["OrdersBusName"]}
    ]  # fmt: skip
    put = events.put_events(Entries=entries)
    check(put["FailedEntryCount"] == 0, "PutEvents to the orders bus", put)

    def executions() -> dict[str, dict[str, Any]]:
        """Each finished execution by its order id."""
        listed = sfn.list_executions(stateMachineArn=machine)["executions"]
        done = {}
        for execution in listed:
            if execution["status"] == "RUNNING":
                return {}
            described = sfn.describe_execution(executionArn=execution["executionArn"])
            done[json.loads(described["input"])["order_id"]] = described
        return done if len(done) >= 5 else {}

    finished = project.wait_for("five executions to finish", executions) or {}
    check(
        sorted(finished) == ["o-big", "o-busy", "o-declined", "o-empty", "o-paid"],
        "one execution per order placed (the OrderCancelled event starts none)",
        sorted(finished),
    )
    statuses = {order: described["status"] for order, described in finished.items()}
    check(
        statuses
        == {"o-paid": "SUCCEEDED", "o-busy": "SUCCEEDED", "o-big": "SUCCEEDED",
            "o-declined": "FAILED", "o-empty": "FAILED"},
        "paid, retried and approval orders succeed; declined and empty ones fail",
        statuses,
    )  # fmt: skip
    for order in ("o-declined", "o-empty"):
        if order in finished:
            check(
                finished[order].get("error") == "OrderRejected",
                f"{order} fails with the Fail state's error",
                finished[order],
            )
    if "o-paid" in started and "o-paid" in finished:
        check(
            finished["o-paid"]["executionArn"] == started["o-paid"],
            "the API's answer names the execution that ran",
            started,
        )
    if "o-busy" in finished:
        history = sfn.get_execution_history(executionArn=finished["o-busy"]["executionArn"])
        kinds = [event["type"] for event in history["events"]]
        check(
            kinds.count("LambdaFunctionFailed") == 1
            and kinds.count("LambdaFunctionScheduled") == 2
            and kinds.count("LambdaFunctionSucceeded") == 1,
            "the busy gateway's charge failed once and its retry succeeded",
            kinds,
        )

    table = project.client("dynamodb").scan(TableName=outputs["OrdersTableName"])["Items"]
    recorded = {item["order_id"]["S"]: item for item in table}
    check(
        {k: v.get("status", {}).get("S") for k, v in recorded.items()}
        == {"o-paid": "PAID", "o-busy": "PAID", "o-big": "PENDING_APPROVAL", "o-declined": None},
        "the table holds the paid, pending and declined (attempt counted only) orders",
        recorded,
    )
    if "o-busy" in recorded:
        check(
            recorded["o-busy"]["charge_attempts"]["N"] == "2"
            and float(recorded["o-busy"]["total"]["N"]) == 42,
            "o-busy was charged on its second attempt, for 42",
            recorded["o-busy"],
        )

    def bodies(queue: str) -> list[Any]:
        return [json.loads(m["Body"]) for m in _receive_all(sqs, outputs[queue])]

    fulfilment = bodies("FulfilmentQueueUrl")
    check(
        sorted(body["order_id"] for body in fulfilment) == ["o-busy", "o-paid"]
        and all(body["charge_id"].startswith("ch_") for body in fulfilment),
        "paid orders reach fulfilment with their charge",
        fulfilment,
    )
    approval = bodies("ApprovalQueueUrl")
    check(
        [(body["order_id"], body["total"]) for body in approval] == [("o-big", 1600)],
        "the large order waits for approval",
        approval,
    )
    rejections = sorted(bodies("RejectionsQueueUrl"), key=lambda body: body["order_id"])
    check(
        rejections
        == [{"order_id": "o-declined", "reason": "PaymentDeclinedError"},
            {"order_id": "o-empty", "reason": "InvalidOrderError"}],
        "rejected orders are on the rejections queue with the caught error",
        rejections,
    )  # fmt: skip

    answer = project.http("GET", f"{api}/orders/o-paid")
    check(answer.status == 200 and answer.json["status"] == "PAID", "GET /orders/o-paid", answer)
    answer = project.http("GET", f"{api}/orders/o-nope")
    check(answer.status == 404, "GET /orders/{id} of an unknown order is 404", answer)

    # Returns: POST /returns puts the body on a queue (no function in between) that a function
    # drains; a return of an order that was never paid is a failed batch item.
    for body in ({"order_id": "o-paid", "reason": "too small"}, {"order_id": "o-nope"}):
        answer = project.http("POST", f"{api}/returns", body)
        check(
            answer.status == 200 and "MessageId" in answer.text,
            f"POST /returns ({body['order_id']}) queues the request",
            answer,
        )

    def returned() -> dict[str, Any]:
        item = project.client("dynamodb").get_item(
            TableName=outputs["OrdersTableName"], Key={"order_id": {"S": "o-paid"}}
        )["Item"]
        return item if item["status"]["S"] == "RETURN_REQUESTED" else {}

    item = project.wait_for("o-paid's return recorded", returned)
    check(
        bool(item) and item["return_reason"]["S"] == "too small",
        "the return is recorded on the order",
        item,
    )

    traces = project.traces(100)
    shown = [[(hop["kind"], hop["resource"]) for hop in hops] for hops in traces[-6:]]
    check(
        any_trace(
            traces,
            ("request", "POST /returns"),
            ("publish", "ReturnsQueue"),
            ("receive", "ReturnsQueue"),
            ("invoke", "ReturnsFunction"),
            ("call", "dynamodb:UpdateItem"),
        ),
        "a trace follows POST /returns to the queue, the function and its write",
        shown,
    )
    check(
        any_trace(traces, ("request", "POST /returns"), ("batch", "ReturnsFunction")),
        "the return of an unpaid order is kept on the queue as a failed batch item",
        shown,
    )
    check(
        any_trace(
            traces,
            ("request", "POST /orders"),
            ("execution", "OrderStateMachine"),
            ("state entered", "ValidateOrder"),
            ("invoke", "ValidateOrderFunction"),
        ),
        "a trace follows POST /orders to the execution, its first state and function",
        shown,
    )
    check(
        any_trace(
            traces,
            ("publish", "events:"),
            ("match", "OrderPlaced"),
            ("execution", "OrderStateMachine"),
            ("state entered", "SendToFulfilment"),
            ("publish", "FulfilmentQueue"),
        ),
        "a trace follows an OrderPlaced event to the execution and its fulfilment message",
        shown,
    )
    return project.failures


SCENARIOS: dict[str, Callable[[Deployed], list[str]]] = {
    "http-crud": http_crud,
    "media-pipeline": media_pipeline,
    "order-workflow": order_workflow,
}
