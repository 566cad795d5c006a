"""Guarded patches of third-party attributes: refuse a missing target, keep the original, undo.

A bare ``setattr`` on an attribute a moto upgrade renamed quietly adds a new attribute and the
patch never runs. ``Patch`` refuses that: applying it to a target that lacks the attribute raises
``PatchTargetError`` naming both. ``Patches`` groups the patches of one service, applies them all
or none, and undoes them in reverse order, so a local cloud that stops leaves moto as it found it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from localcloud.errors import LocalCloudError

_INHERITED = object()


class PatchTargetError(LocalCloudError, AttributeError):
    """The attribute a patch replaces does not exist (moto changed: see test_moto_surface.py)."""


class Patch:
    """Replaces ``target.name`` with ``new`` while applied.

    ``shadows_instance``: the class has no such attribute because every instance sets its own
    in the constructor, and ``new`` is a data descriptor that takes its place (the surface test
    checks the constructor still sets it).
    """

    def __init__(self, target: Any, name: str, new: Any, shadows_instance: bool = False) -> None:
        self.target = target
        self.name = name
        self.new = new
        self.shadows_instance = shadows_instance
        # What the target itself held before (a function, property or classmethod descriptor,
        # unbound), or _INHERITED when the attribute came from a base class or the instance.
        self._saved: Any = _INHERITED
        self.applied = False

    @property
    def label(self) -> str:
        owner = getattr(self.target, "__qualname__", None) or getattr(
            self.target, "__name__", type(self.target).__name__
        )
        return f"{getattr(self.target, '__module__', '') or ''}.{owner}.{self.name}".lstrip(".")

    def apply(self) -> None:
        if self.applied:
            return
        if not self.shadows_instance and not hasattr(self.target, self.name):
            raise PatchTargetError(
                f"cannot patch {self.label}: the attribute does not exist in this moto version"
            )
        own = getattr(self.target, "__dict__", {})
        self._saved = own.get(self.name, _INHERITED)
        setattr(self.target, self.name, self.new)
        self.applied = True

    def undo(self) -> None:
        if not self.applied:
            return
        if self._saved is _INHERITED:
            delattr(self.target, self.name)
        else:
            setattr(self.target, self.name, self._saved)
        self._saved = _INHERITED
        self.applied = False


class Patches:
    """The patches of one service, applied together and undone together."""

    def __init__(self, name: str, patches: Iterable[Patch] = ()) -> None:
        self.name = name
        self._patches = list(patches)

    def add(self, target: Any, name: str, new: Any, shadows_instance: bool = False) -> Patch:
        patch = Patch(target, name, new, shadows_instance)
        self._patches.append(patch)
        return patch

    def function(self, target: Any, name: str) -> Callable[[Callable[..., Any]], Patch]:
        """Decorator form: ``@group.function(Backend, "method")`` adds a patch to the group."""

        def register(new: Callable[..., Any]) -> Patch:
            return self.add(target, name, new)

        return register

    def __iter__(self) -> Iterator[Patch]:
        return iter(self._patches)

    @property
    def applied(self) -> bool:
        return any(p.applied for p in self._patches)

    def apply(self) -> None:
        """Apply every patch, or none: a missing target undoes those already applied."""
        done: list[Patch] = []
        try:
            for patch in self._patches:
                patch.apply()
                done.append(patch)
        except BaseException:
            for patch in reversed(done):
                patch.undo()
            raise

    def undo(self) -> None:
        for patch in reversed(self._patches):
            patch.undo()
