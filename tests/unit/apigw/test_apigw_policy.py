"""IAM policy evaluation for execute-api method ARNs, as API Gateway applies authorizer policies."""

from __future__ import annotations

import pytest

from localcloud.apigw.policy import Decision, PolicyError, evaluate, method_arn

ARN = method_arn("us-east-1", "123456789012", "abc123", "prod", "GET", "/pets/7")


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_method_arn_has_aws_shape() -> None:
    assert ARN == "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/7"


@pytest.mark.parametrize(
    "resource",
    [
        ARN,
        "arn:aws:execute-api:us-east-1:123456789012:abc123/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/pets/*",
        "arn:aws:execute-api:*:*:abc123/prod/GET/pets/?",
        "*",
    ],
)
def test_allow_matches_wildcards(resource: str) -> None:
    policy = doc({"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource})
    assert evaluate(policy, ARN) is Decision.ALLOW


def test_no_matching_statement_is_an_implicit_deny() -> None:
    policy = doc(
        {
            "Effect": "Allow",
            "Action": "execute-api:Invoke",
            "Resource": "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*",
        }
    )
    assert evaluate(policy, ARN) is Decision.IMPLICIT_DENY


def test_explicit_deny_wins_over_allow() -> None:
    policy = doc(
        {"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["execute-api:Invoke"], "Resource": [ARN]},
    )
    assert evaluate(policy, ARN) is Decision.EXPLICIT_DENY


def test_other_actions_do_not_allow_invoke() -> None:
    policy = doc({"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": "*"})
    assert evaluate(policy, ARN) is Decision.IMPLICIT_DENY


def test_single_statement_object_and_not_resource() -> None:
    policy = {
        "Statement": {
            "Effect": "Allow",
            "Action": "*",
            "NotResource": "arn:aws:execute-api:*:*:abc123/prod/DELETE/*",
        }
    }
    assert evaluate(policy, ARN) is Decision.ALLOW


@pytest.mark.parametrize(
    "policy",
    [
        None,
        {"Statement": "nope"},
        doc({"Effect": "Maybe", "Action": "*", "Resource": "*"}),
        doc({"Effect": "Allow", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": 3, "Resource": "*"}),
    ],
)
def test_malformed_documents_are_refused(policy: object) -> None:
    with pytest.raises(PolicyError):
        evaluate(policy, ARN)
