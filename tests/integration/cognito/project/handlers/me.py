"""The caller's token claims, as the API's authorizer passed them."""

import json


def handler(event, context):
    authorizer = event["requestContext"]["authorizer"]
    # HTTP APIs' JWT authorizers put the claims under jwt, REST Cognito authorizers at the top
    claims = authorizer["jwt"]["claims"] if "jwt" in authorizer else authorizer["claims"]
    return {"statusCode": 200, "body": json.dumps(claims)}
