"""A REST TOKEN authorizer: the token says what to answer."""


def handler(event, context):
    token = event["authorizationToken"]
    if token == "unauthorized":
        raise Exception("Unauthorized")
    if token == "boom":
        raise KeyError("the authorizer broke")
    effect = "Allow" if token.startswith("allow") else "Deny"
    return {
        "principalId": "user-" + token,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
            ],
        },
        "context": {"tier": 2, "admin": False, "invocation": context.aws_request_id},
    }
