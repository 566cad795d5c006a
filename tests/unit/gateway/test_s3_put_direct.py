"""S3 PutObject's direct path: which requests it takes, which it leaves to moto, and how the
gateway names them (the comparison with moto's path, call for call, is
tests/integration/emulator/test_s3_fastpath.py)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.test import EnvironBuilder

from localcloud.emulator import s3_fastpath, wire
from localcloud.engine.callframe import Call
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.routes import ROUTES, DirectRest

ENDPOINT = "http://127.0.0.1:4566"
SIGNED = {
    "host": "127.0.0.1:4566",
    "authorization": "AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=0",
}


def s3_request(method: str, path: str, headers: dict[str, str], query: str = "") -> AwsRequest:
    return AwsRequest.parse(
        method=method,
        path=path,
        query=query,
        headers=headers,
        body=b"x",
        default_region="us-east-1",
    )


def test_a_path_style_object_put_is_named_put_object() -> None:
    assert s3_request("PUT", "/bucket/a b/k.txt", SIGNED).operation == "PutObject"
    assert s3_request("PUT", "/bucket/k", SIGNED).route_key in ROUTES
    # a bucket's own PUT (CreateBucket, its subresources) is not an object's
    assert s3_request("PUT", "/bucket", SIGNED).operation == "PUT /bucket"
    assert s3_request("PUT", "/bucket/", SIGNED).operation == "PUT /bucket/"
    assert s3_request("GET", "/bucket/k", SIGNED).operation == "GET /bucket/k"


def test_an_underscored_metadata_header_keeps_its_name_through_both_doors() -> None:
    """A WSGI environ cannot hold such a header; the server hands it on (wire.complete) under
    its name, as the pipe door has it, so the direct path sees it and leaves the request to
    moto."""
    environ = EnvironBuilder(
        method="PUT", base_url=ENDPOINT, path="/bucket/k", headers=list(SIGNED.items()), data=b"x"
    ).get_environ()
    wire.complete(environ, "/bucket/k", [("x-amz-meta-My_Key", "v")])
    http = AwsRequest.from_environ(environ, "us-east-1")
    call = Call("PUT", f"{ENDPOINT}/bucket/k", [*SIGNED.items(), ("x-amz-meta-My_Key", "v")], b"x")
    pipe = AwsRequest.from_call(call, "us-east-1")
    assert http.headers["x-amz-meta-my_key"] == pipe.headers["x-amz-meta-my_key"] == "v"
    assert "x-amz-meta-my-key" not in http.headers


@pytest.mark.parametrize(
    "headers",
    [
        {"x-amz-acl": "public-read"},
        {"x-amz-grant-read": 'id="x"'},
        {"x-amz-tagging": "a=b"},
        {"x-amz-copy-source": "/other/k"},
        {"x-amz-server-side-encryption": "aws:kms"},
        {"x-amz-server-side-encryption-customer-algorithm": "AES256"},
        {"x-amz-object-lock-mode": "GOVERNANCE"},
        {"x-amz-website-redirect-location": "/elsewhere"},
        {"if-none-match": "*"},
        {"if-match": '"abc"'},
        {"origin": "http://localhost:3000"},
        {"range": "bytes=0-1"},
        {"x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
        {"content-encoding": "aws-chunked"},
        {"x-amz-decoded-content-length": "1"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"x-amz-meta-my_key": "v"},
        {"x-moto-account-id": "111111111111"},
        {"x-amz-sdk-checksum-algorithm": "CRC32"},  # the value would be in the body
        {"authorization": ""},
        {"host": "bucket.s3.amazonaws.com"},  # virtual-host style: moto reads the host
    ],
    ids=lambda headers: next(iter(headers)),
)
def test_what_is_not_a_plain_put_is_left_to_moto(headers: dict[str, str]) -> None:
    all_headers = {**SIGNED, **headers}
    if not all_headers["authorization"]:
        del all_headers["authorization"]
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="bucket")
        assert s3_fastpath.put_object("/bucket/k", all_headers, b"x", "us-east-1") is None
        assert "Contents" not in boto3.client("s3", "us-east-1").list_objects_v2(Bucket="bucket")


def test_a_missing_bucket_is_left_to_moto() -> None:
    with mock_aws():
        assert s3_fastpath.put_object("/nowhere/k", SIGNED, b"x", "us-east-1") is None


def test_a_path_that_is_not_as_wsgi_holds_it_is_left_to_moto() -> None:
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="bucket")
        assert s3_fastpath.put_object("/bucket/€", SIGNED, b"x", "us-east-1") is None


def test_a_request_with_a_query_never_reaches_the_direct_path() -> None:
    called: list[Any] = []

    def path(*arguments: Any) -> Any:
        called.append(arguments)
        return 200, ()

    route = DirectRest(path)
    assert route.answer(s3_request("PUT", "/bucket/k", SIGNED, query="acl")) is None
    assert called == []
    assert route.answer(s3_request("PUT", "/bucket/k", SIGNED)) is not None


def test_a_plain_put_is_stored_and_answered_as_moto_answers_it() -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        headers = {**SIGNED, "content-type": "text/plain", "x-amz-meta-Colour": "blue"}
        path = "/bucket/dir/ü k".encode().decode("latin-1")  # as WSGI holds it
        answer = s3_fastpath.put_object(path, headers, b"hello", "us-east-1")
        assert answer is not None
        status, answered = answer
        names = [name for name, _ in answered]
        assert status == 200
        assert names[:2] == ["ETag", "last-modified"]
        assert names[-3:] == ["x-amzn-requestid", "Content-Type", "Content-Length"]
        stored = s3.get_object(Bucket="bucket", Key="dir/ü k")
        assert stored["Body"].read() == b"hello"
        assert stored["ContentType"] == "text/plain"
        assert stored["Metadata"] == {"colour": "blue"}
        assert stored["ETag"] == dict(answered)["ETag"]
