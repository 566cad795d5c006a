"""A template runtime other than the Python that runs handlers here is reported once."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from typing import Any

import pytest


def test_a_different_runtime_is_reported_once(
    lam: Any, role_arn: str, code_zip: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    other = "python3.9" if here != "python3.9" else "python3.10"
    name = f"fn-runtime-{uuid.uuid4().hex[:8]}"
    lam.create_function(
        FunctionName=name,
        Runtime=other,
        Role=role_arn,
        Handler="basic.echo",
        Code={"ZipFile": code_zip},
        Timeout=10,
    )
    try:
        with caplog.at_level(logging.WARNING, logger="localcloud.engine"):
            for _ in range(3):
                response = lam.invoke(FunctionName=name, Payload=json.dumps({"n": 1}).encode())
                assert "FunctionError" not in response
        notices = [r.getMessage() for r in caplog.records if name in r.getMessage()]
        assert len(notices) == 1
        assert other in notices[0] and here in notices[0]
    finally:
        lam.delete_function(FunctionName=name)
