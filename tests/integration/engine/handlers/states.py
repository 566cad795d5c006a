"""Handlers that state machines' Task states call (test_stepfunctions.py)."""

import json


class PaymentDeclinedError(Exception):
    pass


def classify(event, context):
    return {"n": event["n"], "size": "big" if event["n"] > 10 else "small"}


def decline(event, context):
    raise PaymentDeclinedError(f"card declined for order {event.get('order', '?')}")


def double(event, context):
    return event * 2


def approve(event, context):
    """Answer a .waitForTaskToken task: succeed it with the token's order approved."""
    import boto3

    boto3.client("stepfunctions").send_task_success(
        taskToken=event["token"], output=json.dumps({"approved": event["order"]})
    )
    return {"sent": True}
