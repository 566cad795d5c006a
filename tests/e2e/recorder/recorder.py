"""A handler that keeps every event it receives in S3 (RECORD_BUCKET), for shape checks."""

import json
import os
import uuid

import boto3


def handler(event, context):
    boto3.client("s3").put_object(
        Bucket=os.environ["RECORD_BUCKET"],
        Key=f"{os.environ['RECORD_PATH']}/{uuid.uuid4()}.json",
        Body=json.dumps(event).encode(),
    )
