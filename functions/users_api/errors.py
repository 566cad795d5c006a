"""Errors of users_api, each carrying the HTTP status the handler answers with."""

from shared.errors import UserServiceError


class UsersApiError(UserServiceError):
    """Base class; ``status`` is the HTTP status code for the response."""

    status = 500


class InvalidRequestError(UsersApiError):
    """The request body or path is not what the API expects (400)."""

    status = 400


class UserNotFoundError(UsersApiError):
    """No user with that id, or it was deleted (404)."""

    status = 404


class EmailTakenError(UsersApiError):
    """Another user already has that e-mail address (409)."""

    status = 409


class ConcurrentUpdateError(UsersApiError):
    """The user changed between read and write; the client should re-read and retry (409)."""

    status = 409
