"""importer: row validation with row numbers, stable ids, batched publishing, kept rejects."""

from __future__ import annotations

import json

import pytest
from functions_support import EVENTS, AwsResources, FakeLambdaContext, load_event

from importer import app, cli
from importer.core import plan_import
from importer.errors import ImportFileError, InvalidImportRequestError
from shared.contracts import derived_event_id

DEMO_CSV = (EVENTS / "demo" / "signups.csv").read_text()


def test_plan_numbers_rows_like_a_spreadsheet_and_gives_reasons() -> None:
    plan = plan_import(DEMO_CSV, correlation_id="c-1")

    assert [reject.row for reject in plan.rejects] == [6]
    assert "email" in plan.rejects[0].reason
    assert plan.rejects[0].record["email"] == "not-an-email"
    assert plan.repeats == [7]
    assert len(plan.events) == 7


def test_repeated_signup_keeps_its_ids_so_consumers_deduplicate() -> None:
    plan = plan_import(
        "email,name,country\nGrace@Example.com,Grace,US\ngrace@example.com ,Grace,us\n", "c"
    )

    first, second = plan.events
    assert first.event_id == second.event_id == derived_event_id("signup", "grace@example.com")
    assert first.user_id == derived_event_id("user", "grace@example.com")
    assert (second.email, second.country) == ("grace@example.com", "US")


def test_row_with_too_many_fields_is_rejected() -> None:
    plan = plan_import("email,name,country\na@example.com,A,GB,extra\n", "c")

    assert [(r.row, r.reason) for r in plan.rejects] == [(2, "4 fields, header has 3")]


def test_header_without_required_columns_fails_the_whole_file() -> None:
    with pytest.raises(ImportFileError, match="missing country"):
        plan_import("email,name\na@example.com,A\n", "c")


@pytest.fixture
def wired(aws: AwsResources, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    topic_arn, topic_queue = aws.topic_with_queue()
    rejects_url, _ = aws.queue()
    bus_queue = aws.bus_with_queue("users")
    monkeypatch.setenv("SIGNUPS_TOPIC_ARN", topic_arn)
    monkeypatch.setenv("IMPORT_REJECTS_QUEUE_URL", rejects_url)
    monkeypatch.setenv("EVENT_BUS_NAME", "users")
    return {
        "topic_arn": topic_arn,
        "topic_queue": topic_queue,
        "rejects": rejects_url,
        "bus_queue": bus_queue,
    }


def test_handler_publishes_valid_rows_and_keeps_the_invalid_one(aws, wired) -> None:
    report = app.lambda_handler(load_event("importer", "inline_csv"), FakeLambdaContext())

    assert report["published"] == 3
    assert [r["row"] for r in report["rejected"]] == [4]
    assert report["repeated_rows"] == [5]
    on_topic = aws.drain(wired["topic_queue"])
    assert sorted(json.loads(m["Body"])["email"] for m in on_topic) == [
        "alan@example.com",
        "grace@example.com",
        "grace@example.com",
    ]
    assert {m["MessageAttributes"]["event_type"]["StringValue"] for m in on_topic} == {
        "UserCreated"
    }
    [kept] = aws.drain(wired["rejects"])
    assert json.loads(kept["Body"])["row"] == 4
    assert "email" in kept["MessageAttributes"]["reason"]["StringValue"]
    on_bus = aws.bus_events(wired["bus_queue"])
    assert {(e["source"], e["detail-type"]) for e in on_bus} == {("users.importer", "UserCreated")}
    assert len(on_bus) == 3


def test_handler_reads_the_csv_from_s3(aws, wired) -> None:
    bucket = aws.bucket()
    aws.s3.put_object(Bucket=bucket, Key="imports/signups.csv", Body=DEMO_CSV.encode())

    report = app.lambda_handler(
        {"bucket": bucket, "key": "imports/signups.csv"}, FakeLambdaContext()
    )

    assert report["source"] == f"s3://{bucket}/imports/signups.csv"
    assert report["published"] == 7
    assert len(aws.drain(wired["topic_queue"])) == 7


def test_handler_publishes_in_batches_of_ten(aws, wired) -> None:
    rows = "".join(f"user{n}@example.com,User {n},GB\n" for n in range(23))

    report = app.lambda_handler({"csv": "email,name,country\n" + rows}, FakeLambdaContext())

    assert report["published"] == 23
    assert len(aws.drain(wired["topic_queue"])) == 23


def test_handler_refuses_an_event_without_a_csv(aws, wired) -> None:
    with pytest.raises(InvalidImportRequestError, match="importer: invalid event"):
        app.lambda_handler(load_event("importer", "malformed"), FakeLambdaContext())


def test_cli_imports_a_file_and_reports(aws, wired, capsys) -> None:
    status = cli.main(
        [
            str(EVENTS / "demo" / "signups.csv"),
            "--topic-arn",
            wired["topic_arn"],
            "--rejects-queue-url",
            wired["rejects"],
        ]
    )

    out, err = capsys.readouterr()
    assert status == 0
    assert json.loads(out)["published"] == 7
    assert "row 6 rejected" in err
    assert len(aws.drain(wired["rejects"])) == 1
    assert len(aws.bus_events(wired["bus_queue"])) == 7


def test_cli_strict_fails_on_rejects_and_no_bus_skips_the_bus(aws, wired, capsys) -> None:
    status = cli.main(
        [
            str(EVENTS / "demo" / "signups.csv"),
            "--topic-arn",
            wired["topic_arn"],
            "--strict",
            "--no-bus",
        ]
    )

    assert status == 1
    assert aws.bus_events(wired["bus_queue"]) == []


def test_cli_unusable_file_exits_2(tmp_path, aws, wired, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("mail,full_name\n")

    assert cli.main([str(bad), "--topic-arn", wired["topic_arn"]]) == 2
    assert "email, name, country" in capsys.readouterr().err
