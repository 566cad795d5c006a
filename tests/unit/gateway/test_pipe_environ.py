"""The environ a handler's call becomes when moto answers it: what moto's own server would give
moto (the raw request target, underscored S3 metadata headers). No network."""

from __future__ import annotations

from moto.core.request import PRESERVED_HEADER_NAMES_ENVIRON_KEY

from localcloud.engine.callframe import Call
from localcloud.gateway import pipe


def test_a_pipe_call_reaches_moto_with_the_raw_target_and_underscored_metadata() -> None:
    call = Call(
        "PUT",
        "http://127.0.0.1:4566/bucket/dir/x%3Fy?tagging",
        [("x-amz-meta-my_key", "v"), ("x-amz-meta-plain", "p"), ("x_other", "no")],
        b"data",
    )

    environ = pipe._environ(call, b"data")

    assert environ["RAW_URI"].split("?")[0] == "/bucket/dir/x%3Fy"  # as sent, not decoded
    assert environ["PATH_INFO"] == "/bucket/dir/x?y"
    assert environ["HTTP_X_AMZ_META_MY_KEY"] == "v"
    assert environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] == {
        "HTTP_X_AMZ_META_MY_KEY": "x-amz-meta-my_key"
    }
    assert environ["HTTP_X_AMZ_META_PLAIN"] == "p"
    assert "HTTP_X_OTHER" not in environ  # dropped, as over HTTP
