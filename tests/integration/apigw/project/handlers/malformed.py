def handler(event, context):
    return {"statusCode": 200, "body": {"not": "a string"}}
