"""The pipeline's steps are one cloud's state: two ``Steps`` share nothing, and the module holds
no registry a second cloud (or a test) could change for everyone."""

from __future__ import annotations

from typing import Any

from localcloud.apigw import steps
from localcloud.apigw.model import Allow, Answer, ApiRequest, Deny, IntegrationView

REQUEST = ApiRequest("GET", "/", "", (), b"", "127.0.0.1", "h", "$default", "r", 0.0)


def deny_all(*args: Any) -> Allow | Deny:
    return Deny(Answer(403))


def test_an_authorizer_registered_on_one_pipeline_leaves_another_alone() -> None:
    first, second = steps.Steps(), steps.Steps()
    previous = first.register_authorizer(deny_all)
    assert previous is steps.open_routes_only
    assert first._authorizer is deny_all
    assert second._authorizer is steps.open_routes_only
    assert first.register_authorizer(previous) is deny_all


def test_integrations_are_keyed_by_type_and_first_class_by_subtype() -> None:
    pipeline = steps.Steps()

    def proxy(call: Any) -> Answer:
        return Answer(200)

    def first_class(call: Any) -> Answer:
        return Answer(202)

    assert pipeline.register_integration("aws_proxy", proxy) is None
    pipeline.register_integration(steps.FIRST_CLASS, first_class)
    plain = IntegrationView("i", "AWS_PROXY", "arn", "2.0")
    subtype = IntegrationView("j", "AWS_PROXY", "", "1.0", subtype="SQS-SendMessage")
    assert pipeline.integration_for(plain) is proxy
    assert pipeline.integration_for(subtype) is first_class
    assert steps.Steps().integration_for(plain) is None


def test_responders_run_in_order_and_a_name_registered_again_replaces_its_step() -> None:
    pipeline = steps.Steps()

    def tag(value: str) -> steps.Responder:
        def add(api: Any, request: ApiRequest, answer: Answer) -> Answer:
            return answer.with_headers((("X-Step", value),))

        return add

    pipeline.register_responder("cors", tag("one"))
    pipeline.register_responder("other", tag("two"))
    pipeline.register_responder("cors", tag("three"))  # a rebuilt access control's
    answer = pipeline.respond(None, REQUEST, Answer(200))  # type: ignore[arg-type]
    assert answer.headers == (("X-Step", "three"), ("X-Step", "two"))


def test_the_module_keeps_no_mutable_registry() -> None:
    mutable = {
        name
        for name, value in vars(steps).items()
        if not name.startswith("__") and isinstance(value, list | dict | set)
    }
    assert mutable == set()
