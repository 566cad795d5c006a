"""Answers with the event it got (binary bodies come back as the same bytes)."""

import json


def handler(event, context):
    if event.get("isBase64Encoded"):
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        return {
            "statusCode": 200,
            "headers": {"Content-Type": headers.get("content-type", "application/octet-stream")},
            "body": event["body"],
            "isBase64Encoded": True,
        }
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {"X-Seen": ["one", "two"]},
        "cookies": ["session=abc", "theme=dark; Path=/"],
        "body": json.dumps(event),
    }
