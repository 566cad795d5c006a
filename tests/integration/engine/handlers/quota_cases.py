"""Handlers for the payload quota tests."""


def respond(event, context):
    """A string of ``size`` characters: a JSON response of size + 2 bytes."""
    return "x" * int(event["size"])


def measure(event, context):
    return {"length": len(event.get("data", ""))}
