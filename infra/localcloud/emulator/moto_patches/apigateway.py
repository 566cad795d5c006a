"""API Gateway patches: a REST authorizer keeps its ``identityValidationExpression``.

moto 5.2.5's CreateAuthorizer passes the expression on under a misspelt keyword
(``identiy_validation_expression``) that ``Authorizer`` never reads, so the expression a TOKEN
authorizer checks tokens against (apigw/authorizers.py) would be lost; the constructor takes
either spelling here.
"""

from __future__ import annotations

from typing import Any

from moto.apigateway import models as apigateway_models

from localcloud.emulator.patching import Patches

_original_init = apigateway_models.Authorizer.__init__


def _authorizer_init(
    self: Any,
    authorizer_id: str | None,
    name: str | None,
    authorizer_type: str | None,
    **kwargs: Any,
) -> None:
    misspelt = kwargs.pop("identiy_validation_expression", None)
    if misspelt is not None and kwargs.get("identity_validation_expression") is None:
        kwargs["identity_validation_expression"] = misspelt
    _original_init(self, authorizer_id, name, authorizer_type, **kwargs)


def patches() -> Patches:
    group = Patches("apigateway")
    group.add(apigateway_models.Authorizer, "__init__", _authorizer_init)
    return group
