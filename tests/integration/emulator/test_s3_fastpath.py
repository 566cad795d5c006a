"""The direct PutObject path answers and stores exactly as moto's path does, call for call.

The same PutObject requests (a table of header combinations, keys and buckets) run once with the
direct path and once through moto; their answers (status, every response header in order, minus
the date and request id values) and what GetObject, HeadObject, the ACL, the tags and a bucket's
notifications then show must be equal. Requests the direct path leaves to moto are in the table
too: they must be refused there (moto answers them), and still answer the same.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.s3.models import s3_backends

from localcloud.emulator.backends import ACCOUNT_ID
from localcloud.gateway.routes import DirectRest

PUT = ("s3", "PutObject")
BINARY = bytes(range(256)) * 5
VARYING = {"RequestId", "HostId", "VersionId", "date", "x-amz-version-id", "BucketName"}


def _cases() -> list[tuple[str, str, dict[str, Any], bool]]:
    """(bucket kind, key, put_object arguments, whether the direct path answers it)."""
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    plain: list[tuple[str, str, dict[str, Any], bool]] = [
        ("plain", "hello.txt", {"Body": b"hello"}, True),
        ("plain", "empty", {"Body": b""}, True),
        ("plain", "binary.bin", {"Body": BINARY}, True),
        (
            "plain",
            "meta",
            {"Body": b"m", "Metadata": {"MixedCase": "V", "lower": "x", "with-dash.dot": "y"}},
            True,
        ),
        (
            "plain",
            "stored-headers",
            {
                "Body": b"<p/>",
                "ContentType": "text/html",
                "CacheControl": "max-age=60",
                "ContentDisposition": 'attachment; filename="a.html"',
                "ContentEncoding": "gzip",
                "ContentLanguage": "fr",
                "Expires": expires,
            },
            True,
        ),
        ("plain", "sha256", {"Body": b"s", "ChecksumAlgorithm": "SHA256"}, True),
        ("plain", "crc32", {"Body": b"c", "ChecksumAlgorithm": "CRC32"}, True),
        ("plain", "sha1", {"Body": b"c", "ChecksumAlgorithm": "SHA1"}, True),
        ("plain", "md5", {"Body": b"d", "ContentMD5": "jRVOyxXyFJjPaBZiCU1JgQ=="}, True),
        ("plain", "bad-md5", {"Body": b"d", "ContentMD5": "AAAAAAAAAAAAAAAAAAAAAA=="}, True),
        ("plain", "a b/ü+%.txt", {"Body": b"k"}, True),
        ("plain", "100%25 & more?x=1#y", {"Body": b"k"}, True),
        ("plain", "dir/sub/", {"Body": b""}, True),
        ("plain", "ia", {"Body": b"i", "StorageClass": "STANDARD_IA"}, True),
        ("plain", "sse", {"Body": b"e", "ServerSideEncryption": "AES256"}, True),
        ("plain", "hello.txt", {"Body": b"overwritten", "ContentType": "text/plain"}, True),
        ("versioned", "v", {"Body": b"one"}, True),
        ("versioned", "v", {"Body": b"two", "Metadata": {"n": "2"}}, True),
        ("encrypted", "default-sse", {"Body": b"x"}, True),
        ("notified", "note/a.txt", {"Body": b"n"}, True),
        ("notified", "note/b.txt", {"Body": b"nn", "Metadata": {"k": "v"}}, True),
        # what the direct path leaves to moto
        ("plain", "acl", {"Body": b"a", "ACL": "public-read"}, False),
        ("plain", "tagged", {"Body": b"t", "Tagging": "a=b&c=d"}, False),
        ("plain", "kms", {"Body": b"k", "ServerSideEncryption": "aws:kms"}, False),
        ("plain", "redirect", {"Body": b"r", "WebsiteRedirectLocation": "/other"}, False),
        ("plain", "hello.txt", {"Body": b"again", "IfNoneMatch": "*"}, False),
        ("plain", "underscored", {"Body": b"u", "Metadata": {"my_key": "v"}}, False),
        ("plain", "bad-class", {"Body": b"b", "StorageClass": "NOT_A_CLASS"}, False),
        ("missing", "nowhere", {"Body": b"x"}, False),
    ]
    return plain


def _normal_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Response headers in order, without the values that differ between any two calls."""
    varying = {"date", "x-amzn-requestid", "last-modified", "x-amz-version-id"}
    return [(n, "?" if n.lower() in varying else v) for n, v in headers]


def _normal(document: Any) -> Any:
    if isinstance(document, dict):
        return {
            key: "?" if key in VARYING else _normal(value)
            for key, value in document.items()
            if key not in ("LastModified", "RetryAttempts", "x-amzn-requestid", "last-modified")
        }
    if isinstance(document, list):
        return [_normal(item) for item in document]
    return document


