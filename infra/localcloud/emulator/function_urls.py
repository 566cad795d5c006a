"""Function URLs moto holds, found by their URL id (the first label of the URL's host).

moto keeps a function's URL configuration on the function (``url_config``) and makes the URL in
AWS's form, ``https://{url id}.lambda-url.{region}.on.aws``; the local cloud serves it (see
localcloud/function_urls.py) and reads it here as a frozen view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from moto.awslambda.models import lambda_backends

from localcloud.emulator.backends import ACCOUNT_ID


@dataclass(frozen=True)
class FunctionUrlView:
    """One function's URL: who may call it and its CORS settings."""

    url_id: str
    url: str
    function_arn: str
    auth_type: str  # NONE | AWS_IAM
    cors: Mapping[str, Any] | None
    region: str
    account: str


def url_id_of(url: str) -> str:
    """``https://abc.lambda-url.us-east-1.on.aws/`` -> ``abc``."""
    return url.split("://", 1)[-1].split(".", 1)[0]


def function_url(url_id: str, region: str, account: str = ACCOUNT_ID) -> FunctionUrlView | None:
    """The URL whose id is ``url_id`` (``region`` searched first, then every region moto has
    made), or None: no function has it."""
    held = lambda_backends[account]
    names = [region] + [name for name in list(held.keys()) if name != region]
    for name in names:
        for group in list(held[name]._lambdas._functions.values()):
            function = group["latest"]
            config = getattr(function, "url_config", None)
            if config is None or url_id_of(config.url) != url_id:
                continue
            settings = config.config
            return FunctionUrlView(
                url_id=url_id,
                url=config.url,
                function_arn=function.function_arn,
                auth_type=str(settings.get("AuthType") or "NONE").upper(),
                cors=settings.get("Cors") or None,
                region=name,
                account=account,
            )
    return None
