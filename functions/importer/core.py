"""Turns a CSV of sign-ups into ``UserCreated`` events and rejects, then publishes them.

The CSV has a header with at least ``email``, ``name`` and ``country``. Rows are numbered as a
spreadsheet shows them (the header is row 1), so a reject names the row a person can find.

Ids derive from the normalised e-mail: importing the same sign-up twice (a re-run, or the legacy
file holding it twice) gives the same ``user_id`` and ``event_id``, and consumers, which
deduplicate on ``event_id``, act once. The importer passes such repeats on, as the legacy feed
would, and lists them in its report.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from importer.errors import ImportFileError, RejectsNotKeptError
from shared.contracts import Country, Email, Name, UserCreated, derived_event_id, utc_now
from shared.publisher import Publisher, chunks

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

REQUIRED_COLUMNS = ("email", "name", "country")


class SignupRow(BaseModel):
    """One valid row of the file."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    email: Email
    name: Name
    country: Country

    @field_validator("email", "country", mode="before")
    @classmethod
    def _normalise(cls, value: Any, info: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip()
        return value.lower() if info.field_name == "email" else value.upper()


@dataclass(frozen=True)
class Reject:
    """A row that was not imported, with the reason."""

    row: int
    reason: str
    record: dict[str, str | None]

    def to_json(self) -> dict[str, Any]:
        """The reject as stored and reported."""
        return {"row": self.row, "reason": self.reason, "record": self.record}


@dataclass
class ImportPlan:
    """What a file turns into: events to publish, rejected rows, repeated sign-ups."""

    events: list[UserCreated] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    repeats: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import."""

    source: str
    published: int
    rejects: list[Reject]
    repeats: list[int]

    def to_json(self) -> dict[str, Any]:
        """The report as the Lambda returns it and the CLI prints it."""
        return {
            "source": self.source,
            "published": self.published,
            "rejected": [reject.to_json() for reject in self.rejects],
            "repeated_rows": self.repeats,
        }


class RejectSink(Protocol):
    """Where rejected rows are kept so they are not lost."""

    def keep(self, source: str, rejects: Sequence[Reject]) -> None:
        """Store the rejects of ``source``."""


def _reason(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
        for item in error.errors(include_url=False)
    )


def plan_import(
    text: str,
    correlation_id: str,
    clock: Callable[[], datetime] = utc_now,
) -> ImportPlan:
    """Validate every row of ``text``; ``ImportFileError`` if the header is unusable."""
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip().lower() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            f"the CSV header must name the columns {', '.join(REQUIRED_COLUMNS)}; "
            f"missing {', '.join(missing)} (header read: {header or 'none'})"
        )
    reader.fieldnames = header
    plan = ImportPlan()
    first_row_of: dict[str, int] = {}
    occurred_at = clock()
    for row_number, record in enumerate(reader, start=2):
        if None in record:
            plan.rejects.append(
                Reject(
                    row_number,
                    f"{len(header) + len(record[None])} fields, header has {len(header)}",
                    {k: v for k, v in record.items() if k is not None},
                )
            )
            continue
        try:
            row = SignupRow.model_validate(record)
        except ValidationError as error:
            plan.rejects.append(Reject(row_number, _reason(error), dict(record)))
            continue
        if row.email in first_row_of:
            plan.repeats.append(row_number)
        else:
            first_row_of[row.email] = row_number
        plan.events.append(
            UserCreated(
                event_id=derived_event_id("signup", row.email),
                occurred_at=occurred_at,
                correlation_id=correlation_id,
                user_id=derived_event_id("user", row.email),
                email=row.email,
                name=row.name,
                country=row.country,
            )
        )
    return plan


def run_import(
    text: str,
    source: str,
    correlation_id: str,
    publishers: Sequence[Publisher],
    rejects: RejectSink | None,
    clock: Callable[[], datetime] = utc_now,
) -> ImportReport:
    """Plan the import of ``text``, keep its rejects, publish its events to every publisher."""
    plan = plan_import(text, correlation_id, clock)
    # Rejects are kept first: if publishing fails, the run is repeated and nothing was lost.
    if rejects is not None and plan.rejects:
        rejects.keep(source, plan.rejects)
    for publisher in publishers:
        publisher.publish(plan.events)
    return ImportReport(source, len(plan.events), plan.rejects, plan.repeats)


class QueueRejectSink:
    """Keeps rejects as SQS messages: body = the row as JSON, attributes ``reason`` and ``row``."""

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    def keep(self, source: str, rejects: Sequence[Reject]) -> None:
        """Send every reject; raises if the queue refuses any."""
        for batch in chunks(rejects):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {
                    "Id": str(index),
                    "MessageBody": json.dumps({"source": source, **reject.to_json()}),
                    "MessageAttributes": {
                        "reason": {"DataType": "String", "StringValue": reject.reason[:1000]},
                        "row": {"DataType": "Number", "StringValue": str(reject.row)},
                        "source": {"DataType": "String", "StringValue": source},
                    },
                }
                for index, reject in enumerate(batch)
            ]
            response = self._client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            failed = response.get("Failed", [])
            if failed:
                raise RejectsNotKeptError(
                    f"rejects queue {self.queue_url} refused {len(failed)} rejected rows: "
                    f"{failed[0].get('Code')} {failed[0].get('Message')}"
                )
