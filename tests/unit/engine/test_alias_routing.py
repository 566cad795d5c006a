"""Weighted alias routing, the pure part: which version a draw picks, and which routing
configurations Lambda's CreateAlias and UpdateAlias refuse, in Lambda's words."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from localcloud.engine.alias_routing import check_routing, choose_version
from localcloud.engine.errors import AliasRoutingError, FunctionNotFoundError

ARN = "arn:aws:lambda:us-east-1:123456789012:function:greeter"


def published(*versions: str) -> set[str]:
    return set(versions)


@pytest.mark.parametrize(
    ("weight", "draw", "expected"),
    [
        (0.25, 0.0, "2"),
        (0.25, 0.2499, "2"),
        (0.25, 0.25, "1"),
        (0.25, 0.9999, "1"),
        (0.0, 0.0, "1"),
        (1.0, 0.9999, "2"),
    ],
)
def test_a_draw_below_the_weight_picks_the_additional_version(
    weight: float, draw: float, expected: str
) -> None:
    assert choose_version("1", {"2": weight}, draw) == expected


def test_an_alias_without_weights_runs_its_own_version() -> None:
    assert choose_version("3", {}, 0.0) == "3"


def test_draws_share_invocations_out_by_the_weight() -> None:
    draws = random.Random(7)
    ran = Counter(choose_version("1", {"2": 0.1}, draws.random()) for _ in range(10_000))
    # Binomial(10000, 0.1): standard deviation 30; 800 and 1200 are over six away.
    assert 800 <= ran["2"] <= 1200
    assert ran["1"] + ran["2"] == 10_000


def test_a_routing_configuration_lambda_takes_passes() -> None:
    check_routing(ARN, "1", {"2": 0.5}, published("1", "2").__contains__)
    check_routing(ARN, "$LATEST", {}, published().__contains__)  # no routing: nothing to check


@pytest.mark.parametrize(
    ("version", "weights", "message"),
    [
        (
            "1",
            {"2": 0.1, "3": 0.1},
            "Number of items in AdditionalVersionWeights cannot be greater than 1",
        ),
        (
            "2",
            {"2": 0.1},
            "Invalid function version 2. Function version 2 is already included in routing "
            "configuration.",
        ),
        (
            "$LATEST",
            {"2": 0.1},
            "$LATEST is not supported for an alias pointing to more than 1 version",
        ),
    ],
)
def test_routing_lambda_refuses_is_refused_in_its_words(
    version: str, weights: dict[str, float], message: str
) -> None:
    with pytest.raises(AliasRoutingError) as caught:
        check_routing(ARN, version, weights, published("1", "2", "3").__contains__)
    assert str(caught.value) == message
    assert caught.value.aws_code == "InvalidParameterValueException"


def test_an_additional_version_that_is_not_published_is_not_found() -> None:
    with pytest.raises(FunctionNotFoundError) as caught:
        check_routing(ARN, "1", {"7": 0.1}, published("1", "2").__contains__)
    assert str(caught.value) == f"Function not found: {ARN}:7"
