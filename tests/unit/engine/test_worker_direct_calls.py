"""The worker's side of the call pipes (worker.DirectCalls), in-process: botocore's requests for the
local cloud's URL cross real pipes to a stand-in executor thread; the plain SigV4 signer writes
its header for them with the signature left out, and signs everything else as ever (S3's signer,
presigned URLs, other URLs). botocore is hooked for each test and restored after it."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore import auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import EndpointConnectionError
from botocore.httpsession import URLLib3Session

from localcloud.engine import callframe
from localcloud.engine.callframe import Answer, Call
from localcloud.engine.executor import Worker
from localcloud.engine.worker import UNSIGNED_SIGNATURE, DirectCalls, _Body
from localcloud.gateway.request import AwsRequest

ENDPOINT = "http://127.0.0.1:4566"
ELSEWHERE = "http://localhost:4566"  # the same server by another name: not the pipe's URL
REGION = "eu-west-1"
NOW = datetime.datetime(2026, 1, 2, 3, 4, 5)
CREDENTIALS = {
    "aws_access_key_id": "AKIDPIPE",
    "aws_secret_access_key": "secret",
    "aws_session_token": "token",
}
SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<credential>\S+), "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)
Responder = Callable[[Call], Answer]


class StandIn:
    """The executor's end of a worker's call pipes: records each call, answers as told."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.calls: list[Call] = []
        self.gone = False
        call_read, call_write = os.pipe()
        answer_read, answer_write = os.pipe()
        self.direct = DirectCalls(ENDPOINT, answer_read, call_write)
        self._calls = os.fdopen(call_read, "rb")
        self._answers = answer_write
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while (call := callframe.read_call(self._calls)) is not None:
                if self.gone:  # the local cloud dies in the middle of the call
                    break
                self.calls.append(call)
                callframe.write(self._answers, callframe.answer_frame(self.responder(call)))
        finally:
            os.close(self._answers)
            self._calls.close()

    def go_away(self) -> None:
        """The local cloud is gone: both of its ends close at the next call."""
        self.gone = True

    def close(self) -> None:
        os.close(self.direct._calls)  # the stand-in reads the end of the pipe and stops
        self._thread.join(5)
        self.direct._answers.close()


def json_ok(call: Call) -> Answer:
    return Answer(200, [("Content-Type", "application/x-amz-json-1.0")], b"{}")


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandIn]:
    """A worker's DirectCalls on pipes, not yet hooked; time stands still at NOW."""
    # hook() replaces these on botocore's classes: put back after the test.
    monkeypatch.setattr(URLLib3Session, "send", URLLib3Session.send)
    monkeypatch.setattr(auth.SigV4Auth, "add_auth", auth.SigV4Auth.add_auth)
    monkeypatch.setattr(auth, "get_current_datetime", lambda: NOW)
    stand_in = StandIn(json_ok)
    yield stand_in
    stand_in.close()


def client(service: str, endpoint: str = ENDPOINT) -> Any:
    # S3 presigns with SigV2 unless told (its Expires from the clock, not from NOW).
    config = Config(retries={"total_max_attempts": 1}, signature_version="s3v4")
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        config=config if service == "s3" else Config(retries={"total_max_attempts": 1}),
        **CREDENTIALS,
    )


def captured(service: str, endpoint: str) -> tuple[Any, list[Any]]:
    """A client whose requests are answered before they are sent (signed, not sent)."""
    sent: list[Any] = []
    made = client(service, endpoint)

    def answer(request: Any, **kwargs: Any) -> AWSResponse:
        sent.append(request)
        return AWSResponse(request.url, 200, {}, _Body(b"{}"))

    made.meta.events.register("before-send", answer)
    return made, sent


def fields(authorization: str | bytes) -> dict[str, str]:
    if isinstance(authorization, bytes):
        authorization = authorization.decode()
    match = SIGV4.match(authorization)
    assert match, authorization
    return match.groupdict()


def signed_for_real(request: Any, signer: type[auth.SigV4Auth], service: str) -> str:
    """The Authorization header botocore's own signer computes for the request, at NOW, from the
    headers it signed (a prepared request has more: botocore adds some after signing)."""
    signed = fields(request.headers["Authorization"])["signed"].split(";")
    headers = {
        k: v.decode() if isinstance(v, bytes) else v
        for k, v in request.headers.items()
        if k.lower() in signed
    }
    again = AWSRequest(request.method, request.url, headers, request.body)
    original = auth.SigV4Auth.add_auth
    frozen = Credentials(*CREDENTIALS.values())
    original(signer(frozen, service, REGION), again)
    return str(again.headers["Authorization"])


def test_a_call_over_the_pipe_carries_sigv4s_header_with_the_signature_left_out(
    stand_in: StandIn,
) -> None:
    stand_in.direct.hook()
    other, sent = captured("dynamodb", ELSEWHERE)

    client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "1"}})
    other.put_item(TableName="t", Item={"pk": {"S": "1"}})

    [call] = stand_in.calls
    headers = dict(call.headers)
    piped = fields(headers["Authorization"])
    real = fields(sent[0].headers["Authorization"])
    assert piped["signature"] == UNSIGNED_SIGNATURE
    assert (
        piped["credential"]
        == real["credential"]
        == "AKIDPIPE/20260102/eu-west-1/dynamodb/aws4_request"
    )
    assert piped["signed"] == real["signed"]
    assert {"host", "x-amz-date", "x-amz-security-token", "x-amz-target"} <= set(
        piped["signed"].split(";")
    )
    assert headers["X-Amz-Date"] == "20260102T030405Z"
    assert headers["X-Amz-Security-Token"] == "token"
    request = AwsRequest.from_call(call, "us-east-1")
    assert (request.service, request.region, request.operation) == (
        "dynamodb",
        REGION,
        "PutItem",
    )


