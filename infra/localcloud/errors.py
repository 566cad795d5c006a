"""Error hierarchy of the local cloud: every error it raises derives from LocalCloudError.

Each class also says, as class attributes, which AWS error it stands for when it reaches a client
(moto's declarative style): ``aws_code``, ``http_status`` and, for services that word their
messages with a fixed opening, ``aws_message_prefix``. ``to_aws_error``
reads them; nothing inspects class names or messages.
"""

from typing import ClassVar


class LocalCloudError(Exception):
    """Base of every error the local cloud raises on purpose.

    One that reaches a client without a more specific mapping is the local cloud's own failure,
    which AWS reports as a 500 ``InternalFailure``.
    """

    aws_code: ClassVar[str] = "InternalFailure"
    http_status: ClassVar[int] = 500
    # Prepended to the message unless it already starts with it.
    aws_message_prefix: ClassVar[str] = ""


def to_aws_error(exc: BaseException) -> tuple[int, str, str]:
    """(HTTP status, AWS error code, message) for ``exc``; anything unforeseen is a 500."""
    if not isinstance(exc, LocalCloudError):
        return 500, LocalCloudError.aws_code, f"{type(exc).__name__}: {exc}"
    message = str(exc)
    prefix = exc.aws_message_prefix
    if not message.startswith(prefix):
        message = prefix + message
    return exc.http_status, exc.aws_code, message
