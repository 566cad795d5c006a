"""The daily sign-up report end to end: its schedule (the template's SAM Schedule event) fired
now, as `localcloud schedule run daily-signup-report` does, reads the counters sign-ups left."""

from __future__ import annotations

import json
import uuid
from typing import Any

from localcloud.admin_client import AdminClient
from localcloud.pytest_plugin import TraceProbe


def test_the_daily_report_runs_on_its_schedule_and_reads_the_counters(
    users: Any, traces: TraceProbe
) -> None:
    # GIVEN a sign-up counted today (imports publish to the topic the counters follow)
    users.import_csv(f"email,name,country\nreport-{uuid.uuid4().hex[:8]}@example.com,Kate,NZ\n")
    stats = users.outputs["StatsTableName"]
    dynamodb = users.client("dynamodb")
    traces.wait_for(
        lambda: dynamodb.scan(TableName=stats, FilterExpression="contains(pk, :nz)",
                              ExpressionAttributeValues={":nz": {"S": "#COUNTRY#NZ"}})["Items"],
        message="the NZ sign-up counted",
    )  # fmt: skip
    admin = AdminClient(users.stack.cloud.endpoint_url)
    report = users.functions["SignupReportFunction"]
    # THEN the schedule is the template's, due at 06:00 UTC
    [listed] = [s for s in admin.schedules()["schedules"] if s["name"] == "daily-signup-report"]
    assert listed["expression"] == "cron(0 6 * * ? *)" and listed["next"].endswith("T06:00:00Z")
    # WHEN it fires now THEN the report runs in the firing's trace and counts today's sign-up
    trace_id = admin.run_schedule("daily-signup-report")["trace_id"]
    hop = traces.wait_for(
        lambda: [h for h in traces.invocations(report) if h.trace_id == trace_id],
        message="the report invoked by its schedule",
    )[0]
    assert hop.outcome == "ok"
    logs = users.client("logs").filter_log_events(logGroupName=f"/aws/lambda/{report}")
    lines = [json.loads(e["message"]) for e in logs["events"] if e["message"].startswith("{")]
    [line] = [x for x in lines if x.get("function_request_id") == hop.detail["request_id"]]
    assert line["message"] == "daily sign-up report"
    assert line["today_so_far"] >= 1
