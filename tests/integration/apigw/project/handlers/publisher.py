"""POST /orders: sends the order to a queue and answers 202."""

import json
import os

import boto3


def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["QUEUE_URL"], MessageBody=event["body"])
    return {"statusCode": 202, "body": json.dumps({"queued": True})}
