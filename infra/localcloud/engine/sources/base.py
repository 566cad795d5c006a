"""Event sources: what polls a queue or stream for an event source mapping, one class per kind.

Shaped like deploy/kinds: a small base class with three hooks (start, update, stop), registered
by the service its source ARNs name. ``Sources`` keeps one running source per mapping and starts,
reconfigures or stops it as mappings change; a mapping on a service no source serves is an
``UnsupportedSourceError`` listing the supported ones, not a silent no-op.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Protocol

from localcloud import trace
from localcloud.arns import service_of
from localcloud.emulator.views import MappingView
from localcloud.engine.errors import EngineError
from localcloud.engine.executor import InvocationResult
from localcloud.engine.senders import Deliver
from localcloud.trace import TraceStore


class UnsupportedSourceError(EngineError):
    """An event source mapping names a service no source here can read."""

    def __init__(self, source_arn: str, supported: list[str]) -> None:
        super().__init__(
            f"the local cloud cannot read event sources of {service_of(source_arn) or '?'} "
            f"({source_arn}); supported: {', '.join(supported)}"
        )


class Invoke(Protocol):
    def invoke(
        self,
        function: str,
        payload: bytes,
        context: trace.TraceContext | None = None,
        wait: bool = True,
        source: str = "invoke",
    ) -> InvocationResult: ...


class Concurrency(Protocol):
    def concurrency(self, name_or_arn: str) -> int: ...


@dataclass(frozen=True)
class SourceContext:
    """What every source uses: the invoker, the function catalog, the trace store, senders."""

    invoker: Invoke
    catalog: Concurrency
    traces: TraceStore
    # Where stream sources send the records they give up on (OnFailure destinations).
    deliver: Deliver | None = None


class EventSource(ABC):
    """Delivers the records of one source to one function, per one event source mapping."""

    service: ClassVar[str]

    def __init__(self, mapping: MappingView, context: SourceContext) -> None:
        self.mapping = mapping
        self.context = context

    @abstractmethod
    def start(self) -> None:
        """Begin delivering (the mapping's ``enabled`` flag is honoured by the source)."""

    @abstractmethod
    def update(self, mapping: MappingView) -> None:
        """Take the mapping's new settings."""

    @abstractmethod
    def stop(self) -> None:
        """Stop delivering; records in flight settle as the source's rules say."""

    @abstractmethod
    def join(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for the source's own thread to end after ``stop``."""


SOURCE_KINDS: dict[str, type[EventSource]] = {}


def register(kind: type[EventSource]) -> type[EventSource]:
    """Class decorator: ``kind`` reads mappings whose source ARN names ``kind.service``."""
    SOURCE_KINDS[kind.service] = kind
    return kind


class Sources:
    """The running sources, one per event source mapping."""

    def __init__(
        self,
        context: SourceContext,
        kinds: dict[str, type[EventSource]] | None = None,
    ) -> None:
        self.context = context
        self.kinds = SOURCE_KINDS if kinds is None else kinds
        self._running: dict[str, EventSource] = {}
        self._lock = threading.Lock()

    def check(self, source_arn: str) -> None:
        """Raise UnsupportedSourceError unless a source kind reads the ARN's service."""
        if service_of(source_arn) not in self.kinds:
            raise UnsupportedSourceError(source_arn, sorted(self.kinds))

    def changed(self, mapping: MappingView, deleted: bool = False) -> None:
        """Start, reconfigure or (``deleted``) stop the source of a mapping."""
        with self._lock:
            source = self._running.get(mapping.uuid)
            if deleted:
                if source is not None:
                    source.stop()
                    del self._running[mapping.uuid]
                return
            if source is not None:
                source.update(mapping)
                return
            self.check(mapping.source_arn)
            source = self.kinds[mapping.source_service](mapping, self.context)
            source.start()
            self._running[mapping.uuid] = source

    def running(self) -> list[EventSource]:
        with self._lock:
            return list(self._running.values())

    def close(self, timeout: float = 2.0) -> None:
        """Stop every source and wait (bounded) until none reads its source any more."""
        with self._lock:
            sources = list(self._running.values())
            self._running.clear()
        for source in sources:
            source.stop()
        deadline = time.monotonic() + timeout
        for source in sources:
            source.join(max(0.0, deadline - time.monotonic()))
