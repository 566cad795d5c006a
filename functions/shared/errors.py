"""Errors raised by the shared code; each function translates them at its boundary."""


class UserServiceError(Exception):
    """Base class of every error the user service raises on purpose."""


class PoisonEventError(UserServiceError):
    """An event that can never be processed (malformed, wrong schema): retrying will not help.

    Handlers let it fail the record or invocation anyway, so it ends up in the DLQ or on-failure
    destination where it can be inspected, instead of being dropped.
    """


class PublishError(UserServiceError):
    """A publish call reported failed entries; retryable, the caller's retry policy applies."""
