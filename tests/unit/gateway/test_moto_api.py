"""moto's /moto-api/ admin paths behind their flag, and the request id on every answer the gateway
makes itself. Through ``Gateway.dispatch`` with small fakes: no server, no network."""

from __future__ import annotations

import json
from typing import Any

import pytest

from localcloud.gateway import Gateway, ServerInfo
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import REQUEST_ID, Response, json_response, with_request_id
from localcloud.gateway.routes import Direct, Intercepted
from localcloud.routing.errors import InvalidEventPatternError
from localcloud.trace import TraceStore

INFO = ServerInfo("us-east-1", "000000000000", "http://127.0.0.1:4566", 0.0)


class Unused:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} called")


def gateway(reset: Any = None) -> Gateway:
    return Gateway(Unused(), Unused(), TraceStore(), INFO, moto_api=reset)  # type: ignore[arg-type]


def plain(method: str, path: str, host: str = "127.0.0.1:4566") -> AwsRequest:
    """An unsigned request, as moto's test helpers send to /moto-api/."""
    return AwsRequest.parse(
        method=method, path=path, query="", headers={"host": host}, body=b"", default_region="x"
    )


def signed(service: str, target: str) -> AwsRequest:
    return AwsRequest.parse(
        method="POST",
        path="/",
        query="",
        headers={
            "authorization": (
                f"AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/{service}/aws4_request"
            ),
            "x-amz-target": target,
        },
        body=b"{}",
        default_region="us-east-1",
    )


def header(response: Response, name: str) -> str | None:
    return next((v for k, v in response.headers if k.lower() == name.lower()), None)


@pytest.mark.parametrize(
    ("method", "path", "host"),
    [
        ("POST", "/moto-api/reset", "127.0.0.1:4566"),
        ("GET", "/moto-api/data.json", "127.0.0.1:4566"),
        ("GET", "/moto-api", "127.0.0.1:4566"),
        ("GET", "/anything", "motoapi.amazonaws.com"),
    ],
)
def test_moto_api_paths_are_off_by_default_and_say_how_to_switch_them_on(
    method: str, path: str, host: str
) -> None:
    answer = gateway().dispatch(plain(method, path, host), lambda: "moto")

    assert isinstance(answer, Response)
    assert answer.status == 404
    message = json.loads(answer.body)["message"]
    assert "--moto-api" in message
    assert "LOCALCLOUD_MOTO_API=1" in message


def test_with_the_flag_a_reset_runs_the_local_clouds_reset_not_motos() -> None:
    resets: list[int] = []

    answer = gateway(lambda: resets.append(1)).dispatch(plain("POST", "/moto-api/reset"), str)

    assert isinstance(answer, Response)
    assert (answer.status, json.loads(answer.body)) == (200, {"status": "ok"})
    assert resets == [1]


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/moto-api/reset"), ("GET", "/moto-api/data.json")]
)
def test_with_the_flag_other_moto_api_requests_go_to_moto(method: str, path: str) -> None:
    resets: list[int] = []

    answer = gateway(lambda: resets.append(1)).dispatch(plain(method, path), lambda: "moto")

    assert answer == "moto"
    assert resets == []


def test_paths_that_only_start_alike_are_not_moto_api() -> None:
    answer = gateway().dispatch(plain("GET", "/moto-apis/reset"), lambda: "moto")

    assert answer == "moto"


def test_a_direct_path_answer_carries_a_fresh_request_id() -> None:
    cloud = gateway()
    cloud.routes[("sqs", "SendMessage")] = Direct(lambda body, region: b"{}")
    request = signed("sqs", "AmazonSQS.SendMessage")

    first = cloud.dispatch(request, lambda: "moto")
    second = cloud.dispatch(request, lambda: "moto")

    assert isinstance(first, Response) and isinstance(second, Response)
    ids = [header(first, REQUEST_ID), header(second, REQUEST_ID)]
    assert all(ids) and ids[0] != ids[1]


def test_an_intercepted_error_carries_a_request_id() -> None:
    def refuse(collaborators: Any, request: AwsRequest) -> Response:
        raise InvalidEventPatternError("Event pattern is not valid.")

    cloud = gateway()
    cloud.routes[("events", "PutEvents")] = Intercepted(refuse)

    answer = cloud.dispatch(signed("events", "AWSEvents.PutEvents"), lambda: "moto")

    assert isinstance(answer, Response)
    assert answer.status == 400
    assert header(answer, REQUEST_ID)


def test_a_request_id_already_set_is_kept() -> None:
    response = json_response({}, headers={"X-Amzn-RequestId": "kept"})

    assert with_request_id(response) is response


def test_moto_answers_pass_through_untouched() -> None:
    answer = gateway().dispatch(signed("sqs", "AmazonSQS.ListQueues"), lambda: "moto")

    assert answer == "moto"
