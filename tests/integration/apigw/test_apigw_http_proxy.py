"""HTTP_PROXY integrations to a server on this machine, over real HTTP: the request passed on as
it came (method, path variables, query, headers, body), the backend's answer passed back (status,
headers, cookies, body); a backend that is down is AWS's integration failure; any URL off this
machine is refused at deploy, naming the resource and what to do."""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from apigw_support import call

from localcloud.deploy import deploy
from localcloud.deploy.errors import DeployError

pytestmark = pytest.mark.integration

TEMPLATE = Path(__file__).parent / "http_proxy" / "template.yaml"


class Echo(BaseHTTPRequestHandler):
    """Answers with what it received, a status the path may ask for, and two cookies."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        document = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode(),
        }
        data = json.dumps(document).encode()
        self.send_response(418 if "teapot" in self.path else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "a=1")
        self.send_header("Set-Cookie", "b=2")
        self.send_header("X-Backend", "echo")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def backend() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def urls(localcloud: Any, backend: str) -> dict[str, str]:
    report = deploy(
        TEMPLATE,
        localcloud.endpoint_url,
        stack="apigw-http-proxy",
        parameters={"BackendUrl": backend},
    )
    return dict(report.local_urls)


def test_rest_greedy_proxy_passes_the_request_and_the_answer_through(
    urls: dict[str, str], localcloud: Any
) -> None:
    reply = call(
        "POST",
        urls["RestUrl"] + "orders/7/lines?x=1&x=2",
        body=b'{"qty": 3}',
        headers={"Content-Type": "application/json", "X-Client": "c1"},
    )
    assert reply.status == 200, reply.body
    seen = reply.json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/rest/orders/7/lines?x=1&x=2"
    assert seen["body"] == '{"qty": 3}'
    assert seen["headers"]["x-client"] == "c1"
    assert seen["headers"]["host"].startswith("127.0.0.1:")
    assert seen["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert seen["headers"]["x-amzn-trace-id"].startswith("Root=1-")
    assert reply.all("Set-Cookie") == ["a=1", "b=2"]
    assert reply.header("X-Backend") == "echo"
    assert reply.header("x-amzn-RequestId")
    # the request's trace holds the forwarded request under it
    root = seen["headers"]["x-amzn-trace-id"].removeprefix("Root=")
    hops = localcloud.traces.get(root) or []
    kinds = {(h.kind, h.service) for h in hops}
    assert ("request", "apigateway") in kinds and ("deliver", "http") in kinds


def test_http_api_route_proxies_with_the_backends_own_status(urls: dict[str, str]) -> None:
    reply = call("DELETE", urls["HttpUrl"] + "pots/teapot")
    assert reply.status == 418
    seen = reply.json()
    assert (seen["method"], seen["path"]) == ("DELETE", "/http/pots/teapot")
    assert reply.header("apigw-requestid")


def test_an_openapi_http_proxy_from_sam(urls: dict[str, str]) -> None:
    reply = call("GET", urls["OpenApiUrl"] + "status?deep=1")
    assert reply.status == 200, reply.body
    assert reply.json()["path"] == "/openapi/status?deep=1"


def test_a_backend_that_is_down_is_an_integration_failure(localcloud: Any, tmp_path: Path) -> None:
    # a port nothing listens on: bind one, note it, close it
    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    down = f"http://127.0.0.1:{server.server_address[1]}"
    server.server_close()
    report = deploy(
        TEMPLATE,
        localcloud.endpoint_url,
        stack="apigw-http-proxy-down",
        parameters={"BackendUrl": down},
    )
    rest = call("GET", report.local_urls["RestUrl"] + "x")
    assert (rest.status, rest.json()) == (502, {"message": "Internal server error"})
    http = call("GET", report.local_urls["HttpUrl"] + "x")
    assert (http.status, http.json()) == (500, {"message": "Internal Server Error"})
    assert call("GET", report.local_urls["HttpUrl"] + "x").status == 500  # still serving


def test_a_url_off_this_machine_is_refused_at_deploy(localcloud: Any, tmp_path: Path) -> None:
    with pytest.raises(DeployError) as refused:
        deploy(
            TEMPLATE,
            localcloud.endpoint_url,
            stack="apigw-http-proxy-remote",
            parameters={"BackendUrl": "https://api.example.com"},
        )
    message = str(refused.value)
    assert "https://api.example.com/" in message
    assert "on this machine only" in message
    template = tmp_path / "template.yaml"
    template.write_text(
        textwrap.dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
                Properties:
                  DefinitionBody:
                    openapi: "3.0.1"
                    info: {title: remote, version: "1"}
                    paths:
                      /x:
                        get:
                          x-amazon-apigateway-integration:
                            type: http_proxy
                            httpMethod: GET
                            uri: https://api.example.com/x
                            payloadFormatVersion: "1.0"
            """
        )
    )
    with pytest.raises(DeployError) as listed:
        deploy(template, localcloud.endpoint_url, stack="apigw-http-proxy-remote-body")
    assert "uri='https://api.example.com/x'" in str(listed.value)
    assert "nothing was applied" in str(listed.value)