def test_a_call_to_another_url_is_signed_for_real(stand_in: StandIn) -> None:
    stand_in.direct.hook()
    other, sent = captured("dynamodb", ELSEWHERE)

    other.put_item(TableName="t", Item={"pk": {"S": "1"}})

    [request] = sent
    header = request.headers["Authorization"]
    assert fields(header)["signature"] != UNSIGNED_SIGNATURE
    assert fields(header) == fields(signed_for_real(request, auth.SigV4Auth, "dynamodb"))
    assert stand_in.calls == []


def test_s3s_signer_signs_calls_over_the_pipe_as_ever(stand_in: StandIn) -> None:
    stand_in.direct.hook()
    request = AWSRequest("PUT", f"{ENDPOINT}/bucket/key", {"Content-Type": "a/b"}, b"\n\xff")
    request.context["payload_signing_enabled"] = True
    frozen = Credentials(*CREDENTIALS.values())

    auth.S3SigV4Auth(frozen, "s3", REGION).add_auth(request)

    header = str(request.headers["Authorization"])
    assert fields(header)["signature"] != UNSIGNED_SIGNATURE
    assert header == signed_for_real(request, auth.S3SigV4Auth, "s3")


def test_only_the_plain_signer_for_the_pipes_url_leaves_the_signature_out(
    stand_in: StandIn,
) -> None:
    stand_in.direct.hook()
    frozen = Credentials(*CREDENTIALS.values())
    piped = AWSRequest("POST", f"{ENDPOINT}/", {"X-Amz-Target": "SQS.ListQueues"}, b"{}")
    other = AWSRequest("POST", f"{ENDPOINT}0/", {"X-Amz-Target": "SQS.ListQueues"}, b"{}")

    auth.SigV4Auth(frozen, "sqs", REGION).add_auth(piped)
    auth.SigV4Auth(frozen, "sqs", REGION).add_auth(other)

    assert fields(piped.headers["Authorization"])["signature"] == UNSIGNED_SIGNATURE
    assert fields(other.headers["Authorization"])["signature"] != UNSIGNED_SIGNATURE


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("s3", "get_object", {"Bucket": "bucket", "Key": "a b/ü.bin"}),
        ("sqs", "list_queues", {}),
        ("dynamodb", "list_tables", {}),
    ],
)
def test_presigned_urls_are_the_same_with_the_pipe_hooked(
    stand_in: StandIn, service: str, operation: str, params: dict[str, str]
) -> None:
    before = client(service).generate_presigned_url(operation, Params=params, ExpiresIn=600)
    stand_in.direct.hook()

    after = client(service).generate_presigned_url(operation, Params=params, ExpiresIn=600)

    assert after == before
    signature = re.search(r"X-Amz-Signature=([0-9a-f]{64})", after)
    assert signature and signature[1] != UNSIGNED_SIGNATURE


def test_an_answer_body_reaches_botocore_byte_for_byte(stand_in: StandIn) -> None:
    data = b"line\n\xff\x00" * 1000
    stand_in.responder = lambda call: Answer(
        200, [("Content-Length", str(len(data))), ("ETag", '"e"')], data
    )
    stand_in.direct.hook()

    got = client("s3").get_object(Bucket="bucket", Key="key")

    assert got["Body"].read() == data
    assert got["ETag"] == '"e"'
    [call] = stand_in.calls
    assert (call.method, call.url) == ("GET", f"{ENDPOINT}/bucket/key")


def test_a_binary_request_body_crosses_whole(stand_in: StandIn) -> None:
    data = bytes(range(256)) * 4096 + b"\n\xff"
    stand_in.responder = lambda call: Answer(200, [("ETag", '"e"')], b"")
    stand_in.direct.hook()

    client("s3").put_object(Bucket="bucket", Key="key", Body=data)

    [call] = stand_in.calls
    assert call.method == "PUT" and call.body == data


def test_the_local_cloud_gone_is_an_endpoint_connection_error(stand_in: StandIn) -> None:
    stand_in.direct.hook()
    made = client("dynamodb")
    made.list_tables()
    stand_in.go_away()

    with pytest.raises(EndpointConnectionError):
        made.list_tables()


def raising(call: Call) -> Answer:
    raise RuntimeError("boom")


def answering_a_header_no_frame_holds(call: Call) -> Answer:
    return Answer(200, [("Content-Length", 2)], b"{}")  # type: ignore[list-item]


@pytest.mark.parametrize("handler", [raising, answering_a_header_no_frame_holds])
def test_a_gateway_failure_answers_an_aws_shaped_500(handler: Responder) -> None:
    stand_in = SimpleNamespace(call_handler=handler)

    frame = Worker._answer(stand_in, Call("GET", ENDPOINT, [], b""))  # type: ignore[arg-type]

    answer = callframe.read_answer(io.BytesIO(b"".join(frame)))
    assert answer is not None and answer.status == 500
    assert dict(answer.headers)["Content-Type"] == "application/json"
    assert json.loads(answer.body)["message"].startswith("local cloud error: ")
