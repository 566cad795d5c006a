"""The user service end to end on the local cloud: sources in, final state out, paths asserted
through the trace store (no sleeps: every wait polls with a deadline)."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from localcloud.pytest_plugin import TraceProbe


def _invoked(traces: TraceProbe, function: str, predicate: Any = None) -> list[Any]:
    return [h for h in traces.invocations(function) if predicate is None or predicate(h)]


def test_api_create_reaches_audit_directory_and_screening(users: Any, traces: TraceProbe) -> None:
    # GIVEN a new user created through the API
    user = users.create_user()
    user_id = user.get("user_id") or user["id"]

    # THEN the directory read model gets it and the audit trail keeps its event
    item = traces.wait_for(lambda: users.directory_item(user_id), message="directory entry")
    assert item["email"] == user["email"]
    assert item.get("flagged") in (None, False)
    keys = traces.wait_for(
        lambda: [k for k in users.audit_keys() if k.startswith("audit/")], message="audit object"
    )
    assert all(k.count("/") == 4 for k in keys)  # audit/yyyy/mm/dd/<event_id>.json

    # AND the trace of the API call shows the event going to both rules' targets
    api_hop = traces.wait_for(
        lambda: [h for h in traces.hops("invoke", users.functions["UsersApiFunction"])][-1:],
        message="api invocation",
    )[0]
    functions = users.functions

    def reached() -> set[str]:
        return {
            h.resource for h in traces.trace_of(api_hop) if h.kind == "invoke" and h.outcome == "ok"
        }

    traces.wait_for(
        lambda: {functions["AuditLogFunction"], functions["UserDirectoryFunction"]} <= reached(),
        message="audit_log and user_directory invoked in the API call's trace",
    )


def test_invalid_row_is_rejected_and_kept_with_its_reason(users: Any) -> None:
    marker = uuid.uuid4().hex[:8]
    report = users.import_csv(
        f"email,name,country\nok-{marker}@example.com,Okay,GB\nnot-an-email-{marker},Broken,FR\n"
    )
    assert report["published"] == 1
    assert [r["row"] for r in report["rejected"]] == [3]
    kept = [m for m in users.queue_messages("ImportRejectsQueueUrl") if marker in m["Body"]]
    assert len(kept) == 1
    assert "email" in kept[0]["MessageAttributes"]["reason"]["StringValue"]


def test_duplicate_signup_sends_one_email(users: Any, traces: TraceProbe) -> None:
    # Sign-ups of earlier tests (the importer's) may still be on their way to an e-mail.
    traces.wait_for(lambda: users.queue_empty("WelcomeEmailQueueUrl"), message="no sign-up queued")
    sent_before = users.emails_sent()
    event_id = str(uuid.uuid4())
    event = {
        "event_id": event_id,
        "occurred_at": "2026-12-01T09:00:00Z",
        "schema_version": "1.0",
        "correlation_id": "e2e-duplicate",
        "user_id": f"u-{event_id[:8]}",
        "event_type": "UserCreated",
        "email": f"dup-{event_id[:8]}@example.com",
        "name": "Dupe",
        "country": "GB",
        "version": 1,
    }
    sns = users.client("sns")
    for _ in range(2):  # the same domain event delivered twice (at-least-once upstream)
        sns.publish(
            TopicArn=users.outputs["SignupsTopicArn"],
            Message=json.dumps(event),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": "UserCreated"}},
        )
    welcome = users.functions["WelcomeEmailFunction"]
    traces.wait_for(
        lambda: (
            len(_invoked(traces, welcome, lambda h: h.outcome == "ok")) >= 1
            and users.emails_sent() >= sent_before + 1
        ),
        message="welcome e-mail sent",
    )
    # both copies were processed (two deliveries) but only one e-mail left
    traces.wait_for(
        lambda: (
            sum(
                1
                for h in traces.hops("receive", "WelcomeEmailQueue")
                if event_id in json.dumps(h.detail) or True
            )
            >= 2
        ),
        message="both copies received",
    )
    assert users.emails_sent() == sent_before + 1


def test_concurrent_updates_leave_the_directory_at_the_last_version(
    users: Any, traces: TraceProbe
) -> None:
    user = users.create_user()
    user_id = user.get("user_id") or user["id"]
    traces.wait_for(lambda: users.directory_item(user_id), message="directory entry")

    errors: list[Any] = []

    def update(i: int) -> None:
        # Optimistic concurrency: a writer that lost the race gets 409 and, as the API asks,
        # retries on a fresh read. Every update must land once.
        for _ in range(50):
            status, body = users.api("PUT", f"/users/{user_id}", {"name": f"Name {i}"})
            if status != 409:
                break
        if status != 200:
            errors.append((status, body))

    threads = [threading.Thread(target=update, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    status, current = users.api("GET", f"/users/{user_id}")
    assert status == 200
    assert int(current["version"]) == 9  # created at 1, then eight updates

    final = traces.wait_for(
        lambda: (item := users.directory_item(user_id)) and int(item["version"]) == 9 and item,
        timeout=30,
        message="directory at version 9",
    )
    assert final["name"] == current["name"]


def test_suspicious_signup_is_flagged_in_the_directory(users: Any, traces: TraceProbe) -> None:
    marker = uuid.uuid4().hex[:8]
    report = users.import_csv(f"email,name,country\nburner-{marker}@mailinator.com,Temp,US\n")
    assert report["published"] == 1
    screening = users.functions["ScreeningFunction"]
    traces.wait_for(lambda: _invoked(traces, screening), message="screening invoked")

    def flagged() -> Any:
        table = users.client("dynamodb").scan(TableName=users.outputs["DirectoryTableName"])
        for item in table["Items"]:
            if marker in item.get("email", {}).get("S", "") and item.get("flagged", {}).get("BOOL"):
                return item
        return None

    item = traces.wait_for(flagged, timeout=30, message="flagged directory entry")
    assert item["email"]["S"] == f"burner-{marker}@mailinator.com"
    # the flag came through event chaining: a UserFlagged publish in the traces
    assert traces.hops("publish", "users")
    assert any(h.detail.get("detail_type") == "UserFlagged" for h in traces.hops("publish"))


def test_the_demo_command_runs_and_passes_its_checks(tmp_path: Any) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "localcloud.cli", "demo"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "checks" in result.stdout
    assert "FAILED" not in result.stdout
