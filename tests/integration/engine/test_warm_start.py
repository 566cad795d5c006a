"""Warm starts: POST /_localcloud/warm (what `deploy --warm` calls) makes one environment per
function with its init phase done, so the first request finds the handler imported; with the
`warm` setting (`up --warm`) every new function is warmed without being asked."""

from __future__ import annotations

import time
from typing import Any

from engine_support import invoke, wait_until

from localcloud.admin_client import AdminClient
from localcloud.settings import Settings


def test_a_warmed_function_runs_its_first_request_in_the_environment_made_ahead(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    name = make_function("warming.imported")
    admin = AdminClient(localcloud.endpoint_url)
    outcome = admin.warm([name])
    warmed_at = time.time()
    assert list(outcome["warmed"]) == [name] and outcome["failed"] == {}
    assert admin.warm([name])["already"] == [name]  # one environment, not one per call

    response, first = invoke(lam, name)
    assert "FunctionError" not in response, first
    assert first["imported_at"] < warmed_at  # imported before the request came
    assert first["initialization_type"] == "provisioned-concurrency"
    _, second = invoke(lam, name)
    assert second["pid"] == first["pid"]


def test_a_cold_function_is_initialized_on_demand(lam: Any, make_function: Any) -> None:
    name = make_function("warming.imported")
    asked_at = time.time()
    _, first = invoke(lam, name)
    assert first["imported_at"] > asked_at
    assert first["initialization_type"] == "on-demand"


def test_a_failed_init_is_reported_and_not_kept(
    localcloud: Any, lam: Any, make_function: Any
) -> None:
    name = make_function("broken_import.handler")
    outcome = AdminClient(localcloud.endpoint_url).warm([name, "no-such-function"])
    assert set(outcome["failed"]) == {name, "no-such-function"}
    assert "Runtime.ImportModuleError" in outcome["failed"][name]
    response, body = invoke(lam, name)
    assert response.get("FunctionError") == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"


def test_the_warm_setting_warms_every_new_function(
    localcloud: Any, lam: Any, make_function: Any, monkeypatch: Any
) -> None:
    runtime = localcloud.runtime
    monkeypatch.setattr(runtime.warmer, "warm_on_change", True)
    name = make_function("warming.imported")
    wait_until(lambda: runtime.executor.idle(name), timeout=30, message="a warm environment")
    _, first = invoke(lam, name)
    assert first["initialization_type"] == "provisioned-concurrency"


def test_the_warm_setting_is_off_unless_asked_for() -> None:
    assert not Settings().warm
    assert Settings.from_env({"LOCALCLOUD_WARM": "1"}).warm
