"""No web page can drive the cloud: foreign Hosts and Origins are refused, CORS only for allowed
origins, moto's own allow-everything CORS is off, and a non-loopback bind is warned about."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest
from server_support import Cloud

pytestmark = pytest.mark.integration


def request(
    cloud: Cloud, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", cloud.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def sqs_form(action: str, **fields: str) -> bytes:
    from urllib.parse import urlencode

    return urlencode({"Action": action, "Version": "2012-11-05", **fields}).encode()


SIGNED_SQS = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host, Signature=0",
    "Content-Type": "application/x-www-form-urlencoded",
}


def test_a_cross_origin_preflight_is_refused_without_cors_headers(cloud: Cloud) -> None:
    status, headers, _ = request(
        cloud,
        "OPTIONS",
        "/",
        {
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, x-amz-target",
        },
    )
    assert status == 403
    assert "access-control-allow-origin" not in headers


def test_the_clouds_own_origin_passes_the_preflight(cloud: Cloud) -> None:
    origin = f"http://127.0.0.1:{cloud.port}"
    status, headers, _ = request(
        cloud,
        "OPTIONS",
        "/",
        {"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["access-control-allow-origin"] == origin


def test_a_form_post_from_a_foreign_page_changes_nothing(cloud: Cloud) -> None:
    sqs: Any = cloud.client("sqs")
    body = sqs_form("CreateQueue", QueueName="planted-by-a-page")
    status, _, answer = request(
        cloud, "POST", "/", {**SIGNED_SQS, "Origin": "https://evil.example"}, body
    )
    assert status == 403, answer
    assert "LOCALCLOUD_CORS_ORIGINS" in json.loads(answer)["message"]
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="planted")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:4566", "rebind.attacker.test"])
def test_a_foreign_host_header_is_refused(cloud: Cloud, host: str) -> None:
    status, _, answer = request(cloud, "GET", "/_localcloud/health", {"Host": host})
    assert status == 403
    assert "LOCALCLOUD_ALLOWED_HOSTS" in json.loads(answer)["message"]


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:4566",
        "127.0.0.1:4566",
        "[::1]:4566",
        "bucket.localhost",
        "10.0.0.7:4566",
    ],
)
def test_loopback_names_localstacks_names_and_addresses_are_served(cloud: Cloud, host: str) -> None:
    status, _, _ = request(cloud, "GET", "/_localcloud/health", {"Host": host})
    assert status == 200


def test_an_execute_api_host_is_admitted_and_served_by_the_api_door(cloud: Cloud) -> None:
    """LocalStack's API host form resolves to loopback: admitted, and every path under it is the
    API's (an API that does not exist answers API Gateway's 404, not the Host check's 403)."""
    host = "abc123.execute-api.localhost.localstack.cloud:4566"
    status, _, answer = request(cloud, "GET", "/_localcloud/health", {"Host": host})
    assert status == 404
    assert "LOCALCLOUD_ALLOWED_HOSTS" not in answer.decode()


def test_sdk_requests_without_an_origin_are_served_without_cors_headers(cloud: Cloud) -> None:
    status, headers, _ = request(cloud, "POST", "/", SIGNED_SQS, sqs_form("ListQueues"))
    assert status == 200
    assert "access-control-allow-origin" not in headers


def test_listed_origins_and_hosts_are_allowed(start_cloud: Any) -> None:
    cloud = start_cloud(
        LOCALCLOUD_CORS_ORIGINS="http://localhost:3000", LOCALCLOUD_ALLOWED_HOSTS="devbox.test"
    )
    status, headers, _ = request(
        cloud,
        "POST",
        "/",
        {**SIGNED_SQS, "Origin": "http://localhost:3000"},
        sqs_form("ListQueues"),
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "http://localhost:3000"
    assert request(cloud, "GET", "/_localcloud/health", {"Host": "devbox.test"})[0] == 200


def test_serving_beyond_loopback_warns_what_becomes_reachable(start_cloud: Any) -> None:
    cloud = start_cloud("--host", "0.0.0.0")
    stderr = cloud.stop()
    assert "not a loopback address" in stderr
    assert "create and invoke functions" in stderr
