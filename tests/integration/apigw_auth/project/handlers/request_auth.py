"""A REQUEST authorizer: allows every caller, saying which invocation decided."""

import json


def handler(event, context):
    arn = event["methodArn"]
    api = arn.split(":")[5].split("/")[0]
    return {
        "principalId": event["headers"].get("X-User") or event["headers"].get("x-user"),
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": arn.split(":" + api)[0] + ":" + api + "/*",
                }
            ],
        },
        "context": {"invocation": context.aws_request_id, "event": json.dumps(event)},
    }
