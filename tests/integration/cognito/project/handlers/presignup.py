"""PreSignUp: refuse blocked domains, confirm trusted ones at once, leave the rest to confirm."""


def handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    if (event["request"].get("validationData") or {}).get("invite") == "revoked":
        raise ValueError("the invitation was revoked")
    if email.endswith("@blocked.example"):
        raise ValueError(f"sign-ups from {email.split('@')[1]} are closed")
    if email.endswith("@trusted.example"):
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event
