"""The users API over real HTTP, as curl calls it: requests through the deployed HTTP API, and
the trace from each request to every handler its events reach."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

from localcloud.deploy.report import local_url
from localcloud.pytest_plugin import TraceProbe


def _base(users: Any) -> str:
    url = local_url(users.outputs["UsersApiUrl"], users.stack.cloud.endpoint_url)
    assert url is not None, users.outputs["UsersApiUrl"]
    return url.rstrip("/")


def _call(method: str, url: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, dict(error.headers), error.read()
    return status, headers, json.loads(raw) if raw else None


def test_users_created_over_http_are_traced_from_the_request_to_every_handler(
    users: Any, traces: TraceProbe
) -> None:
    base = _base(users)
    functions = users.functions
    handlers = {functions["AuditLogFunction"], functions["UserDirectoryFunction"]}
    for _ in range(2):
        # GIVEN a user created with POST /users over HTTP
        email = f"http-{uuid.uuid4().hex[:8]}@example.com"
        status, headers, user = _call(
            "POST", f"{base}/users", {"email": email, "name": "Http User", "country": "GB"}
        )
        assert status == 201, user
        assert user["email"] == email
        request_id = headers["apigw-requestid"]

        # THEN the request is the root of a trace
        root = traces.wait_for(
            lambda rid=request_id: [
                h for h in traces.hops("request") if h.detail.get("request_id") == rid
            ],
            message="the request's hop",
        )[0]
        assert root.parent is None
        assert root.resource == "POST /users 201"
        assert root.service == "apigateway"

        # AND under it: the API function, the UserCreated event, and each handler it reaches
        def tree(trace_id: str = root.trace_id) -> list[Any]:
            return traces.store.get(trace_id) or []

        def reached() -> set[str]:
            return {h.resource for h in tree() if h.kind == "invoke" and h.outcome == "ok"}

        traces.wait_for(lambda: handlers <= reached(), message="every handler in the trace")
        by_id = {h.id: h for h in tree()}
        api_call = next(
            h for h in tree() if h.kind == "invoke" and h.resource == functions["UsersApiFunction"]
        )
        assert api_call.parent == root.id
        assert any(
            h.kind == "publish" and h.detail.get("detail_type") == "UserCreated" for h in tree()
        )
        for hop in tree():
            if hop.kind == "invoke" and hop.resource in handlers:
                chain = hop
                while chain.parent in by_id:
                    chain = by_id[chain.parent]
                assert chain.id == root.id  # each handler hangs, hop by hop, from the request

        # AND the user reads back over HTTP
        status, _, read = _call("GET", f"{base}/users/{user['user_id']}")
        assert (status, read["email"]) == (200, email)


def test_unknown_user_and_bad_body_are_the_apis_own_answers(users: Any) -> None:
    base = _base(users)
    status, _, body = _call("GET", f"{base}/users/{uuid.uuid4()}")
    assert status == 404 and "message" in body
    status, _, body = _call("POST", f"{base}/users", {"email": "nope"})
    assert status == 400 and "message" in body
    status, _, body = _call("GET", f"{base}/nothing-here")
    assert (status, body) == (404, {"message": "Not Found"})
