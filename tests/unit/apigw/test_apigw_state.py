"""APIs are part of the saved state: a save and a load after a reset bring them back whole."""

from __future__ import annotations

from pathlib import Path

import boto3
from moto import mock_aws

from localcloud.emulator import backends, state

URI = "arn:aws:lambda:us-east-1:123456789012:function:f"


def test_rest_and_http_apis_survive_a_save_reset_and_load(tmp_path: Path) -> None:
    with mock_aws():
        http = boto3.client("apigatewayv2", region_name="us-east-1")
        http_id = http.create_api(Name="kept", ProtocolType="HTTP")["ApiId"]
        integration = http.create_integration(
            ApiId=http_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=URI,
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        http.create_route(ApiId=http_id, RouteKey="GET /a", Target=f"integrations/{integration}")
        http.create_stage(ApiId=http_id, StageName="$default")
        rest_id = boto3.client("apigateway", region_name="us-east-1").create_rest_api(name="kept")[
            "id"
        ]

        state.save(tmp_path)
        backends.reset()
        assert backends.api(http_id, "us-east-1") is None
        assert state.load(tmp_path)

        view = backends.api(http_id, "us-east-1")
        assert view is not None and [r.key for r in view.routes] == ["GET /a"]
        assert view.has_default_stage
        rest = backends.api(rest_id, "us-east-1")
        assert rest is not None and rest.protocol == "REST"