def _stored(bucket_name: str, key_name: str) -> dict[str, Any]:
    """What moto keeps of an object, as its backend holds it (names in their stored case)."""
    backend = s3_backends[ACCOUNT_ID]["aws"]
    bucket = backend.get_bucket(bucket_name)
    key: Any = backend.get_object(bucket_name, key_name)
    return {
        "metadata": list(key._metadata.items()),
        "bucket_acl": key.acl is bucket.acl,
        "value": key.value,
        "etag": key.etag,
        "versioned": (key._is_versioned, key.version_id == "null"),
        "tags": backend.tagger.get_tag_dict_for_resource(key.arn),
        **{
            name: getattr(key, name)
            for name in (
                "checksum_algorithm",
                "checksum_value",
                "storage_class",
                "encryption",
                "kms_key_id",
                "bucket_key_enabled",
                "website_redirect_location",
                "lock_mode",
                "lock_legal_status",
                "lock_until",
                "size",
            )
        },
    }


@pytest.fixture
def s3(localcloud: Any) -> Any:
    return localcloud.client("s3")


@pytest.fixture
def raw_headers(s3: Any) -> Iterator[list[list[tuple[str, str]]]]:
    """Each PutObject's response headers as they came over the wire (names and order)."""
    seen: list[list[tuple[str, str]]] = []

    def keep(http_response: Any, **_: Any) -> None:
        seen.append(list(http_response.raw.headers.items()))

    s3.meta.events.register("after-call.s3.PutObject", keep)
    yield seen
    s3.meta.events.unregister("after-call.s3.PutObject", keep)


def _buckets(s3: Any, sqs: Any) -> tuple[dict[str, str], str]:
    """A bucket of each kind and the queue the notified one reports to."""
    tag = uuid.uuid4().hex[:8]
    names = {kind: f"fast-{kind}-{tag}" for kind in ("plain", "versioned", "encrypted", "notified")}
    for name in names.values():
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(
        Bucket=names["versioned"], VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_encryption(
        Bucket=names["encrypted"],
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    url = sqs.create_queue(QueueName=f"fast-notes-{tag}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3.put_bucket_notification_configuration(
        Bucket=names["notified"],
        NotificationConfiguration={
            "QueueConfigurations": [
                {"Id": "to-queue", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}
            ]
        },
    )
    names["missing"] = f"fast-missing-{tag}"
    return names, url


def _records(sqs: Any, url: str, count: int) -> list[Any]:
    """The ``count`` notification records the queue got (the test event skipped), normalised."""
    records: list[Any] = []
    deadline = time.monotonic() + 10
    while len(records) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages", []):
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            body = json.loads(message["Body"])
            for record in body.get("Records", []):
                record["s3"]["bucket"] = "?"
                record["s3"]["object"]["sequencer"] = "?"
                for varying in ("eventTime", "awsRegion", "responseElements"):
                    record.pop(varying, None)
                records.append(record)
    return sorted(records, key=lambda r: json.dumps(r, sort_keys=True))


def _conversation(
    s3: Any,
    sqs: Any,
    raw_headers: list[list[tuple[str, str]]],
    answered: Callable[[], int],
    counting: bool,
) -> list[Any]:
    names, url = _buckets(s3, sqs)
    outcomes: list[Any] = []
    for kind, key, arguments, direct in _cases():
        before = answered()
        raw_headers.clear()
        try:
            response = s3.put_object(Bucket=names[kind], Key=key, **arguments)
            outcome: Any = (_normal(response), _normal_headers(raw_headers[-1]))
        except ClientError as exc:
            outcome = ("error", _normal(exc.response))
        outcomes.append((kind, key, outcome))
        # Each request the direct path takes is answered there; the others reach moto.
        assert answered() - before == int(direct and counting), (kind, key, arguments)
        if "error" in outcome:
            continue
        got = s3.get_object(Bucket=names[kind], Key=key)
        body = got.pop("Body").read()
        head = s3.head_object(Bucket=names[kind], Key=key)
        acl = s3.get_object_acl(Bucket=names[kind], Key=key)
        tags = s3.get_object_tagging(Bucket=names[kind], Key=key)
        stored = _stored(names[kind], key)
        outcomes.append((body, _normal(got), _normal(head), _normal(acl), _normal(tags), stored))
    versions = s3.list_object_versions(Bucket=names["versioned"])
    outcomes.append(len(versions["Versions"]))
    outcomes.append(_records(sqs, url, 2))
    return outcomes


def test_direct_put_object_answers_and_stores_as_moto_does(
    localcloud: Any,
    s3: Any,
    raw_headers: list[list[tuple[str, str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs = localcloud.client("sqs")
    routes = localcloud.gateway.routes
    route = routes[PUT]
    assert isinstance(route, DirectRest)
    count = [0]

    def counted(*arguments: Any) -> Any:
        answer = route.path(*arguments)
        count[0] += answer is not None
        return answer

    monkeypatch.setitem(routes, PUT, DirectRest(counted))
    direct = _conversation(s3, sqs, raw_headers, lambda: count[0], counting=True)
    assert count[0] == sum(1 for case in _cases() if case[3])
    monkeypatch.delitem(routes, PUT)
    through_moto = _conversation(s3, sqs, raw_headers, lambda: count[0], counting=False)
    for ours, motos in zip(direct, through_moto, strict=True):
        assert ours == motos
    assert len(direct[-1]) == 2  # both notified puts reported, once each
