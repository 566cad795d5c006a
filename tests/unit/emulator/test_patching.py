"""Patch and Patches: a missing target is refused, originals come back, groups are atomic."""

from __future__ import annotations

from typing import Any

import pytest

from localcloud.emulator.patching import Patch, Patches, PatchTargetError


class Base:
    def inherited(self) -> str:
        return "base"


class Target(Base):
    def method(self) -> str:
        return "original"

    @classmethod
    def make(cls) -> str:
        return "made"

    @property
    def value(self) -> int:
        return 1


def test_a_patch_replaces_and_undo_restores_the_original_function() -> None:
    patch = Patch(Target, "method", lambda self: "patched")
    patch.apply()
    assert Target().method() == "patched"
    patch.undo()
    assert Target().method() == "original"
    assert "method" in vars(Target)


def test_undo_restores_descriptors_exactly() -> None:
    original_make, original_value = vars(Target)["make"], vars(Target)["value"]
    group = Patches("t")
    group.add(Target, "make", classmethod(lambda cls: "other"))
    group.add(Target, "value", property(lambda self: 2))
    group.apply()
    assert Target.make() == "other" and Target().value == 2
    group.undo()
    assert vars(Target)["make"] is original_make and vars(Target)["value"] is original_value
    assert Target.make() == "made" and Target().value == 1


def test_an_inherited_attribute_is_shadowed_and_then_removed_again() -> None:
    patch = Patch(Target, "inherited", lambda self: "shadow")
    patch.apply()
    assert Target().inherited() == "shadow"
    patch.undo()
    assert "inherited" not in vars(Target)
    assert Target().inherited() == "base"


def test_a_missing_target_is_refused_with_its_name() -> None:
    with pytest.raises(PatchTargetError, match=r"Target\.renamed"):
        Patch(Target, "renamed", lambda self: None).apply()
    assert not hasattr(Target, "renamed")


def test_an_instance_attribute_may_be_shadowed_when_declared() -> None:
    class Holder:
        def __init__(self) -> None:
            self.items: list[int] = []

    # As the SQS store does: a data descriptor whose setter ignores the constructor's value.
    shadow = property(lambda self: [7], lambda self, value: None)
    patch = Patch(Holder, "items", shadow, shadows_instance=True)
    patch.apply()
    assert Holder().items == [7]
    patch.undo()
    assert Holder().items == []


def test_a_group_applies_all_or_none() -> None:
    group = Patches("t")
    group.add(Target, "method", lambda self: "patched")
    group.add(Target, "gone", lambda self: None)
    with pytest.raises(PatchTargetError):
        group.apply()
    assert Target().method() == "original"
    assert not group.applied


def test_applying_twice_and_undoing_twice_are_harmless() -> None:
    calls: list[Any] = []
    patch = Patch(Target, "method", lambda self: calls.append(1) or "patched")
    patch.apply()
    patch.apply()
    patch.undo()
    patch.undo()
    assert Target().method() == "original"
