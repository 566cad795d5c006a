"""A tiny handler the deploy tests package; it only echoes its configuration."""

import os


def handler(event: dict, context: object) -> dict:
    return {"greeting": os.environ.get("GREETING", ""), "event": event}
