"""Returns plain values: payload 2.0 infers a response from them."""


def handler(event, context):
    if event["rawPath"].endswith("/string"):
        return "just text"
    return {"id": 1, "ok": True}
