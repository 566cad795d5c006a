"""Handlers that state machines' Task states call (test_stepfunctions.py)."""


class PaymentDeclinedError(Exception):
    pass


def classify(event, context):
    return {"n": event["n"], "size": "big" if event["n"] > 10 else "small"}


def decline(event, context):
    raise PaymentDeclinedError(f"card declined for order {event.get('order', '?')}")


def double(event, context):
    return event * 2
