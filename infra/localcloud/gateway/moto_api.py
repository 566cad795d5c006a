"""moto's admin paths under /moto-api/, served only when asked for.

moto's server answers ``POST /moto-api/reset`` (forget every resource), its state manager, seeding
and recorder there, with no authentication. moto's own test suites need them (each server-mode
test resets the server), but anyone who reaches the port could wipe or rewrite every resource, so
the local cloud serves them only with ``localcloud up --moto-api`` (``LOCALCLOUD_MOTO_API=1``);
otherwise they answer 404 saying how to turn them on.

A reset also resets the local cloud's own state that mirrors moto's (event source pollers, warm
function environments, pending retries, traces): the runtime hands the gateway that reset.
"""

from __future__ import annotations

from collections.abc import Callable

from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import Response, json_response

PREFIX = "/moto-api"
# moto also routes requests for this host to its admin app, whatever their path.
HOST = "motoapi.amazonaws.com"
RESET_PATH = f"{PREFIX}/reset"

Reset = Callable[[], None]


def is_moto_api(request: AwsRequest) -> bool:
    path = request.path
    if path == PREFIX or path.startswith(PREFIX + "/"):
        return True
    return request.headers.get("host", "").split(":", 1)[0] == HOST


class MotoApi:
    """Answers /moto-api/ requests: off (404), the local cloud's reset, or moto's admin app."""

    def __init__(self, reset: Reset | None) -> None:
        # None: the paths are off.
        self.reset = reset

    @property
    def enabled(self) -> bool:
        return self.reset is not None

    def answer[T](self, request: AwsRequest, moto: Callable[[], T]) -> Response | T:
        if self.reset is None:
            return json_response(
                {
                    "message": f"{request.path} is one of moto's admin paths, which are off: "
                    "start the local cloud with `localcloud up --moto-api` "
                    "(or LOCALCLOUD_MOTO_API=1) to serve them",
                },
                404,
            )
        if request.path == RESET_PATH and request.method == "POST":
            self.reset()
            return json_response({"status": "ok"})
        return moto()
