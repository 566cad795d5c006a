"""A bucket's BucketEncryption (default encryption, in most public templates) deploys as S3's
PutBucketEncryption, changes in place, goes when the template drops it, and a key the deployer
does not know is refused before anything is applied."""

from __future__ import annotations

from pathlib import Path

import pytest
from deploy_support import aws, unique_stack, write_template

from localcloud.deploy import DeployError, deploy

pytestmark = pytest.mark.integration

ENCRYPTED = """
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256
"""

KMS = """
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: alias/uploads
            BucketKeyEnabled: true
"""


def test_bucket_encryption_is_applied_changed_and_removed(
    tmp_path: Path, endpoint_url: str
) -> None:
    stack = unique_stack("s3enc")
    first = deploy(write_template(tmp_path, ENCRYPTED), endpoint_url, stack=stack)
    bucket = first.resources["Uploads"].physical_id
    s3 = aws("s3", endpoint_url)
    applied = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]

    changed = deploy(write_template(tmp_path, KMS), endpoint_url, stack=stack)
    now = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]

    plain = write_template(tmp_path, ENCRYPTED.split("    Properties:")[0])
    removed = deploy(plain, endpoint_url, stack=stack)

    [first_rule] = applied["Rules"]
    assert first_rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert changed.updated == ["Uploads"]
    [rule] = now["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": "alias/uploads",
    }
    assert rule["BucketKeyEnabled"] is True
    assert removed.updated == ["Uploads"]
    with pytest.raises(s3.exceptions.ClientError) as gone:
        s3.get_bucket_encryption(Bucket=bucket)
    assert gone.value.response["Error"]["Code"] == "ServerSideEncryptionConfigurationNotFoundError"


def test_an_unknown_key_in_a_rule_is_refused_before_anything_is_applied(
    tmp_path: Path, endpoint_url: str
) -> None:
    text = ENCRYPTED.replace(
        "SSEAlgorithm: AES256", "SSEAlgorithm: AES256\n              Colour: red"
    )
    with pytest.raises(DeployError) as caught:
        deploy(write_template(tmp_path, text), endpoint_url, stack=unique_stack("s3encbad"))

    assert "Uploads.BucketEncryption.ServerSideEncryptionConfiguration[0]" in str(caught.value)
    assert "ServerSideEncryptionByDefault.Colour" in str(caught.value)
