"""users_api handler: routes API Gateway HTTP API (payload v2) requests to ``UsersService``.

POST /users creates, PUT /users/{user_id} updates, DELETE /users/{user_id} deletes, GET reads.
Errors become JSON ``{"message": ...}`` with the status the error carries (400, 404, 409).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients
from shared.config import require_env
from users_api.core import CreateUserRequest, UpdateUserRequest, UsersService, parse_request
from users_api.errors import UsersApiError

logger = Logger()
app = APIGatewayHttpResolver()


@cache
def service() -> UsersService:
    """The service wired to this function's tables, built on first use."""
    return UsersService(
        clients.dynamodb(), require_env("USERS_TABLE_NAME"), require_env("OUTBOX_TABLE_NAME")
    )


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(service)


def _correlation_id() -> str:
    return logger.get_correlation_id() or app.current_event.request_context.request_id


@app.post("/users")
def create_user() -> Response[dict[str, Any]]:
    """Create a user; 201 with the user."""
    request = parse_request(CreateUserRequest, app.current_event.decoded_body)
    user = service().create(request, _correlation_id())
    logger.info("user created", extra={"user_id": user.user_id})
    return Response(201, content_types.APPLICATION_JSON, user.to_json())


@app.get("/users/<user_id>")
def get_user(user_id: str) -> dict[str, Any]:
    """Read a user."""
    return service().get(user_id).to_json()


@app.put("/users/<user_id>")
def update_user(user_id: str) -> dict[str, Any]:
    """Update some of a user's fields; 200 with the new state."""
    request = parse_request(UpdateUserRequest, app.current_event.decoded_body)
    user = service().update(user_id, request, _correlation_id())
    logger.info("user updated", extra={"user_id": user_id, "version": user.version})
    return user.to_json()


@app.delete("/users/<user_id>")
def delete_user(user_id: str) -> Response[str]:
    """Delete a user; 204."""
    service().delete(user_id, _correlation_id())
    logger.info("user deleted", extra={"user_id": user_id})
    return Response(204, content_types.APPLICATION_JSON, "")


@app.exception_handler(UsersApiError)
def answer_error(error: UsersApiError) -> Response[dict[str, str]]:
    """Every expected error as JSON with its status; unexpected ones stay 500s and are logged."""
    logger.info("request refused", extra={"status": error.status, "reason": str(error)})
    return Response(error.status, content_types.APPLICATION_JSON, {"message": str(error)})


@logger.inject_lambda_context(
    correlation_id_path='headers."x-correlation-id" || requestContext.requestId'
)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point."""
    return app.resolve(event, context)
