"""A handler making AWS calls with boto3, to check how they reach the local cloud."""

import os
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.httpsession
from botocore.exceptions import ClientError

s3 = boto3.client("s3")
dynamodb = boto3.client("dynamodb")
DATA = bytes(range(256)) * 64


def _code(call):
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"]
    return "no error"


def round_trip(event, context):
    bucket, table = event["bucket"], event["table"]
    s3.put_object(Bucket=bucket, Key="a b/ü.bin", Body=DATA)
    body = s3.get_object(Bucket=bucket, Key="a b/ü.bin")["Body"].read()

    def put(n):
        dynamodb.put_item(TableName=table, Item={"pk": {"S": f"item-{n}"}})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, range(40)))
    # The same endpoint by another name is not the local cloud's URL: it goes over HTTP.
    other = boto3.client(
        "dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"].replace("127.0.0.1", "localhost")
    )
    return {
        "same_bytes": body == DATA,
        "missing_object": _code(lambda: s3.head_object(Bucket=bucket, Key="missing")),
        "missing_table": _code(lambda: dynamodb.describe_table(TableName="no-such-table")),
        "items": dynamodb.scan(TableName=table, Select="COUNT")["Count"],
        "items_over_http": other.scan(TableName=table, Select="COUNT")["Count"],
        "send": botocore.httpsession.URLLib3Session.send.__qualname__,
    }


def long_poll(event, context):
    """Block in a 5 s long poll: the function's shorter timeout must still end the invocation."""
    boto3.client("sqs").receive_message(QueueUrl=event["queue"], WaitTimeSeconds=5)
    return {"returned": True}


def endpoints(event, context):
    """Which URL the worker sends over its pipes, next to the function's AWS_ENDPOINT_URL."""
    listed = len(boto3.client("s3").list_buckets()["Buckets"])
    send = botocore.httpsession.URLLib3Session.send
    cells = [c.cell_contents for c in send.__closure__ or ()]
    direct = next(c for c in cells if type(c).__name__ == "DirectCalls")
    return {
        "piped": direct.endpoint,
        "configured": os.environ["AWS_ENDPOINT_URL"],
        "listed": listed,
    }


def big_binary(event, context):
    """A body of several MB holding newlines and bytes no text has, put and read back."""
    data = (b"\n\xff\x00\r\n" + bytes(range(256))) * 20_000
    s3.put_object(Bucket=event["bucket"], Key="big.bin", Body=data)
    got = s3.get_object(Bucket=event["bucket"], Key="big.bin")["Body"].read()
    return {"same_bytes": got == data, "size": len(got)}


def presigned(event, context):
    """Presigned URLs made in a worker, with what the test needs to sign them again."""
    from botocore.config import Config

    v4 = boto3.client("s3", config=Config(signature_version="s3v4"))
    credentials = boto3.Session().get_credentials().get_frozen_credentials()
    return {
        "s3": v4.generate_presigned_url(
            "get_object", Params={"Bucket": event["bucket"], "Key": "k"}, ExpiresIn=600
        ),
        "sqs": boto3.client("sqs").generate_presigned_url("list_queues", ExpiresIn=600),
        "credentials": [credentials.access_key, credentials.secret_key, credentials.token],
        "region": os.environ["AWS_REGION"],
        "endpoint": os.environ["AWS_ENDPOINT_URL"],
    }
