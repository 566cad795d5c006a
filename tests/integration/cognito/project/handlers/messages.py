"""CustomMessage: word the code's e-mail; refuse addresses that take no mail."""


def handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    if email.endswith("@nomail.example"):
        raise ValueError(f"no mail to {email.split('@')[1]}")
    code = event["request"]["codeParameter"]
    event["response"]["emailSubject"] = "Welcome"
    event["response"]["emailMessage"] = f"Your code is {code}"
    return event
