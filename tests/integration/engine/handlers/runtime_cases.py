"""Handlers for the runtime's marshalling and resource tests (one behaviour each)."""

import decimal
import os
import time


def decimals(event, context):
    # What boto3's DynamoDB resource hands back for numbers.
    return {"count": decimal.Decimal("3"), "price": decimal.Decimal("19.99")}


def raw_bytes(event, context):
    return b"not json \x01"


def a_set(event, context):
    return {1, 2}


def noisy(event, context):
    """Print ``megabytes`` MB in lines of 1 KB, then return."""
    line = "x" * 1023
    for _ in range(int(event.get("megabytes", 1)) * 1024):
        print(line)
    return {"pid": os.getpid()}


def pid(event, context):
    return {"pid": os.getpid()}


def hog(event, context):
    """Hold ``megabytes`` MB of written (resident) memory."""
    block = b"\x01" * (int(event["megabytes"]) * 1024 * 1024)
    return {"held": len(block)}


def fork_and_die(event, context):
    """Fork a child that outlives this process by ``linger`` seconds, then die."""
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        deadline = time.monotonic() + 60
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(float(event.get("linger", 20)))
        os._exit(0)
    os._exit(7)
