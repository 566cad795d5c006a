"""What the Cognito patches make of a PreTokenGeneration answer and an app client's token
validity (pure functions of moto_patches/cognito.py)."""

from __future__ import annotations

from localcloud.emulator.moto_patches.cognito import (
    flow_enabled,
    overridden_claims,
    refresh_lifetime,
    token_lifetime,
)

CLAIMS = {
    "sub": "s-1",
    "aud": "client-1",
    "token_use": "id",
    "email": "ann@example.org",
    "cognito:username": "ann",
    "cognito:groups": ["admins"],
}


def test_claims_are_added_overridden_and_suppressed() -> None:
    response = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "acme", "email": "other@example.org"},
            "claimsToSuppress": ["cognito:username"],
        }
    }
    out = overridden_claims(CLAIMS, {**response})
    assert out["tenant"] == "acme"
    assert out["email"] == "other@example.org"
    # identifying claims stay as Cognito made them
    assert out["cognito:username"] == "ann"


def test_protected_claims_cannot_change() -> None:
    response = {
        "claimsOverrideDetails": {
            "claimsToAddOrOverride": {"sub": "x", "aud": "y", "token_use": "access"},
            "claimsToSuppress": ["sub"],
        }
    }
    out = overridden_claims(CLAIMS, response)
    assert (out["sub"], out["aud"], out["token_use"]) == ("s-1", "client-1", "id")


def test_group_override_details() -> None:
    response = {
        "claimsOverrideDetails": {
            "groupOverrideDetails": {
                "groupsToOverride": ["readers", "writers"],
                "iamRolesToOverride": ["arn:aws:iam::123456789012:role/r"],
                "preferredRole": "arn:aws:iam::123456789012:role/r",
            }
        }
    }
    out = overridden_claims(CLAIMS, response)
    assert out["cognito:groups"] == ["readers", "writers"]
    assert out["cognito:roles"] == ["arn:aws:iam::123456789012:role/r"]
    assert out["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/r"
    emptied = overridden_claims(
        CLAIMS, {"claimsOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": []}}}
    )
    assert "cognito:groups" not in emptied


def test_no_override_leaves_the_claims() -> None:
    assert overridden_claims(CLAIMS, {"claimsOverrideDetails": None}) == CLAIMS
    assert overridden_claims(CLAIMS, {}) == CLAIMS


def test_token_lifetime_follows_the_client() -> None:
    assert token_lifetime({}, "id", 3600) == 3600
    assert token_lifetime({"IdTokenValidity": 2}, "id", 3600) == 7200
    units = {"AccessToken": "minutes", "IdToken": "days"}
    config = {"AccessTokenValidity": 5, "IdTokenValidity": 1, "TokenValidityUnits": units}
    assert token_lifetime(config, "access", 3600) == 300
    assert token_lifetime(config, "id", 3600) == 86400


def test_refresh_tokens_live_thirty_days_unless_the_client_says() -> None:
    assert refresh_lifetime({}) == 30 * 86400
    assert refresh_lifetime({"RefreshTokenValidity": 2}) == 2 * 86400
    units = {"RefreshToken": "minutes"}
    assert refresh_lifetime({"RefreshTokenValidity": 60, "TokenValidityUnits": units}) == 3600


def test_explicit_auth_flows_decide_the_flows_a_client_may_use() -> None:
    # unset: SRP, custom and refresh only
    assert flow_enabled(None, "USER_SRP_AUTH")
    assert flow_enabled([], "REFRESH_TOKEN_AUTH")
    assert not flow_enabled(None, "USER_PASSWORD_AUTH")
    allowed = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert flow_enabled(allowed, "USER_PASSWORD_AUTH")
    assert flow_enabled(allowed, "REFRESH_TOKEN")
    assert not flow_enabled(allowed, "USER_SRP_AUTH")
    assert not flow_enabled(allowed, "ADMIN_USER_PASSWORD_AUTH")
    # legacy names also allow SRP and refresh
    assert flow_enabled(["ADMIN_NO_SRP_AUTH"], "ADMIN_USER_PASSWORD_AUTH")
    assert flow_enabled(["ADMIN_NO_SRP_AUTH"], "USER_SRP_AUTH")
    assert not flow_enabled(["ADMIN_NO_SRP_AUTH"], "USER_PASSWORD_AUTH")
