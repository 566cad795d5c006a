"""Echoes a function URL's event back (the test parses it with Powertools' model)."""

import json


def handler(event, context):
    if event.get("rawPath") == "/fail":
        raise RuntimeError("asked to fail")
    post = event["requestContext"]["http"]["method"] == "POST"
    return {
        "statusCode": 201 if post else 200,
        "headers": {"Content-Type": "application/json", "X-Echo": "yes"},
        "cookies": ["a=1"],
        "body": json.dumps({"event": event}),
    }
