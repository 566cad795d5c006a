"""SAM `Schedule` and `ScheduleV2` events deployed to the local cloud: the translator's
AWS::Events::Rule and AWS::Scheduler::Schedule invoke the function when they fire."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from schedules_support import unique

from localcloud.admin_client import AdminClient
from localcloud.deploy import deploy, destroy
from localcloud.pytest_plugin import TraceProbe

pytestmark = pytest.mark.integration

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Ticker:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ticker/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Nightly:
          Type: Schedule
          Properties:
            Schedule: cron(0 2 * * ? *)
            Input: '{"from": "rule"}'
        Weekly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 6 ? * MON *)
            ScheduleExpressionTimezone: Europe/Berlin
            Input: '{"from": "scheduler"}'
"""


@pytest.fixture(scope="module")
def stack(localcloud: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("sam-schedules")
    (folder / "ticker").mkdir()
    (folder / "ticker" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (folder / "template.yaml").write_text(TEMPLATE)
    name = unique("sched").replace("-", "")
    report = deploy(Path(folder / "template.yaml"), localcloud.endpoint_url, stack=name)
    yield report
    destroy(localcloud.endpoint_url, name)


def test_a_sam_schedule_event_invokes_the_function(
    stack: Any, admin: AdminClient, traces: TraceProbe
) -> None:
    function = stack.resources["Ticker"].physical_id
    listed = {s["name"]: s for s in admin.schedules()["schedules"]}
    rule = stack.resources["TickerNightly"].physical_id
    assert listed[rule]["expression"] == "cron(0 2 * * ? *)"
    trace_id = admin.run_schedule(rule)["trace_id"]
    traces.wait_for(
        lambda: [h for h in traces.invocations(function) if h.trace_id == trace_id],
        message=f"{function} invoked by the rule",
    )


def test_a_sam_schedule_v2_event_invokes_the_function(
    stack: Any, admin: AdminClient, traces: TraceProbe
) -> None:
    function = stack.resources["Ticker"].physical_id
    schedule = stack.resources["TickerWeekly"].physical_id
    listed = {s["name"]: s for s in admin.schedules()["schedules"]}
    assert listed[schedule]["timezone"] == "Europe/Berlin"
    trace_id = admin.run_schedule(schedule)["trace_id"]
    traces.wait_for(
        lambda: [h for h in traces.invocations(function) if h.trace_id == trace_id],
        message=f"{function} invoked by the schedule",
    )
