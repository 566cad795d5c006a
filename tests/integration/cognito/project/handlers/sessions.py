"""PreAuthentication refuses a locked user; PostAuthentication counts sign-ins in the table."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    if event["triggerSource"] == "PreAuthentication_Authentication":
        if event["userName"].startswith("locked"):
            raise PermissionError("this account is locked")
        return event
    table.update_item(
        Key={"sub": event["request"]["userAttributes"]["sub"]},
        UpdateExpression="ADD signIns :one",
        ExpressionAttributeValues={":one": 1},
    )
    return event
