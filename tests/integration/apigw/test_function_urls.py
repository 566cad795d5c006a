"""Function URLs over real HTTP: SAM's FunctionUrlConfig deploys, requests reach the function in
LocalStack's URL forms with an event Powertools parses, AWS_IAM refuses unsigned requests, the
URL's Cors answers preflights, and a redeploy changes nothing."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from apigw_support import call
from aws_lambda_powertools.utilities.parser.models import LambdaFunctionUrlModel

from localcloud.deploy import deploy
from localcloud.deploy import destroy as destroy_stack
from localcloud.deploy.errors import UnsupportedPropertyError

PROJECT = Path(__file__).parent / "function_url_project"
STACK = "furl-it"


@pytest.fixture(scope="module")
def urls(localcloud: Any) -> dict[str, Any]:
    report = deploy(PROJECT / "template.yaml", localcloud.endpoint_url, stack=STACK)
    return {"outputs": dict(report.outputs), "local": dict(report.local_urls), "report": report}


def _url_id(aws_url: str) -> str:
    return urlsplit(aws_url).hostname.split(".", 1)[0]  # type: ignore[union-attr]


def test_outputs_are_aws_urls_with_local_ones_beside_them(urls: dict[str, Any]) -> None:
    aws = urls["outputs"]["OpenUrl"]
    assert aws.startswith("https://") and aws.endswith(".on.aws/")
    assert ".lambda-url." in aws
    assert urls["local"]["OpenUrl"].endswith(f"/_aws/lambda-url/{_url_id(aws)}/")
    assert "local: " in urls["report"].summary()


def test_a_get_reaches_the_function_with_a_url_event(urls: dict[str, Any]) -> None:
    reply = call("GET", urls["local"]["OpenUrl"] + "items/7?size=2&size=3", headers={"X-A": "b"})
    assert reply.status == 200, reply.body
    assert reply.header("X-Echo") == "yes"
    assert reply.header("Set-Cookie") == "a=1"
    event = reply.json()["event"]
    parsed = LambdaFunctionUrlModel(**event)
    assert parsed.rawPath == "/items/7"
    assert parsed.queryStringParameters == {"size": "2,3"}
    assert parsed.requestContext.http.method == "GET"
    assert event["routeKey"] == "$default"
    assert event["requestContext"]["stage"] == "$default"
    assert event["requestContext"]["domainPrefix"] == _url_id(urls["outputs"]["OpenUrl"])
    assert "authorizer" not in event["requestContext"]
    assert event["headers"]["x-a"] == "b"


def test_a_post_through_the_host_form(urls: dict[str, Any], localcloud: Any) -> None:
    url_id = _url_id(urls["outputs"]["OpenUrl"])
    port = urlsplit(localcloud.endpoint_url).port
    body = json.dumps({"n": 1}).encode()
    reply = call(
        "POST",
        f"{localcloud.endpoint_url}/orders",
        body=body,
        headers={
            "Host": f"{url_id}.lambda-url.us-east-1.localhost.localstack.cloud:{port}",
            "Content-Type": "application/json",
        },
    )
    assert reply.status == 201, reply.body
    parsed = LambdaFunctionUrlModel(**reply.json()["event"])
    assert parsed.rawPath == "/orders"
    assert json.loads(parsed.body or "") == {"n": 1}
    assert parsed.isBase64Encoded is False


def test_a_failing_function_is_a_502(urls: dict[str, Any]) -> None:
    reply = call("GET", urls["local"]["OpenUrl"] + "fail")
    assert reply.status == 502
    assert reply.json() == {"Message": "Internal Server Error"}


def test_an_unknown_url_is_forbidden(localcloud: Any) -> None:
    reply = call("GET", f"{localcloud.endpoint_url}/_aws/lambda-url/nosuchurl0000/")
    assert reply.status == 403
    assert reply.json() == {"Message": "Forbidden"}


def test_aws_iam_refuses_unsigned_and_takes_signed(urls: dict[str, Any]) -> None:
    url = urls["local"]["PrivateUrl"]
    refused = call("GET", url)
    assert refused.status == 403
    assert refused.json() == {"Message": "Forbidden"}
    signed = call(
        "GET",
        url,
        headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/"
            "aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
        },
    )
    assert signed.status == 200, signed.body
    context = LambdaFunctionUrlModel(**signed.json()["event"]).requestContext
    assert context.authorizer is not None
    assert context.authorizer.iam.accessKey == "AKIDEXAMPLE"  # type: ignore[union-attr]


def test_cors_preflight_and_simple_request(urls: dict[str, Any]) -> None:
    url = urls["local"]["OpenUrl"] + "x"
    reply = call(
        "OPTIONS",
        url,
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert reply.status == 200
    assert reply.header("access-control-allow-origin") == "https://app.example"
    assert reply.header("access-control-max-age") == "300"
    allowed = call("GET", url, headers={"Origin": "https://app.example"})
    assert allowed.status == 200
    assert allowed.header("access-control-allow-origin") == "https://app.example"
    # An origin the URL does not allow is a page the cloud refuses.
    refused = call("GET", url, headers={"Origin": "https://evil.example"})
    assert refused.status == 403
    assert refused.header("access-control-allow-origin") is None


def test_a_request_is_the_root_of_its_trace(urls: dict[str, Any], localcloud: Any) -> None:
    reply = call("GET", urls["local"]["OpenUrl"] + "traced")
    request_id = reply.header("x-amzn-RequestId")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        document = call("GET", f"{localcloud.endpoint_url}/_localcloud/traces?last=50").json()
        for hops in document["traces"]:
            roots = [h for h in hops if h["kind"] == "request"]
            if roots and roots[0]["detail"].get("request_id") == request_id:
                invokes = [h for h in hops if h["kind"] == "invoke"]
                if invokes:
                    assert roots[0]["resource"] == "GET /traced 200"
                    assert invokes[0]["parent"] == roots[0]["id"]
                    return
        time.sleep(0.1)
    raise AssertionError("no trace for the request")


def test_a_redeploy_changes_nothing(urls: dict[str, Any], localcloud: Any) -> None:
    again = deploy(PROJECT / "template.yaml", localcloud.endpoint_url, stack=STACK)
    assert not again.changed
    assert again.outputs == urls["outputs"]


def test_response_stream_is_refused(localcloud: Any, tmp_path: Path) -> None:
    shutil.copytree(PROJECT, tmp_path / "p")
    template = tmp_path / "p" / "template.yaml"
    text = template.read_text().replace("InvokeMode: BUFFERED", "InvokeMode: RESPONSE_STREAM")
    template.write_text(text)
    with pytest.raises(UnsupportedPropertyError, match="RESPONSE_STREAM: responses are not") as e:
        deploy(template, localcloud.endpoint_url, stack="furl-stream")
    assert "nothing was applied" in str(e.value)
    names = [f["FunctionName"] for f in localcloud.client("lambda").list_functions()["Functions"]]
    assert not any(name.startswith("furl-stream-") for name in names)


def test_a_cors_change_updates_in_place_and_destroy_removes_the_url(
    localcloud: Any, tmp_path: Path
) -> None:
    shutil.copytree(PROJECT, tmp_path / "p")
    template = tmp_path / "p" / "template.yaml"
    first = deploy(template, localcloud.endpoint_url, stack="furl-change")
    url = first.local_urls["OpenUrl"]
    preflight = {"Origin": "https://other.example", "Access-Control-Request-Method": "GET"}
    assert call("OPTIONS", url, headers=preflight).status == 403  # a page the cloud refuses
    template.write_text(
        template.read_text().replace('["https://app.example"]', '["https://other.example"]')
    )
    second = deploy(template, localcloud.endpoint_url, stack="furl-change")
    assert second.updated == ["OpenUrl"]
    assert second.outputs["OpenUrl"] == first.outputs["OpenUrl"]
    allowed = call("OPTIONS", url, headers=preflight)
    assert allowed.status == 200
    assert allowed.header("access-control-allow-origin") == "https://other.example"
    destroy_stack(localcloud.endpoint_url, "furl-change")
    assert call("GET", url).status == 403
