"""`localcloud deploy` with a property no kind applies (an S3 bucket's LifecycleConfiguration):
it fails before anything is created, or with --allow-unsupported deploys without it and warns."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.cli import main
from localcloud.deploy import load_stack_state

pytestmark = pytest.mark.integration

NOTIFYING_BUCKET = """
Resources:
  Uploads:
    Type: AWS::SQS::Queue
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      LifecycleConfiguration:
        Rules:
          - Status: Enabled
            ExpirationInDays: 1
            Prefix: !GetAtt Uploads.QueueName
"""


def _deploy(
    capsys: pytest.CaptureFixture[str], template: Path, stack: str, endpoint_url: str, *more: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(
        ["deploy", "--template", str(template), "--stack", stack, "--endpoint", endpoint_url, *more]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bucket_lifecycle_fails_the_deploy_before_anything_is_created(
    tmp_path: Path, endpoint_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique_stack("notify")
    template = write_template(tmp_path, NOTIFYING_BUCKET)

    code, out, err = _deploy(capsys, template, stack, endpoint_url)

    assert code == 2
    assert out == ""
    assert "error: 1 template property is not applied by the deployer" in err
    assert "Bucket (AWS::S3::Bucket): LifecycleConfiguration" in err
    assert "--allow-unsupported" in err
    buckets = {b["Name"] for b in aws("s3", endpoint_url).list_buckets()["Buckets"]}
    assert f"{stack}-bucket" not in buckets
    queues = aws("sqs", endpoint_url).list_queues(QueueNamePrefix=stack).get("QueueUrls", [])
    assert queues == []
    assert load_stack_state(endpoint_url, stack) is None


def test_allow_unsupported_deploys_without_the_lifecycle_and_warns(
    tmp_path: Path, endpoint_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = unique_stack("notify")
    template = write_template(tmp_path, NOTIFYING_BUCKET)

    code, out, err = _deploy(capsys, template, stack, endpoint_url, "--allow-unsupported")

    assert code == 0, err
    assert err.count("warning: ") == 1
    assert (
        "warning: resource 'Bucket' (AWS::S3::Bucket): property 'LifecycleConfiguration' is "
        "not applied by the deployer; deployed without it"
    ) in err
    assert "created  Bucket (AWS::S3::Bucket)" in out
    assert "created  Uploads (AWS::SQS::Queue)" in out
    s3 = aws("s3", endpoint_url)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket=f"{stack}-bucket")
