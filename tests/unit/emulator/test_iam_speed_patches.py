"""The IAM speed patches (moto_patches/perf.py): moto's answers, without the IAM backends moto
creates on every request nor the 1,600 managed policies it builds for each. No network."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto.core.base_backend import BackendDict
from moto.iam import models as iam_models
from moto.iam.aws_managed_policies import aws_managed_policies_data

from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.emulator.moto_patches import perf

OTHER_ACCOUNT = "111122223333"


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    group = perf.patches()
    BackendDict.reset()
    group.apply()
    try:
        yield
    finally:
        group.undo()
        BackendDict.reset()


def created_partitions(account: str) -> set[str]:
    """The partitions whose IAM backend exists for ``account`` (moto's [] would create one)."""
    held = dict.get(iam_models.iam_backends, account)
    return set(dict.keys(held)) if held is not None else set()


def test_an_access_key_is_found_in_its_account_without_creating_other_partitions(
    patched: None,
) -> None:
    backend = iam_models.iam_backends[OTHER_ACCOUNT]["aws"]
    backend.create_user("us-east-1", "someone")
    key = backend.create_access_key("someone").access_key_id

    assert iam_models.get_account_id_from(key) == OTHER_ACCOUNT
    assert iam_models.get_account_id_from("AKIAUNKNOWN") == DEFAULT_ACCOUNT
    # moto's own lookup creates the IAM backend of all six partitions
    assert created_partitions(OTHER_ACCOUNT) == {"aws"}


def test_a_visit_to_an_account_without_iam_creates_nothing(patched: None) -> None:
    iam_models.mark_account_as_visited(DEFAULT_ACCOUNT, "AKIAUNKNOWN", "sqs", "us-east-1")

    assert created_partitions(DEFAULT_ACCOUNT) == set()


def test_a_visit_with_a_known_key_is_still_recorded(patched: None) -> None:
    backend = iam_models.iam_backends[DEFAULT_ACCOUNT]["aws"]
    backend.create_user("us-east-1", "someone")
    key = backend.create_access_key("someone").access_key_id

    iam_models.mark_account_as_visited(DEFAULT_ACCOUNT, key, "sqs", "us-east-1")

    last_used = backend.access_keys[key].last_used
    assert last_used is not None
    assert (last_used.service, last_used.region) == ("sqs", "us-east-1")


def test_each_iam_backend_gets_its_own_copies_of_all_of_awss_managed_policies(
    patched: None,
) -> None:
    first = iam_models.IAMBackend("aws", DEFAULT_ACCOUNT)
    second = iam_models.IAMBackend("aws", DEFAULT_ACCOUNT)
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

    expected = len(json.loads(aws_managed_policies_data))
    assert len(first.managed_policies) == len(second.managed_policies) == expected
    assert first.managed_policies.keys() == second.managed_policies.keys()
    one, other = first.managed_policies[arn], second.managed_policies[arn]
    assert one is not other
    assert one.versions[0] is not other.versions[0]
    assert one.versions[0].document == other.versions[0].document
    first.create_role("r", "{}", "/", None, "", [], None)
    first.attach_role_policy(arn, "r")
    assert (one.attachment_count, other.attachment_count) == (1, 0)


def test_a_backend_copies_awss_policies_in_only_when_it_first_uses_them(patched: None) -> None:
    backend = iam_models.IAMBackend("aws", DEFAULT_ACCOUNT)
    held = backend.managed_policies

    assert dict.__len__(held) == 0  # nothing built by making the backend
    arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    assert arn in held
    assert len(held) == len(json.loads(aws_managed_policies_data))
    assert backend.get_policy(arn).name == "AWSLambdaBasicExecutionRole"


def test_a_policy_of_ones_own_sits_beside_awss(patched: None) -> None:
    backend = iam_models.IAMBackend("aws", DEFAULT_ACCOUNT)
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )

    mine = backend.create_policy("", "/", document, "mine", [])

    names = {policy.name for policy in backend.managed_policies.values()}
    assert {"mine", "AWSLambdaBasicExecutionRole"} <= names
    assert backend.managed_policies[mine.arn] is mine
