"""The environment a worker starts with: Lambda's runtime variables, the LoggingConfig's, and
the initialization type a warm start (provisioned concurrency) announces."""

from __future__ import annotations

from dataclasses import replace

from localcloud.engine.executor import FunctionSpec, lambda_environment

SPEC = FunctionSpec(
    name="orders",
    arn="arn:aws:lambda:us-east-1:000000000000:function:orders",
    handler="app.handler",
    runtime="python3.12",
    timeout=3.0,
    memory_size=256,
    environment={"TABLE": "orders"},
    code_paths=("/code", "/layer"),
    reserved_concurrency=None,
    region="us-east-1",
    account_id="000000000000",
)
ENDPOINT = "http://127.0.0.1:4566"


def test_an_environment_started_for_a_request_is_on_demand() -> None:
    env = lambda_environment(SPEC, ENDPOINT, "stream")

    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == "stream"
    assert env["LAMBDA_TASK_ROOT"] == "/code"
    assert env["AWS_LAMBDA_LOG_FORMAT"] == "Text"
    assert env["TABLE"] == "orders"


def test_a_warm_start_is_provisioned_concurrency_and_keeps_the_logging_config() -> None:
    spec = replace(SPEC, log_format="JSON", application_log_level="debug")

    env = lambda_environment(spec, ENDPOINT, "stream", provisioned=True)

    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "provisioned-concurrency"
    assert env["AWS_LAMBDA_LOG_FORMAT"] == "JSON"
    assert env["AWS_LAMBDA_LOG_LEVEL"] == "DEBUG"


def test_the_function_s_own_variables_come_last() -> None:
    spec = replace(SPEC, environment={"AWS_LAMBDA_INITIALIZATION_TYPE": "mine"})

    assert lambda_environment(spec, ENDPOINT, "s")["AWS_LAMBDA_INITIALIZATION_TYPE"] == "mine"
