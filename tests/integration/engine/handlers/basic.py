"""Small handlers for the engine's invoke tests (one behaviour each)."""

import os
import time


def echo(event, context):
    return {"echo": event}


def fail(event, context):
    raise ValueError(f"boom: {event.get('id', 'no id')}")


def sleepy(event, context):
    time.sleep(float(event.get("seconds", 0)))
    return {"slept": event.get("seconds", 0)}


def crash(event, context):
    if event.get("crash"):
        os._exit(3)
    return {"crashed": False}


def context_info(event, context):
    first = context.get_remaining_time_in_millis()
    time.sleep(0.2)
    second = context.get_remaining_time_in_millis()
    return {
        "aws_request_id": context.aws_request_id,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": [first, second],
        "env": {
            key: os.environ.get(key)
            for key in (
                "AWS_LAMBDA_FUNCTION_NAME",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "AWS_REGION",
                "_HANDLER",
                "_X_AMZN_TRACE_ID",
                "AWS_ENDPOINT_URL",
                "GREETING",
            )
        },
    }


def greeting(event, context):
    return {"greeting": os.environ.get("GREETING")}


def printer(event, context):
    for line in event.get("lines", []):
        print(line)
    return {"printed": len(event.get("lines", []))}
