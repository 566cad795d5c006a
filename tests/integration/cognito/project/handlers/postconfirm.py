"""PostConfirmation: record the confirmed user in the table."""

import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def handler(event, context):
    attributes = event["request"]["userAttributes"]
    table.put_item(
        Item={
            "sub": attributes["sub"],
            "userName": event["userName"],
            "email": attributes.get("email", ""),
            "triggerSource": event["triggerSource"],
            "status": attributes.get("cognito:user_status", ""),
        }
    )
    return event
