"""Route matching: the most specific route wins, as API Gateway chooses."""

from __future__ import annotations

import pytest

from localcloud.apigw.model import RouteView
from localcloud.apigw.router import Router


def routes(*keys: str) -> list[RouteView]:
    return [RouteView(key=key, integration=None, id=key) for key in keys]


def chosen(router: Router, method: str, path: str) -> str | None:
    match = router.match(method, path)
    return None if match is None else match.route.key


HTTP_ROUTES = routes(
    "GET /pets",
    "GET /pets/{id}",
    "GET /pets/dog/{id}",
    "ANY /pets/{proxy+}",
    "POST /pets/{id}",
    "ANY /pets/{id}",
    "GET /{proxy+}",
    "$default",
)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/pets", "GET /pets"),
        ("GET", "/pets/", "GET /pets"),  # one trailing slash is ignored
        ("GET", "/pets/7", "GET /pets/{id}"),
        ("POST", "/pets/7", "POST /pets/{id}"),
        ("DELETE", "/pets/7", "ANY /pets/{id}"),  # a method beats ANY; ANY takes the rest
        ("GET", "/pets/dog/7", "GET /pets/dog/{id}"),  # literal segment beats a variable
        ("GET", "/pets/7/toys/1", "ANY /pets/{proxy+}"),  # greedy, one or more segments
        ("GET", "/shop/cart", "GET /{proxy+}"),
        ("POST", "/shop/cart", "$default"),
        ("PUT", "/", "$default"),
    ],
)
def test_http_api_picks_the_most_specific_route(method: str, path: str, expected: str) -> None:
    assert chosen(Router(HTTP_ROUTES, rest=False), method, path) == expected


def test_path_parameters_are_decoded_and_greedy_keeps_slashes() -> None:
    router = Router(routes("GET /files/{name}", "GET /tree/{path+}"), rest=False)
    match = router.match("GET", "/files/a%20b")
    assert match is not None and dict(match.path_parameters) == {"name": "a b"}
    match = router.match("GET", "/tree/a/b/c.txt")
    assert match is not None and dict(match.path_parameters) == {"path": "a/b/c.txt"}


def test_an_http_api_without_default_route_finds_nothing() -> None:
    router = Router(routes("GET /pets"), rest=False)
    assert router.match("POST", "/pets") is None
    assert router.match("GET", "/cats") is None


def test_greedy_needs_at_least_one_segment() -> None:
    router = Router(routes("ANY /{proxy+}"), rest=False)
    assert router.match("GET", "/") is None
    assert chosen(router, "GET", "/a") == "ANY /{proxy+}"


def test_rest_chooses_the_resource_first_then_its_method() -> None:
    # /users exists with POST only: a GET is not found even though /{proxy+} has ANY.
    router = Router(routes("POST /users", "ANY /{proxy+}", "GET /"), rest=True)
    assert router.match("GET", "/users") is None
    assert chosen(router, "POST", "/users") == "POST /users"
    assert chosen(router, "GET", "/other/thing") == "ANY /{proxy+}"
    assert chosen(router, "GET", "/") == "GET /"


def test_rest_has_no_default_route() -> None:
    router = Router(routes("GET /a", "$default"), rest=True)
    assert router.match("GET", "/b") is None
