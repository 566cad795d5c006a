def handler(event, context):
    raise RuntimeError("the handler failed on purpose")
