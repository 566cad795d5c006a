"""AwsRequest: one request parses to the same object through the HTTP door and the call pipe.

The WSGI environ is built with werkzeug's EnvironBuilder, as a WSGI server builds it from the
bytes on the wire; the pipe call is what a worker hands over for the same request.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from werkzeug.test import EnvironBuilder

from localcloud.engine.callframe import Call
from localcloud.gateway.request import AwsRequest
from localcloud.trace import TraceContext

ENDPOINT = "http://127.0.0.1:4566"
DEFAULT_REGION = "us-east-1"
TRACE = "Root=1-67890abc-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"


def authorization(region: str, service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential=test/20260101/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0"
    )


def both_doors(
    method: str, path: str, headers: dict[str, str], body: bytes = b"", query: str = ""
) -> tuple[AwsRequest, AwsRequest]:
    """The request as each door parses it: (from a WSGI environ, from a pipe call)."""
    wire = {"Host": "127.0.0.1:4566", **headers}
    if body:
        wire["Content-Length"] = str(len(body))
    environ = EnvironBuilder(
        method=method,
        base_url=ENDPOINT,
        path=path,
        query_string=query,
        headers=list(wire.items()),
        data=body,
    ).get_environ()
    call = Call(
        method, f"{ENDPOINT}{path}" + (f"?{query}" if query else ""), list(wire.items()), body
    )
    return (
        AwsRequest.from_environ(environ, DEFAULT_REGION),
        AwsRequest.from_call(call, DEFAULT_REGION),
    )


def test_json_protocol_request_is_the_same_through_both_doors() -> None:
    body = json.dumps({"QueueUrl": f"{ENDPOINT}/000000000000/orders", "MessageBody": "hi"})
    http, pipe = both_doors(
        "POST",
        "/",
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AmazonSQS.SendMessage",
            "Authorization": authorization("eu-west-1", "sqs"),
            "X-Amzn-Trace-Id": TRACE,
        },
        body.encode(),
    )
    assert http == pipe
    assert (http.service, http.region, http.operation) == ("sqs", "eu-west-1", "SendMessage")
    assert http.target == "AmazonSQS.SendMessage"
    assert http.route_key == ("sqs", "SendMessage")
    assert http.body == body.encode()
    assert http.form is None
    assert http.trace_context == TraceContext(
        "1-67890abc-0123456789abcdef01234567", "53995c3f42cd8ad8"
    )


def test_query_protocol_request_carries_its_parsed_form() -> None:
    topic = "arn:aws:sns:us-east-1:000000000000:signups"
    form = urlencode({"Action": "Publish", "TopicArn": topic, "Message": "héllo"}).encode()
    http, pipe = both_doors(
        "POST",
        "/",
        {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Authorization": authorization("us-east-1", "sns"),
        },
        form,
    )
    assert http == pipe
    assert http.operation == "Publish"
    assert http.target == ""
    assert http.form == {"Action": ["Publish"], "TopicArn": [topic], "Message": ["héllo"]}


def test_rest_lambda_invoke_is_named_and_names_its_function() -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:greeter"
    http, pipe = both_doors(
        "POST",
        f"/2015-03-31/functions/{quote(arn, safe='')}/invocations",
        {
            "Authorization": authorization("us-east-1", "lambda"),
            "X-Amz-Invocation-Type": "Event",
        },
        b'{"name": "ada"}',
    )
    assert http == pipe
    assert http.route_key == ("lambda", "Invoke")
    assert http.path_params == {"function": arn}
    assert http.headers["x-amz-invocation-type"] == "Event"


def test_other_rest_requests_are_named_by_method_and_path() -> None:
    http, pipe = both_doors(
        "GET",
        "/2015-03-31/functions/greeter",
        {"Authorization": authorization("us-east-1", "lambda")},
        query="Qualifier=%24LATEST",
    )
    assert http == pipe
    assert http.operation == "GET /2015-03-31/functions/greeter"
    assert http.query == "Qualifier=%24LATEST"
    assert http.path_params == {}


def test_unsigned_request_has_no_service_and_the_default_region() -> None:
    http, pipe = both_doors("GET", "/_localcloud/traces", {}, query="last=5")
    assert http == pipe
    assert (http.service, http.region) == ("", DEFAULT_REGION)
    assert http.trace_context is None


def test_trace_header_without_parent_starts_from_its_root() -> None:
    http, pipe = both_doors(
        "POST",
        "/",
        {
            "X-Amz-Target": "AWSEvents.PutEvents",
            "Authorization": authorization("us-east-1", "events"),
            "X-Amzn-Trace-Id": "Root=1-abc;Sampled=1",
        },
        b"{}",
    )
    assert http == pipe
    assert http.trace_context == TraceContext("1-abc", None)


def test_the_protocol_is_read_off_the_request() -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    json_call, _ = both_doors(
        "POST", "/", {"Authorization": authorization("us-east-1", "sqs"), "X-Amz-Target": "A.B"}
    )
    query, _ = both_doors(
        "POST", "/", {"Authorization": authorization("us-east-1", "sns"), **form}, b"Action=X"
    )
    rest_json, _ = both_doors(
        "GET", "/2015-03-31/functions", {"Authorization": authorization("us-east-1", "lambda")}
    )
    rest_xml, _ = both_doors("GET", "/bucket", {"Authorization": authorization("us-east-1", "s3")})
    upload, _ = both_doors("POST", "/bucket", form, b"key=k")
    assert [r.protocol for r in (json_call, query, rest_json, rest_xml, upload)] == [
        "json",
        "query",
        "rest-json",
        "rest-xml",
        "rest-xml",  # a form to S3 without an Action is a browser's upload
    ]


def test_moto_is_handed_an_empty_object_for_a_lambda_call_without_a_body() -> None:
    headers = {"Authorization": authorization("us-east-1", "lambda")}
    empty, _ = both_doors("PUT", "/2015-03-31/functions/f/configuration", headers)
    given, _ = both_doors(
        "PUT", "/2015-03-31/functions/f/configuration", headers, b'{"Timeout": 3}'
    )
    assert (empty.body, empty.moto_body) == (b"", b"{}")
    assert given.moto_body == b'{"Timeout": 3}'
