"""PreTokenGeneration: add a tenant claim, drop the e-mail, put the user in a group."""


def handler(event, context):
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": "acme", "flow": event["triggerSource"]},
        "claimsToSuppress": ["email"],
        "groupOverrideDetails": {"groupsToOverride": ["readers"]},
    }
    return event
