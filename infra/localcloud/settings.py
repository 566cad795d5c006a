"""Every setting of the local cloud, read and validated in one place.

``Settings.from_env()`` reads the ``LOCALCLOUD_*`` variables once (the CLI and the pytest plugin
call it); the runtime takes the result as a plain value, so a test builds
``Settings(async_retry_delays=(0.2, 0.4))`` instead of patching module constants. A bad value is
one ``SettingsError`` naming the variable, what it holds and what it should hold. The README's
table lists the same variables.
"""

from __future__ import annotations

import math
import os
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from localcloud.errors import LocalCloudError


class SettingsError(LocalCloudError):
    """A LOCALCLOUD_* variable holds a value the local cloud cannot use."""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _positive_seconds(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise ValueError("must be a positive number of seconds")
    return value


def _delays(text: str) -> tuple[float, ...]:
    values = tuple(float(part) for part in text.split(","))
    # float() also takes "nan" and "inf", which no timer can wait for
    if any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError("must be non-negative numbers")
    return values


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("must be 1 or 0")


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if any(" " in name for name in names):
        raise ValueError("names must not contain spaces")
    return names


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    if not urllib.parse.urlsplit(text).hostname:
        raise ValueError("names no host")
    return text.rstrip("/")


def _jwks(text: str) -> str:
    for pair in (part.strip() for part in text.split(",") if part.strip()):
        issuer, sep, location = pair.rpartition("=")
        if not sep or not issuer or not location:
            raise ValueError(f"{pair!r} is not issuer=location")
        if location.startswith(("http://", "https://")):
            host = urllib.parse.urlsplit(location).hostname or ""
            if host not in ("localhost", "127.0.0.1", "::1") and not host.startswith("127."):
                raise ValueError(f"{location} is not a loopback URL")
    return text.strip()


@dataclass(frozen=True)
class Settings:
    """The local cloud's settings; the defaults are what an unset variable means."""

    # Seconds between the attempts of an asynchronous invocation (AWS: about 1 and 2 minutes).
    async_retry_delays: tuple[float, ...] = (1.0, 2.0)
    # Threads running asynchronous invocations and EventBridge deliveries.
    async_workers: int = 16
    # Environments a function without reserved concurrency may run at once.
    max_concurrency: int = 4
    # Handlers' AWS calls to the local cloud travel over their worker's call pipes, not HTTP.
    direct_calls: bool = True
    # Seconds an unused execution environment lives before its process is ended.
    worker_idle_s: float = 300.0
    # What a function's log group keeps of its invocations' lines, oldest dropped first.
    log_group_max_bytes: int = 4 * 1024 * 1024
    # The trace store keeps this many traces (oldest dropped first) of this many hops each.
    trace_max_traces: int = 5000
    trace_max_hops: int = 500
    # Start one environment per function (its init done) when it is created or reconfigured.
    warm: bool = False
    # Where the CLI finds a running local cloud.
    endpoint: str = "http://127.0.0.1:4566"
    # Keep full tracebacks in `localcloud up`'s log.
    debug: bool = False
    # Web origins (besides the cloud's own) that may call the cloud from a browser.
    cors_origins: tuple[str, ...] = ()
    # Host names (besides loopback names and IP addresses) the cloud answers to.
    allowed_hosts: tuple[str, ...] = ()
    # Seconds an idle client connection is kept open.
    idle_connection_s: int = 10
    # A folder to keep the whole state in across restarts ("": nothing is kept), and how often
    # it is saved while the cloud runs (besides at a clean stop).
    state_dir: str = ""
    state_interval_s: int = 30
    # Where function and layer builds (their requirements installed) are kept ("": the user's
    # cache folder, ~/.cache/localcloud/builds).
    build_dir: str = ""
    # Serve moto's /moto-api admin paths (reset, state manager, seeding): anyone who reaches the
    # port could wipe or rewrite every resource, so they are off unless asked for (moto's own
    # test suites need them: `make test-moto`).
    moto_api: bool = False
    # Where HTTP APIs' JWT authorizers find their issuers' signing keys: issuer=location pairs,
    # a location being a JWKS file or a loopback URL (nothing is fetched off the machine).
    jwks: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment asks for; SettingsError names a bad variable."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = variable(item.name)
            if name not in env:
                continue
            raw = env[name]
            try:
                values[item.name] = PARSERS[item.name](raw)
            except ValueError as exc:
                raise SettingsError(
                    f"{name}={raw!r} is not valid ({exc}); expected {EXPECTED[item.name]}, "
                    f"or unset it for the default"
                ) from exc
        return cls(**values)


def variable(field_name: str) -> str:
    """The environment variable of a setting."""
    return "LOCALCLOUD_" + field_name.upper()


PARSERS: dict[str, Callable[[str], Any]] = {
    "async_retry_delays": _delays,
    "async_workers": _positive_int,
    "max_concurrency": _positive_int,
    "direct_calls": _flag,
    "worker_idle_s": _positive_seconds,
    "log_group_max_bytes": _positive_int,
    "trace_max_traces": _positive_int,
    "trace_max_hops": _positive_int,
    "warm": _flag,
    "endpoint": _url,
    "debug": _flag,
    "cors_origins": _names,
    "allowed_hosts": _names,
    "idle_connection_s": _positive_int,
    "state_dir": str.strip,
    "state_interval_s": _positive_int,
    "build_dir": str.strip,
    "moto_api": _flag,
    "jwks": _jwks,
}
EXPECTED = {
    "async_retry_delays": "seconds separated by commas, e.g. 1,2",
    "async_workers": "a whole number of at least 1",
    "max_concurrency": "a whole number of at least 1",
    "direct_calls": "1 (on) or 0 (off)",
    "worker_idle_s": "seconds, more than 0, e.g. 300",
    "log_group_max_bytes": "a whole number of bytes of at least 1, e.g. 4194304",
    "trace_max_traces": "a whole number of at least 1",
    "trace_max_hops": "a whole number of at least 1",
    "warm": "1 (on) or 0 (off)",
    "endpoint": "a URL such as http://127.0.0.1:4566",
    "debug": "1 (on) or 0 (off)",
    "cors_origins": "origins separated by commas, e.g. http://localhost:3000",
    "allowed_hosts": "host names separated by commas, e.g. devbox.example",
    "idle_connection_s": "a whole number of seconds, at least 1",
    "state_dir": "a folder path",
    "state_interval_s": "a whole number of seconds, at least 1",
    "build_dir": "a folder path",
    "moto_api": "1 (on) or 0 (off)",
    "jwks": "issuer=location pairs separated by commas, a location being a JWKS file or a "
    "loopback URL, e.g. https://issuer.example=/path/jwks.json",
}
