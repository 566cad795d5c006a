"""`up --debug FUNCTION[:PORT]` and `invoke FUNCTION --debug [PORT]` as the parser reads them."""

from __future__ import annotations

import pytest

from localcloud.cli import build_parser
from localcloud.cli.invoke import waiting_message


def test_up_debug_takes_functions_with_or_without_a_port_repeatedly() -> None:
    args = build_parser().parse_args(
        ["up", "--debug", "orders", "--debug", "billing:5700", "--debug", "arn:aws:lambda:x"]
    )
    assert args.debug == [("orders", 5678), ("billing", 5700), ("arn:aws:lambda:x", 5678)]


@pytest.mark.parametrize("value", ["orders:80", "orders:99999", ":5700"])
def test_up_debug_refuses_a_port_out_of_range_or_no_function(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["up", "--debug", value])
    assert "expected FUNCTION or FUNCTION:PORT" in capsys.readouterr().err


def test_invoke_debug_port_is_optional() -> None:
    parser = build_parser()
    assert parser.parse_args(["invoke", "orders"]).debug is None
    assert parser.parse_args(["invoke", "orders", "--debug"]).debug == 5678
    assert parser.parse_args(["invoke", "orders", "--debug", "5700"]).debug == 5700


def test_invoke_debug_before_the_function_says_to_write_the_function_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["invoke", "--debug", "orders"])
    assert "write FUNCTION first" in capsys.readouterr().err


def test_the_waiting_message_says_where_breakpoints_go() -> None:
    base = {"function": "orders", "port": 5678, "previous": None}
    local = waiting_message({**base, "code_path": "/src/orders", "local_code": True})
    zipped = waiting_message({**base, "code_path": "/tmp/code/ab12", "local_code": False})

    assert local.startswith("waiting for a debugger on 127.0.0.1:5678")
    assert "/src/orders: set breakpoints in those files" in local
    assert "extracted to /tmp/code/ab12: map your code folder to it with pathMappings" in zipped


def test_invoke_debug_refuses_async_which_would_not_wait_for_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from localcloud.cli import main

    code = main(["invoke", "orders", "--debug", "--async", "--endpoint", "http://127.0.0.1:9"])

    assert code == 2
    assert "drop --async" in capsys.readouterr().err
