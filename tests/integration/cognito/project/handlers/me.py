"""The caller's JWT claims, as the HTTP API's authorizer passed them."""

import json


def handler(event, context):
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    return {"statusCode": 200, "body": json.dumps(claims)}
