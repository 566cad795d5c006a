"""HTTP APIs' CORS: the preflight answer and the headers set on integration answers."""

from __future__ import annotations

from localcloud.apigw.cors import CorsConfig, apply, is_preflight, preflight

CONFIG = CorsConfig.from_api(
    {
        "AllowOrigins": ["https://app.example.com", "https://*.test.dev"],
        "AllowMethods": ["get", "POST"],
        "AllowHeaders": ["content-type", "authorization"],
        "ExposeHeaders": ["x-total"],
        "MaxAge": 600,
        "AllowCredentials": True,
    }
)
PREFLIGHT = {"origin": "https://app.example.com", "access-control-request-method": "POST"}


def test_preflight_is_options_with_origin_and_method() -> None:
    assert is_preflight("OPTIONS", PREFLIGHT)
    assert not is_preflight("OPTIONS", {"origin": "x"})
    assert not is_preflight("GET", PREFLIGHT)


def test_preflight_answer_from_configuration() -> None:
    assert CONFIG is not None
    assert dict(preflight(CONFIG, PREFLIGHT)) == {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "content-type,authorization",
        "access-control-max-age": "600",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-total",
    }


def test_wildcard_origins_and_refused_origins() -> None:
    assert CONFIG is not None
    assert CONFIG.allowed_origin("https://a.test.dev") == "https://a.test.dev"
    assert preflight(CONFIG, {**PREFLIGHT, "origin": "https://evil.example"}) == []
    star = CorsConfig.from_api({"allowOrigins": ["*"]})
    assert star is not None and star.allowed_origin("https://x") == "*"


def test_apply_replaces_the_integrations_cors_headers() -> None:
    assert CONFIG is not None
    answer = [("Content-Type", "text/plain"), ("Access-Control-Allow-Origin", "*")]
    headers = apply(CONFIG, {"origin": "https://app.example.com"}, answer)
    assert ("Access-Control-Allow-Origin", "*") not in headers
    assert ("access-control-allow-origin", "https://app.example.com") in headers
    assert ("access-control-expose-headers", "x-total") in headers
    assert apply(CONFIG, {}, answer) == [("Content-Type", "text/plain")]


def test_no_configuration_is_none() -> None:
    assert CorsConfig.from_api(None) is None and CorsConfig.from_api({}) is None
