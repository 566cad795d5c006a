"""EventBridge pattern conformance: the 155 AWS-checked cases in /work/shared/conformance.

The file name carries AWS's verdict: `name` matches, `name_NEG` does not, `name_EXC` is an invalid
pattern. The engine must agree on every case; the summary test counts and prints the agreement.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import json5
import pytest

from localcloud.routing import InvalidEventPatternError, compile_event_pattern

CORPUS = (
    Path(os.environ.get("LOCALCLOUD_CONFORMANCE_DIR", "/work/shared/conformance"))
    / "eventbridge-patterns"
)
EXPECTED_CASES = 155
CASES = sorted(CORPUS.glob("*.json5"))

pytestmark = pytest.mark.skipif(not CASES, reason=f"conformance corpus not found at {CORPUS}")


def expected_outcome(case: Path) -> str:
    if case.stem.endswith("_EXC"):
        return "invalid"
    if case.stem.endswith("_NEG"):
        return "no match"
    return "match"


def actual_outcome(case: Path) -> str:
    document: dict[str, Any] = json5.loads(case.read_text(encoding="utf-8"))
    try:
        pattern = compile_event_pattern(document["EventPattern"])
    except InvalidEventPatternError:
        return "invalid"
    return "match" if pattern.matches(document["Event"]) else "no match"


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_engine_agrees_with_aws(case: Path) -> None:
    assert actual_outcome(case) == expected_outcome(case)


def test_every_corpus_case_agrees_with_aws(record_property: Any) -> None:
    disagreements = [case.stem for case in CASES if actual_outcome(case) != expected_outcome(case)]
    agreed = len(CASES) - len(disagreements)
    record_property("conformance", f"{agreed}/{len(CASES)}")
    print(f"\nEventBridge conformance: {agreed}/{len(CASES)}")
    assert len(CASES) == EXPECTED_CASES
    assert disagreements == []


def test_invalid_corpus_patterns_say_why() -> None:
    for case in CASES:
        if expected_outcome(case) != "invalid":
            continue
        document = json5.loads(case.read_text(encoding="utf-8"))
        with pytest.raises(InvalidEventPatternError) as raised:
            compile_event_pattern(document["EventPattern"])
        assert str(raised.value).startswith("Event pattern is not valid. Reason: "), case.stem
