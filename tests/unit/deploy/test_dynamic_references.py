"""Dynamic references in property strings: ssm, ssm-secure and secretsmanager (whole secret,
JSON key, version stage or id, by name or ARN) replaced by their values; anything else refused
with a message naming the reference."""

from __future__ import annotations

import pytest

from localcloud.deploy.dynamic import has_references, resolve_references
from localcloud.deploy.errors import DeployError

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


class FakeSource:
    def __init__(self) -> None:
        self.asked: list[tuple[object, ...]] = []

    def parameter(self, name: str, version: str | None, decrypt: bool) -> str:
        self.asked.append(("ssm", name, version, decrypt))
        return f"<{name}>"

    def secret(self, secret_id: str, stage: str | None, version_id: str | None) -> str:
        self.asked.append(("secret", secret_id, stage, version_id))
        return '{"username": "app", "password": "s3cret", "port": 5432}'


def test_references_anywhere_in_the_properties_are_replaced_in_place() -> None:
    source = FakeSource()
    props = {
        "Url": "https://{{resolve:ssm:/app/host}}/v1",
        "Items": [{"Secret": "{{resolve:ssm-secure:/app/token:3}}"}],
        "Count": 3,
    }

    resolved = resolve_references(props, source, "Fn")

    assert resolved == {
        "Url": "https://</app/host>/v1",
        "Items": [{"Secret": "</app/token>"}],
        "Count": 3,
    }
    assert source.asked == [("ssm", "/app/host", None, False), ("ssm", "/app/token", "3", True)]


@pytest.mark.parametrize(
    ("reference", "expected", "asked"),
    [
        ("db", '{"username": "app", "password": "s3cret", "port": 5432}', ("db", None, None)),
        ("db:SecretString:password", "s3cret", ("db", None, None)),
        ("db:SecretString:port", "5432", ("db", None, None)),
        ("db:SecretString:password:AWSPREVIOUS", "s3cret", ("db", "AWSPREVIOUS", None)),
        ("db:SecretString:username::v-1", "app", ("db", None, "v-1")),
        (f"{ARN}:SecretString:username", "app", (ARN, None, None)),
        (ARN, '{"username": "app", "password": "s3cret", "port": 5432}', (ARN, None, None)),
    ],
)
def test_a_secret_reference_reads_the_string_its_key_stage_or_version(
    reference: str, expected: str, asked: tuple[object, ...]
) -> None:
    source = FakeSource()

    value = resolve_references(f"{{{{resolve:secretsmanager:{reference}}}}}", source, "Fn")

    assert value == expected
    assert source.asked == [("secret", *asked)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{resolve:secretsmanager:db:SecretBinary}}", "only SecretString"),
        ("{{resolve:secretsmanager:db:SecretString:missing}}", "no JSON key 'missing'"),
        ("{{resolve:secretsmanager:db:SecretString:k:AWSCURRENT:v-1}}", "not both"),
        ("{{resolve:secretsmanager:db:SecretString:k:s:v:extra}}", "is not of the form"),
        ("{{resolve:vault:db}}", "service 'vault'"),
    ],
)
def test_a_reference_that_cannot_be_resolved_is_refused_naming_it(text: str, message: str) -> None:
    with pytest.raises(DeployError, match=message) as caught:
        resolve_references({"Value": text}, FakeSource(), "Fn")
    assert str(caught.value).startswith("Fn: ")


def test_only_strings_holding_a_reference_are_found() -> None:
    assert has_references({"a": ["x", {"b": "{{resolve:ssm:p}}"}]})
    assert not has_references({"a": ["{{ not one }}", 1, None, "{{resolve:ssm}}"]})
