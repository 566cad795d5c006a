"""AWS::CloudWatch::Alarm deploys to CloudWatch: named or named after the stack, Ref the name and
GetAtt Arn, a changed threshold updated in place, tags kept in step, removed with the template.
The local cloud publishes no metrics, so the alarms wait in INSUFFICIENT_DATA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import deploy, destroy

pytestmark = pytest.mark.integration

ALARMS = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Alerts:
    Type: AWS::SNS::Topic
  OldestMessage:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: !Sub "${AWS::StackName}-oldest-message"
      AlarmDescription: work waits too long
      Namespace: AWS/SQS
      MetricName: ApproximateAgeOfOldestMessage
      Dimensions:
        - Name: QueueName
          Value: !GetAtt Queue.QueueName
      Statistic: Maximum
      Period: 60
      EvaluationPeriods: 3
      DatapointsToAlarm: 2
      Threshold: 300
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      AlarmActions: [!Ref Alerts]
      OKActions: [!Ref Alerts]
      Tags:
        - Key: team
          Value: orders
  ErrorRate:
    Type: AWS::CloudWatch::Alarm
    Properties:
      EvaluationPeriods: 1
      Threshold: 5
      ComparisonOperator: GreaterThanThreshold
      ActionsEnabled: false
      Metrics:
        - Id: rate
          Expression: "100 * errors / invocations"
          Label: error rate
          ReturnData: true
        - Id: errors
          ReturnData: false
          MetricStat:
            Metric:
              Namespace: AWS/Lambda
              MetricName: Errors
            Period: 300
            Stat: Sum
        - Id: invocations
          ReturnData: false
          MetricStat:
            Metric:
              Namespace: AWS/Lambda
              MetricName: Invocations
            Period: 300
            Stat: Sum
Outputs:
  AlarmName:
    Value: !Ref OldestMessage
  AlarmArn:
    Value: !GetAtt OldestMessage.Arn
"""


def _alarm(endpoint_url: str, name: str) -> dict[str, Any]:
    alarms = aws("cloudwatch", endpoint_url).describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert len(alarms) <= 1
    return alarms[0] if alarms else {}


def test_alarms_are_created_updated_and_removed(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("alarm")
    name = f"{stack}-oldest-message"
    first = deploy(write_template(tmp_path, ALARMS), endpoint_url, stack=stack)
    created = _alarm(endpoint_url, name)
    math = _alarm(endpoint_url, first.resources["ErrorRate"].physical_id)
    cloudwatch = aws("cloudwatch", endpoint_url)
    tags = cloudwatch.list_tags_for_resource(ResourceARN=created["AlarmArn"])["Tags"]
    # As on AWS, an update replaces the definition and keeps the state the alarm is in.
    cloudwatch.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="test")

    changed = ALARMS.replace("Threshold: 300", "Threshold: 600").replace(
        "Value: orders", "Value: payments"
    )
    second = deploy(write_template(tmp_path, changed), endpoint_url, stack=stack)
    updated = _alarm(endpoint_url, name)
    new_tags = cloudwatch.list_tags_for_resource(ResourceARN=updated["AlarmArn"])["Tags"]

    only_queue = changed.split("  OldestMessage:")[0]
    deploy(write_template(tmp_path, only_queue), endpoint_url, stack=stack)
    after_removal = _alarm(endpoint_url, name)
    destroy(endpoint_url, stack)

    topic = first.resources["Alerts"].physical_id
    assert first.outputs == {
        "AlarmName": name,
        "AlarmArn": f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}",
    }
    assert created["AlarmArn"] == first.outputs["AlarmArn"]
    assert (created["Namespace"], created["MetricName"]) == (
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
    )
    assert created["Dimensions"] == [{"Name": "QueueName", "Value": f"{stack}-Queue"}]
    assert (created["Statistic"], created["Period"], created["Threshold"]) == ("Maximum", 60, 300)
    assert (created["EvaluationPeriods"], created["DatapointsToAlarm"]) == (3, 2)
    assert created["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert created["TreatMissingData"] == "notBreaching"
    assert created["AlarmActions"] == [topic] and created["OKActions"] == [topic]
    assert created["ActionsEnabled"] is True
    assert created["AlarmDescription"] == "work waits too long"
    assert created["StateValue"] == "INSUFFICIENT_DATA"
    assert tags == [{"Key": "team", "Value": "orders"}]
    assert math["AlarmName"] == f"{stack}-ErrorRate"
    assert math["ActionsEnabled"] is False
    assert [m["Id"] for m in math["Metrics"]] == ["rate", "errors", "invocations"]
    assert math["Metrics"][0]["Expression"] == "100 * errors / invocations"
    assert math["Metrics"][1]["MetricStat"]["Metric"]["MetricName"] == "Errors"
    assert second.updated == ["OldestMessage"]
    assert updated["Threshold"] == 600 and updated["AlarmArn"] == created["AlarmArn"]
    assert updated["StateValue"] == "ALARM"
    assert new_tags == [{"Key": "team", "Value": "payments"}]
    assert after_removal == {}
    assert _alarm(endpoint_url, math["AlarmName"]) == {}
