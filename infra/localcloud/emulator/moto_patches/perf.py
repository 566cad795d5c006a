"""Speed patches: the same answers from moto with less work per request.

Each one is measured by `make bench`; none changes what moto answers.

- moto's dispatcher lists its package folder on every request to recognise service hosts: the
  list is made once.
- moto renders every attribute and response field name through a character-by-character
  camelCase conversion (for SQS, once per attribute on every send); the names are few, so the
  conversion is remembered.
- moto's SQS asks for the time through datetime arithmetic for every message it looks at; the
  same epoch seconds come straight from ``time.time()``.
- moto draws a receipt handle's 185 letters one ``random.choice`` at a time; the same length of
  URL-safe random text comes from one call.
- A DynamoDB item is built one attribute at a time, each insertion re-measuring every attribute
  already there to enforce the 400 KB limit (quadratic in the attributes); the item is measured
  once instead, with moto's own measure, and refused alike (``ItemSizeTooLarge``) when over.
- Every ``backends[account]`` lookup (several per request) makes sure the account's backend
  exists and then scans the list of every service's backends for itself, comparing ids; once
  the account's backend exists (moto registers the dict in the same step, and its reset clears
  both), the lookup is a plain dict read. So is ``backends[account][region]`` once the region's
  backend exists (moto's lookup checks the same before creating one).
"""

from __future__ import annotations

import functools
import secrets
import time
from typing import Any

from moto import backends as moto_backends
from moto.core import base_backend as moto_base_backend
from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.core.utils import unix_time as moto_unix_time
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamo_type
from moto.dynamodb.models.utilities import bytesize
from moto.sns import models as sns_models
from moto.sns import responses as sns_responses
from moto.sqs import models as sqs_models

from localcloud.emulator.patching import Patches

# Every module that imported moto's camelcase_to_underscores by name.
CAMELCASE_USERS = (
    moto_utils,
    moto_responses,
    sqs_models,
    sns_models,
    sns_responses,
)


def unix_time(dt: Any = None) -> float:
    return time.time() if dt is None else moto_unix_time(dt)


def unix_time_millis(dt: Any = None) -> float:
    return time.time() * 1000.0 if dt is None else moto_unix_time(dt) * 1000.0


def receipt_handle() -> str:
    return secrets.token_urlsafe(138)


def account_backends(original: Any) -> Any:
    """A backends ``__getitem__`` answering from the dict when the key (an account, or a
    region of one) is there; moto's own lookup otherwise (it creates what is missing, and maps
    ``global`` to ``aws``)."""

    def lookup(self: Any, key: str) -> Any:
        try:
            return dict.__getitem__(self, key)
        except KeyError:  # first use: moto creates and registers it
            return original(self, key)

    return lookup


# moto's LimitedSizeDict limit: "between 409 and 410KB" on AWS, moto takes 405,000 bytes.
ITEM_SIZE_LIMIT = 405_000


def item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """``Item.__init__`` measuring the item once, as LimitedSizeDict measures each insertion:
    a name counts its UTF-8 bytes, a value its ``DynamoType.size()``. Every insertion's total is
    at most the last one's, so refusing when the whole item is over is refusing as moto does."""
    self.hash_key = hash_key
    self.range_key = range_key
    values = {key: dynamo_type.DynamoType(value) for key, value in attrs.items()}
    if sum(bytesize(key) + value.size() for key, value in values.items()) > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = dynamo_type.LimitedSizeDict()
    dict.update(self.attrs, values)  # dict's own update: no per-key re-measuring


def patches() -> Patches:
    group = Patches("perf")
    backend_dict = moto_base_backend.BackendDict
    group.add(backend_dict, "__getitem__", account_backends(backend_dict.__getitem__))
    regions = moto_base_backend.AccountSpecificBackend
    group.add(regions, "__getitem__", account_backends(regions.__getitem__))
    modules = tuple(moto_backends.list_of_moto_modules())
    group.add(moto_backends, "list_of_moto_modules", lambda: modules)
    convert = functools.lru_cache(maxsize=8192)(moto_utils.camelcase_to_underscores)
    for module in CAMELCASE_USERS:
        group.add(module, "camelcase_to_underscores", convert)
    group.add(sqs_models, "unix_time", unix_time)
    group.add(sqs_models, "unix_time_millis", unix_time_millis)
    group.add(sqs_models, "generate_receipt_handle", receipt_handle)
    group.add(dynamo_type.Item, "__init__", item_init)
    return group
