"""Which API a request is for, from the three URL forms LocalStack users already script against.

- ``/_aws/execute-api/{apiId}/{stage}/{path}`` on the cloud's port;
- ``Host: {apiId}.execute-api.localhost.localstack.cloud[:port]`` with ``/{stage}/{path}``;
- REST's legacy ``/restapis/{apiId}/{stage}/_user_request_/{path}``.

An HTTP API with a ``$default`` stage is addressed without a stage segment, as on AWS: the
first segment is then a stage only when the API has a stage of that name (the door decides,
knowing the API), so ``locate`` returns both readings.
"""

from __future__ import annotations

import re

from localcloud.apigw.model import Located

EXECUTE_API_PREFIX = "/_aws/execute-api/"
HOST_SUFFIX = ".execute-api.localhost.localstack.cloud"
_USER_REQUEST = re.compile(
    r"^/restapis/(?P<api>[^/]+)/(?P<stage>[^/]+)/_user_request_(?P<path>/.*)?$"
)


def execute_api_host(host: str | None) -> str | None:
    """The API id a Host header names (``{id}.execute-api.localhost.localstack.cloud``), or None."""
    if not host:
        return None
    name = host.strip().lower()
    if name.startswith("["):
        return None
    name = name.rsplit(":", 1)[0]
    if not name.endswith(HOST_SUFFIX):
        return None
    api_id = name[: -len(HOST_SUFFIX)]
    return api_id if api_id and "." not in api_id else None


def locate(path: str, host: str | None) -> Located | None:
    """The API, stage and path ``path`` (and ``host``) address, or None: not an API request."""
    api_id = execute_api_host(host)
    if api_id is not None:
        return _staged(api_id, path)
    if path.startswith(EXECUTE_API_PREFIX):
        rest = path[len(EXECUTE_API_PREFIX) :]
        api_id, _, tail = rest.partition("/")
        return _staged(api_id, "/" + tail) if api_id else None
    if path.startswith("/restapis/") and "/_user_request_" in path:
        found = _USER_REQUEST.match(path)
        if found is None:
            return None
        return Located(found["api"], found["stage"], found["path"] or "/")
    return None


def _staged(api_id: str, path: str) -> Located:
    """``/{stage}/{path}``: the first segment may be a stage (or, on $default, the path's)."""
    segment, _, tail = path.lstrip("/").partition("/")
    return Located(api_id, segment or None, "/" + tail, unstaged_path=path or "/")
