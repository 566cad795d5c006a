"""Function URLs (``AWS::Lambda::Url``, what SAM's ``FunctionUrlConfig`` becomes).

The URL is created through Lambda's CreateFunctionUrlConfig; the local cloud serves it on its own
port (apigw/function_urls.py). ``InvokeMode: RESPONSE_STREAM`` is not applied (responses are not
streamed locally): planning names it, as it names ``Qualifier`` (a URL on an alias), and a deploy
that allows unsupported properties makes the URL BUFFERED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from localcloud.deploy.kinds.base import Context, ResourceKind, ignore_gone, register
from localcloud.deploy.kinds.members import ApiParameter

BUFFERED = "BUFFERED"
# Cors once a template stops setting it: allows nothing (UpdateFunctionUrlConfig keeps an
# omitted Cors as it was).
_NO_CORS: dict[str, Any] = {"AllowOrigins": []}


def _function(props: dict[str, Any]) -> str:
    return str(props["TargetFunctionArn"])


STREAMING_REFUSED = "InvokeMode (RESPONSE_STREAM: responses are not streamed locally; use BUFFERED)"


def _settings(props: dict[str, Any]) -> dict[str, Any]:
    """The CreateFunctionUrlConfig arguments but the function (always BUFFERED: see above)."""
    settings: dict[str, Any] = {"AuthType": props["AuthType"], "InvokeMode": BUFFERED}
    if props.get("Cors") is not None:
        settings["Cors"] = props["Cors"]
    return settings


@register
class FunctionUrl(ResourceKind):
    """A function's URL; Ref is the function's ARN, as on AWS."""

    type_name = "AWS::Lambda::Url"
    replace_on = frozenset({"TargetFunctionArn"})
    applies = frozenset({"TargetFunctionArn", "AuthType", "Cors", "InvokeMode"})
    members = {"Cors": ApiParameter("lambda", "CreateFunctionUrlConfig", "Cors")}

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        if str(props.get("InvokeMode") or BUFFERED).upper() != BUFFERED:
            stray.append(STREAMING_REFUSED)
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        settings = _settings(props)
        lam = ctx.client("lambda")
        response = lam.create_function_url_config(FunctionName=_function(props), **settings)
        return str(response["FunctionArn"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        settings = _settings(new)
        settings.setdefault("Cors", _NO_CORS)
        ctx.client("lambda").update_function_url_config(FunctionName=_function(new), **settings)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("lambda").delete_function_url_config, FunctionName=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        url = str(
            ctx.client("lambda").get_function_url_config(FunctionName=physical_id)["FunctionUrl"]
        )
        return {"FunctionArn": physical_id, "FunctionUrl": url.rstrip("/") + "/"}
