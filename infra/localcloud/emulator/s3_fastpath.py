"""A direct path for a plain S3 PutObject, skipping moto's HTTP dispatch and response code.

Sources write objects to buckets that notify handlers, and moto's request parsing, ACL and
checksum handling and response rendering cost several times the store itself. A plain
PutObject (path-style, signed, no subresource, no ACL, tagging, lock, KMS or customer key,
conditional, copy, CORS origin or streaming body) is applied here with moto's own backend calls,
in moto's order, and answered with the headers moto answers. What moto stores is the same:
metadata and the stored headers (taken from the request's headers by moto's own function),
checksum, version id, ACL, the empty tag set. The notification
is moto's: its backend's ``put_object`` calls the sender the engine patched, which defers the
delivery until after the answer (afterward.py) as on moto's path.

Anything else, or anything moto would refuse, returns None before any state changes and goes
the ordinary way, which renders AWS's error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from moto import settings as moto_settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.s3.models import s3_backends
from moto.s3.responses import S3Response
from moto.s3.utils import metadata_from_headers, parse_region_from_url
from moto.utilities.aws_headers import gen_amzn_requestid_long
from moto.utilities.utils import get_partition

from localcloud.emulator.backends import ACCOUNT_ID

Headers = tuple[tuple[str, str], ...]
# A path-style object path: a bucket name as S3 allows it, then a key.
OBJECT_PATH = re.compile(r"^/(?P<bucket>[a-z0-9][a-z0-9.\-]{1,62})/(?P<key>.+)$", re.DOTALL)
# Headers after which moto does more than a plain put (or answers something else).
NOT_PLAIN = frozenset(
    {
        "x-amz-acl",
        "x-amz-tagging",
        "x-amz-copy-source",
        "x-amz-website-redirect-location",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-context",
        "x-amz-server-side-encryption-bucket-key-enabled",
        "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-server-side-encryption-customer-key",
        "x-amz-server-side-encryption-customer-key-md5",
        "x-amz-object-lock-mode",
        "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold",
        "x-amz-decoded-content-length",
        "x-amz-trailer",
        "x-moto-account-id",
        "if-match",
        "if-none-match",
        "origin",
        "range",
    }
)
# Content types werkzeug reads as a form, which moto then takes the body (and more) from.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/")
# What Flask adds to moto's empty answer.
EMPTY_BODY_HEADERS = (("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "0"))


class _Host:
    """The little of a request moto's ``subdomain_based_buckets`` reads."""

    __slots__ = ("headers",)

    def __init__(self, host: str) -> None:
        self.headers = {"host": host}


def put_object(
    path: str, headers: Mapping[str, str], body: bytes, region: str
) -> tuple[int, Headers] | None:
    """The status and headers of a plain PutObject done directly, or None for moto's path.

    ``path`` is as WSGI holds it (percent-decoded, one character per byte), ``headers`` have
    lower-case names (as the gateway parsed them).
    """
    match = OBJECT_PATH.match(path)
    if match is None or not _plain(headers):
        return None
    host = headers.get("host", "")
    if not host or ".s3-accesspoint." in host or S3Response.subdomain_based_buckets(_Host(host)):
        return None  # moto reads the bucket from the host name
    try:  # moto reads the key from the raw path, percent-decoded as UTF-8
        key_name = match["key"].encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return None  # a path that came undecoded (not from WSGI)
    region = parse_region_from_url(f"http://{host}{path}", use_default_region=False) or region
    try:
        backend: Any = s3_backends[ACCOUNT_ID][get_partition(region)]
        bucket = backend.get_bucket(match["bucket"])
    except Exception:  # no such bucket: moto's path renders it
        return None
    if bucket.policy is not None or bucket.logging or bucket.object_lock_enabled:
        return None  # a policy may refuse; logging writes a record; locks need checks
    storage = headers.get("x-amz-storage-class", "STANDARD")
    answer: dict[str, str] = {}
    algorithm = headers.get("x-amz-sdk-checksum-algorithm", "")
    checksum_header = f"x-amz-checksum-{algorithm.lower()}"
    checksum = headers.get(checksum_header)
    if algorithm and not checksum:
        return None  # moto looks for the value in the body, or computes it
    if checksum:
        answer[checksum_header] = checksum
    # moto's own reading of the metadata and stored headers (it keeps their names in lower case).
    metadata = metadata_from_headers(dict(headers))
    ActionAuthenticatorMixin.request_count += 1  # moto counts every unauthenticated action
    try:
        # moto validates (the storage class) before it stores anything.
        new_key = backend.put_object(
            bucket.name,
            key_name,
            body,
            storage=storage,
            encryption=headers.get("x-amz-server-side-encryption"),
            kms_key_id=None,
            bucket_key_enabled=None,
            lock_mode=None,
            lock_legal_status=None,
            lock_until=None,
            checksum_value=checksum,
        )
    except Exception:
        ActionAuthenticatorMixin.request_count -= 1
        return None
    new_key.set_metadata(metadata)
    new_key.set_acl(bucket.acl)
    new_key.website_redirect_location = None
    if algorithm:
        new_key.checksum_algorithm = algorithm
    backend.put_object_tagging(new_key, {})
    answer.update(new_key.response_dict)
    answer.pop("content-length", None)
    gen_amzn_requestid_long(answer)
    return 200, (*answer.items(), *EMPTY_BODY_HEADERS)


def _plain(headers: Mapping[str, str]) -> bool:
    """Whether moto does no more with these headers than store a plain object."""
    if not math.isinf(moto_settings.INITIAL_NO_AUTH_ACTION_COUNT):
        return False  # moto checks the signature and IAM policies
    if "authorization" not in headers:
        return False  # an anonymous request: moto checks ACLs
    if headers.get("x-amz-content-sha256", "").startswith("STREAMING"):
        return False  # an aws-chunked body: moto decodes it
    if "aws-chunked" in headers.get("content-encoding", ""):
        return False
    if headers.get("content-type", "").startswith(FORM_TYPES):
        return False
    if headers.get("x-amz-server-side-encryption", "AES256") != "AES256":
        return False  # KMS
    for name in headers:
        if name in NOT_PLAIN or name.startswith("x-amz-grant-") or "_" in name:
            return False  # an underscored name reaches moto spelled as sent (wire.py)
    return True
