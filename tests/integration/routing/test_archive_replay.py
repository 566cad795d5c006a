"""EventBridge archives and replay on the local cloud: an archive keeps what its pattern selects;
StartReplay re-sends a time window to the bus (or only to FilterArns rules) as new events with
`replay-name` set; replayed events are never archived again; `localcloud replay` drives the same
from the CLI.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from routing_it_support import Queue, drain, receive, rule_target, unique, wait_until

from localcloud import cli

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Archived:
    bus: str
    bus_arn: str
    archive: str
    archive_arn: str
    placed_rule: str
    all_rule: str
    placed: Queue
    everything: Queue
    placed_ids: tuple[str, ...]
    started: datetime


@pytest.fixture
def archived(
    events: Any, sqs: Any, make_bus: Callable[..., str], make_queue: Callable[..., Queue]
) -> Iterator[Archived]:
    """A bus with two rules and an archive of its OrderPlaced events, after three PutEvents."""
    bus = make_bus()
    bus_arn = events.describe_event_bus(Name=bus)["Arn"]
    placed, everything = make_queue("it-placed"), make_queue("it-all")
    placed_rule = rule_target(
        events, bus, {"detail-type": ["OrderPlaced"]}, {"Id": "q", "Arn": placed.arn}
    )
    all_rule = rule_target(
        events, bus, {"source": ["it.orders"]}, {"Id": "q", "Arn": everything.arn}
    )
    name = unique("it-archive")
    archive_arn = events.create_archive(
        ArchiveName=name,
        EventSourceArn=bus_arn,
        EventPattern=json.dumps({"detail-type": ["OrderPlaced"]}),
    )["ArchiveArn"]
    started = datetime.now(UTC) - timedelta(seconds=2)
    entries = [
        {
            "EventBusName": bus,
            "Source": "it.orders",
            "DetailType": kind,
            "Detail": json.dumps({"n": n}),
        }
        for n, kind in enumerate(["OrderPlaced", "OrderCancelled", "OrderPlaced"])
    ]
    ids = [e["EventId"] for e in events.put_events(Entries=entries)["Entries"]]
    wait_until(
        lambda: events.describe_archive(ArchiveName=name)["EventCount"] == 2,
        what="two archived events",
    )
    receive(sqs, placed.url, 2)
    receive(sqs, everything.url, 3)
    yield Archived(
        bus,
        bus_arn,
        name,
        archive_arn,
        placed_rule,
        all_rule,
        placed,
        everything,
        (ids[0], ids[2]),
        started,
    )
    events.delete_archive(ArchiveName=name)


def replay(events: Any, archived: Archived, **destination: Any) -> str:
    name = unique("it-replay")
    events.start_replay(
        ReplayName=name,
        EventSourceArn=archived.archive_arn,
        EventStartTime=archived.started,
        EventEndTime=datetime.now(UTC) + timedelta(seconds=2),
        Destination={"Arn": archived.bus_arn, **destination},
    )
    wait_until(
        lambda: events.describe_replay(ReplayName=name)["State"] in ("COMPLETED", "FAILED"),
        what=f"replay {name} to finish",
    )
    described = events.describe_replay(ReplayName=name)
    assert described["State"] == "COMPLETED", described
    return name


def test_replay_redelivers_archived_events_with_replay_name(
    events: Any, sqs: Any, archived: Archived
) -> None:
    name = replay(events, archived)
    placed = [json.loads(m["Body"]) for m in receive(sqs, archived.placed.url, 2)]
    everything = [json.loads(m["Body"]) for m in receive(sqs, archived.everything.url, 2)]
    for replayed in (placed, everything):
        # the archived events again, each as a new event with an id of its own
        assert sorted(e["detail"]["n"] for e in replayed) == [0, 2]
        assert not {e["id"] for e in replayed} & set(archived.placed_ids)
        assert len({e["id"] for e in replayed}) == 2
        assert {e["replay-name"] for e in replayed} == {name}
        assert {e["detail-type"] for e in replayed} == {"OrderPlaced"}
    # replayed events match the archive's pattern but are not archived again
    assert events.describe_archive(ArchiveName=archived.archive)["EventCount"] == 2


def test_replay_with_filter_arns_reaches_only_those_rules(
    events: Any, sqs: Any, archived: Archived
) -> None:
    replay(events, archived, FilterArns=[archived.placed_rule])
    assert len(receive(sqs, archived.placed.url, 2)) == 2
    assert drain(sqs, archived.everything.url) == []


def test_replay_of_an_empty_window_delivers_nothing(
    events: Any, sqs: Any, archived: Archived
) -> None:
    name = unique("it-replay")
    events.start_replay(
        ReplayName=name,
        EventSourceArn=archived.archive_arn,
        EventStartTime=archived.started - timedelta(hours=2),
        EventEndTime=archived.started - timedelta(hours=1),
        Destination={"Arn": archived.bus_arn},
    )
    wait_until(
        lambda: events.describe_replay(ReplayName=name)["State"] == "COMPLETED",
        what="the empty replay to complete",
    )
    assert drain(sqs, archived.placed.url) == []


def test_cli_replay_completes(
    localcloud: Any, sqs: Any, archived: Archived, capsys: pytest.CaptureFixture[str]
) -> None:

    code = cli.main(
        ["replay", archived.archive, "--since", "60", "--endpoint", localcloud.endpoint_url]
    )
    assert code == 0
    assert "COMPLETED" in capsys.readouterr().out
    replayed = [json.loads(m["Body"]) for m in receive(sqs, archived.placed.url, 2)]
    assert sorted(e["detail"]["n"] for e in replayed) == [0, 2]
    assert all(e["replay-name"].startswith(archived.archive) for e in replayed)
