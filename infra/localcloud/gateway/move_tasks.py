"""SQS's message move task operations, answered by the engine's move tasks (moto has none).

The three handlers read the JSON request, leave the work to ``MessageMoves`` (ports.py;
engine/move_tasks.py) and write its answer in SQS's JSON shape. SQS's older query protocol is
refused with a clear error: every SDK that knows these operations also speaks SQS's JSON.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from localcloud.gateway.errors import (
    InvalidActionError,
    MissingParameterError,
    ParameterValueError,
    SerializationError,
)
from localcloud.gateway.ports import MessageMoves
from localcloud.gateway.request import AwsRequest
from localcloud.gateway.response import AMZ_JSON, Response, json_response

if TYPE_CHECKING:
    from localcloud.gateway.routes import Collaborators


class MoveTasksUnavailableError(InvalidActionError):
    """This gateway was built without move tasks."""


def _moves(collaborators: Collaborators) -> MessageMoves:
    moves = collaborators.moves
    if moves is None:
        raise MoveTasksUnavailableError("message move tasks are not served by this gateway")
    return moves


def _document(request: AwsRequest) -> dict[str, Any]:
    if request.protocol != "json":
        raise InvalidActionError(
            f"{request.operation} is served over SQS's JSON protocol only: use an SDK that "
            "sends SQS requests as JSON (boto3 1.34 or newer)"
        )
    try:
        document = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise SerializationError(f"Could not parse request body into json: {exc}") from exc
    if not isinstance(document, dict):
        raise SerializationError("The request body must be a JSON object")
    return document


def _string(document: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = document.get(name)
    if value is None or value == "":
        if required:
            raise MissingParameterError(f"The request must contain the parameter {name}.")
        return None
    if not isinstance(value, str):
        raise ParameterValueError(f"Value for parameter {name} is invalid. Reason: not a string.")
    return value


def _integer(document: dict[str, Any], name: str) -> int | None:
    value = document.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ParameterValueError(f"Value for parameter {name} is invalid. Reason: not a number.")
    return value


def _answer(body: dict[str, Any]) -> Response:
    return json_response(body, content_type=AMZ_JSON)


def start(collaborators: Collaborators, request: AwsRequest) -> Response:
    """StartMessageMoveTask: the new task's TaskHandle."""
    document = _document(request)
    handle = _moves(collaborators).start(
        str(_string(document, "SourceArn")),
        _string(document, "DestinationArn", required=False),
        _integer(document, "MaxNumberOfMessagesPerSecond"),
    )
    return _answer({"TaskHandle": handle})


def list_tasks(collaborators: Collaborators, request: AwsRequest) -> Response:
    """ListMessageMoveTasks: the source queue's newest tasks, newest first."""
    document = _document(request)
    max_results = _integer(document, "MaxResults")
    results = _moves(collaborators).list(
        str(_string(document, "SourceArn")), 1 if max_results is None else max_results
    )
    return _answer({"Results": results})


def cancel(collaborators: Collaborators, request: AwsRequest) -> Response:
    """CancelMessageMoveTask: how many messages the task had moved."""
    document = _document(request)
    moved = _moves(collaborators).cancel(str(_string(document, "TaskHandle")))
    return _answer({"ApproximateNumberOfMessagesMoved": moved})
