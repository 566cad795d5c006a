"""An HTTP API authorizer with simple responses."""

import json


def handler(event, context):
    key = (event.get("headers") or {}).get("x-key")
    if key == "boom":
        raise RuntimeError("the authorizer broke")
    return {
        "isAuthorized": key == "letmein",
        "context": {"user": "ann", "event": json.dumps(event)},
    }
