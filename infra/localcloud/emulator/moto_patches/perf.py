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
- moto's IAM backend, on every request, looks for the caller's access key in every partition's
  IAM backend (aws, aws-cn, aws-us-gov, ...), creating each missing one; with AWS's managed
  policies loaded (the local cloud loads them: SAM attaches them) each creation builds ~1,600
  policy objects, 0.2 s apiece. After a reset that cost the next requests 0.1 to 1.5 s. A backend
  that was never created holds no access keys, so the search skips those, and a visit to one is
  not recorded; the managed policies are built once per account and partition, and a backend gets
  its own copies (its own attachment counts and versions) when it first uses them.
- A DynamoDB item is built one attribute at a time, each insertion re-measuring every attribute
  already there to enforce the 400 KB limit (quadratic in the attributes); the item is measured
  once instead, with moto's own measure, and refused alike (``ItemSizeTooLarge``) when over.
- Every ``backends[account]`` lookup (several per request) makes sure the account's backend
  exists and then scans the list of every service's backends for itself, comparing ids; once
  the account's backend exists (moto registers the dict in the same step, and its reset clears
  both), the lookup is a plain dict read. So is ``backends[account][region]`` once the region's
  backend exists (moto's lookup checks the same before creating one).
- moto keeps every instance of every model it ever made (for its dashboard) until a reset:
  every message, item and deleted resource stayed in memory. It is kept weakly instead
  (``WeakInstances``), so what was deleted is freed; the dashboard lists what is alive.
"""

from __future__ import annotations

import base64
import functools
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from moto import backends as moto_backends
from moto.core import DEFAULT_ACCOUNT_ID, common_models
from moto.core import base_backend as moto_base_backend
from moto.core import responses as moto_responses
from moto.core import utils as moto_utils
from moto.core.utils import unix_time as moto_unix_time
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamo_type
from moto.dynamodb.models.utilities import bytesize
from moto.iam import models as iam_models
from moto.sns import models as sns_models
from moto.sns import responses as sns_responses
from moto.sqs import models as sqs_models

from localcloud import ids
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
    """184 URL-safe characters, as secrets.token_urlsafe(138) makes them, from the seeded
    generator of ids (ids.py): unique, not secret, and no getrandom call per message."""
    return base64.urlsafe_b64encode(ids.bits(138 * 8).to_bytes(138)).decode()


def account_of_access_key(access_key: str) -> str:
    """moto's get_account_id_from, looking only in the IAM backends that exist."""
    for account_id, account in list(iam_models.iam_backends.items()):
        # dict.values: the partitions' backends created so far (moto's [] creates them)
        for backend in list(dict.values(account)):
            if access_key in backend.access_keys:
                return account_id
    return DEFAULT_ACCOUNT_ID


def visit_recorder(original: Any) -> Any:
    """moto's mark_account_as_visited, skipping a partition whose IAM backend does not exist."""

    def mark_account_as_visited(
        account_id: str, access_key: str, service: str, region: str
    ) -> None:
        account = dict.get(iam_models.iam_backends, account_id)
        if account is None or dict.get(account, iam_models.get_partition(region)) is None:
            return  # no IAM backend there, so no access key to mark as used
        original(account_id, access_key, service, region)

    return mark_account_as_visited


class ManagedPolicies(dict[str, Any]):
    """An IAM backend's managed policies, AWS's own copied in on first use.

    moto fills this dict with ~1,600 AWS managed policies whenever an IAM backend is made: twice a
    test in moto's suites (the reset rebuilds the old backend, the next request makes a new one).
    Most tests never read them; every way of reading or changing the dict copies them in first.
    """

    def __init__(self, load: Callable[[], list[Any]]) -> None:
        super().__init__()
        self._load: Callable[[], list[Any]] | None = load

    def _fill(self) -> None:
        load, self._load = self._load, None
        if load is not None:
            dict.update(self, {policy.arn: policy for policy in load()})

    def __reduce__(self) -> tuple[Any, ...]:
        # Saved state (emulator/state.py) keeps the policies as a plain dict: a subclass would be
        # rebuilt item by item through the filling methods before its loader exists.
        self._fill()
        return (dict, (dict(dict.items(self)),))


def _filling(name: str) -> Any:
    method = getattr(dict, name)

    def filled(self: ManagedPolicies, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        return method(self, *args, **kwargs)

    filled.__name__ = name
    return filled


for _name in (
    "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__len__",
    "__eq__", "__ne__", "__repr__", "__reversed__", "__or__", "__ior__", "get", "keys", "values",
    "items", "pop", "popitem", "setdefault", "update", "copy", "clear",
):  # fmt: skip
    setattr(ManagedPolicies, _name, _filling(_name))


def managed_policies(original: Any) -> Any:
    """IAMBackend._init_managed_policies: AWS's policies built once per account and partition
    (moto's own _init_aws_policies), copied into each backend's dict when it is first used."""
    built: dict[tuple[str, str], list[Any]] = {}
    lock = threading.Lock()

    def _init_managed_policies(self: Any) -> ManagedPolicies:
        key = (self.account_id, self.region_name)

        def load() -> list[Any]:
            with lock:
                if key not in built:
                    built[key] = original(self)
                policies = built[key]
            return [_fresh(policy) for policy in policies]

        return ManagedPolicies(load)

    return _init_managed_policies


def no_policies(self: Any) -> list[Any]:
    """IAMBackend._init_aws_policies: nothing up front (ManagedPolicies copies them in later)."""
    return []


def _fresh(policy: Any) -> Any:
    # What a backend changes on its policies: counts (plain values, copied with the object), tags
    # and versions (containers, replaced by copies). Copied through __dict__: copy.copy's generic
    # protocol costs three times as much, for 3,000 objects per backend.
    clone = object.__new__(type(policy))
    clone.__dict__.update(policy.__dict__)
    clone.tags = dict(policy.tags)
    clone.versions = [_copy(version) for version in policy.versions]
    return clone


def _copy(instance: Any) -> Any:
    clone = object.__new__(type(instance))
    clone.__dict__.update(instance.__dict__)
    return clone


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


class WeakInstances:
    """A model's instances as moto records them for its dashboard (``/moto-api/data.json``)
    and S3's reset, held weakly.

    moto appends every instance of every model to a list on its class and lets go only at a
    reset: every SQS message, DynamoDB item and deleted queue or table stayed in memory for as
    long as the cloud ran (a 2,000-event fan-out left ~160,000 objects behind). Here an instance
    is listed while something else holds it.
    """

    __slots__ = ("_held", "_prune_at")

    def __init__(self) -> None:
        # id -> weak reference; a reference whose instance died is dropped when the dict has
        # doubled since the last sweep (a callback per instance would cost more than the list).
        self._held: dict[int, weakref.ref[Any]] = {}
        self._prune_at = 1024

    def append(self, instance: Any) -> None:
        try:
            self._held[id(instance)] = weakref.ref(instance)
        except TypeError:  # a model with no weak references is not listed
            return
        if len(self._held) >= self._prune_at:
            self._held = {key: ref for key, ref in self._held.items() if ref() is not None}
            self._prune_at = max(1024, 2 * len(self._held))

    def __iter__(self) -> Iterator[Any]:
        alive = (ref() for ref in list(self._held.values()))
        return iter([instance for instance in alive if instance is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def tracked_new(cls: Any, *args: Any, **kwargs: Any) -> Any:
    """``BaseModel.__new__`` recording the instance weakly (``WeakInstances``): the list the
    class was made with, or that moto's reset put back, is replaced on first use."""
    instance = super(common_models.BaseModel, cls).__new__(cls)
    tracked = cls.__dict__.get("instances_tracked")
    # S3's keys and uploads (the models with ``dispose``) stay on moto's list: its reset
    # disposes them, and a key collected before that warns that it was not disposed of.
    if tracked is None or (type(tracked) is list and not hasattr(cls, "dispose")):
        tracked = WeakInstances()
        cls.instances_tracked = tracked
    tracked.append(instance)
    return instance


def patches() -> Patches:
    group = Patches("perf")
    group.add(common_models.BaseModel, "__new__", tracked_new)
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
    group.add(iam_models, "get_account_id_from", account_of_access_key)
    visit = visit_recorder(iam_models.mark_account_as_visited)
    group.add(iam_models, "mark_account_as_visited", visit)
    backend = iam_models.IAMBackend
    group.add(backend, "_init_managed_policies", managed_policies(backend._init_aws_policies))
    group.add(backend, "_init_aws_policies", no_policies)

    group.add(dynamo_type.Item, "__init__", item_init)
    return group
