"""Event sources for event source mappings, one module per kind, registered in base.SOURCE_KINDS.

Importing this package registers every kind: SQS, DynamoDB Streams and Kinesis; the others plug
in as a module here with an ``@register`` class.
"""

from localcloud.engine.sources import dynamodb, kinesis, sqs
from localcloud.engine.sources.base import (
    SOURCE_KINDS,
    EventSource,
    SourceContext,
    Sources,
    UnsupportedSourceError,
    register,
)

__all__ = [
    "SOURCE_KINDS",
    "EventSource",
    "SourceContext",
    "Sources",
    "UnsupportedSourceError",
    "dynamodb",
    "kinesis",
    "register",
    "sqs",
]
