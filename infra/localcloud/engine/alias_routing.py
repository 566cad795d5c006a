"""Weighted alias routing: which version of an alias runs an invocation, and which routing
configurations Lambda accepts.

An alias points at one version and may send a share of its invocations to one other version
(``RoutingConfig.AdditionalVersionWeights``, what SAM's ``AutoPublishAlias`` with a
``DeploymentPreference`` canary makes). Each invocation is routed on its own: the additional
version runs with its weight's probability, the alias's version otherwise.

Both functions are pure: the draw and the question whether a version exists come from the
caller (engine/catalog.py draws per invocation; gateway/validators.py asks moto).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from localcloud.engine.errors import AliasRoutingError, FunctionNotFoundError

LATEST = "$LATEST"


def choose_version(version: str, weights: Mapping[str, float], draw: float) -> str:
    """The version an invocation runs: ``draw`` (uniform in [0, 1)) below an additional
    version's weight picks it, else the alias's own ``version``."""
    for additional, weight in sorted(weights.items()):
        if draw < weight:
            return additional
        draw -= weight
    return version


def check_routing(
    function_arn: str,
    version: str,
    weights: Mapping[str, float],
    exists: Callable[[str], bool],
) -> None:
    """Refuse a routing configuration as Lambda's CreateAlias and UpdateAlias do.

    ``function_arn``: the unqualified ARN (the not-found message names the version under it);
    ``version``: the alias's own version; ``exists(version)``: whether it is published. The
    model's constraints (a key of digits, a weight within 0.0 to 1.0) are checked before this,
    by the operation's model (gateway/wellformed.py).
    """
    if not weights:
        return
    if len(weights) > 1:
        raise AliasRoutingError(
            "Number of items in AdditionalVersionWeights cannot be greater than 1"
        )
    (additional,) = weights
    if additional == version:
        raise AliasRoutingError(
            f"Invalid function version {version}. Function version {version} is already "
            "included in routing configuration."
        )
    if version == LATEST:
        raise AliasRoutingError(
            "$LATEST is not supported for an alias pointing to more than 1 version"
        )
    if not exists(additional):
        raise FunctionNotFoundError(f"{function_arn}:{additional}")
