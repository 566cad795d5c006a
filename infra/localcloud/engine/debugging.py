"""Debug mode as callers ask for it: a function by name or ARN, a port, and where its code runs.

The executor holds the mode (``Executor.debug``/``undebug``: a worker under debugpy, one
environment, no timeout). This resolves the function the caller names and says which folder its
handler runs from, which an IDE's breakpoints must name: the deployer's own folder when it
tagged one (breakpoints by the real file path just work), else the folder its zip was extracted
to (the IDE then maps the local folder to that one).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from localcloud.arns import function_name
from localcloud.emulator.views import FunctionView
from localcloud.engine.errors import FunctionNotFoundError
from localcloud.engine.executor import FunctionSpec

DEFAULT_PORT = 5678  # debugpy's own default, which IDE launch configurations assume


class Catalog(Protocol):
    """What debug mode asks about a function (engine/catalog.py answers)."""

    def function(self, name_or_arn: str) -> FunctionView: ...

    def spec(self, name_or_arn: str) -> FunctionSpec: ...


class DebugTable(Protocol):
    """Where debug mode is held (engine/executor.py)."""

    def debug(self, name: str, port: int) -> int | None: ...

    def undebug(self, name: str) -> int | None: ...

    def debugging(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class DebugState:
    """A function's debug mode after a change: ``port`` None means it is off."""

    function: str
    port: int | None
    previous: int | None  # the port before the change, None if it was off
    code_path: str | None  # the folder the handler runs from (None: not deployed yet)
    local_code: bool  # code_path is the deployer's own folder, not an extracted zip

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Debugging:
    """Starts and stops debug mode for functions named as Lambda's API names them."""

    def __init__(self, catalog: Catalog, executor: DebugTable) -> None:
        self.catalog = catalog
        self.executor = executor

    def start(self, function: str, port: int, *, deployed: bool = True) -> DebugState:
        """Debug ``function`` on ``port``. FunctionNotFoundError when it does not exist, unless
        ``deployed`` is False (``up --debug``: it may be deployed later, by its name).
        DebugPortError when another function's debugger has the port."""
        name, code_path, local = self._locate(function, deployed)
        previous = self.executor.debug(name, port)
        return DebugState(name, port, previous, code_path, local)

    def stop(self, function: str) -> DebugState:
        """Leave debug mode (nothing changes when it was off); its debugged worker is ended."""
        name, code_path, local = self._locate(function, deployed=False)
        previous = self.executor.undebug(name)
        return DebugState(name, None, previous, code_path, local)

    def functions(self) -> dict[str, int]:
        """The functions in debug mode, to their debugger's port."""
        return self.executor.debugging()

    def _locate(self, function: str, deployed: bool) -> tuple[str, str | None, bool]:
        try:
            view = self.catalog.function(function)
            spec = self.catalog.spec(function)
        except FunctionNotFoundError:
            if deployed:
                raise
            return function_name(function), None, False
        code_path = spec.code_paths[0] if spec.code_paths else None
        return spec.name, code_path, code_path is not None and code_path == view.code_path_tag
