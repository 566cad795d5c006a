"""Domain events of the user service: versioned contracts shared by sources and handlers.

Every event carries a stable ``event_id`` (consumers deduplicate on it), ``occurred_at``,
``schema_version`` and ``correlation_id``. Events carry the user's full current state and its
``version`` so a consumer can apply them without reading anything else and skip stale ones.

On the EventBridge bus ``users`` an event travels as ``detail`` with ``detail-type`` = its
``event_type``; on the SNS topic ``user-signups`` as the message body with the message attribute
``event_type``. JSON Schemas of these models are committed under ``events/schemas/``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SCHEMA_VERSION: Literal["1.0"] = "1.0"

# uuid5 namespace for ids derived from content, so a re-sent record keeps its id.
EVENT_NAMESPACE = uuid.UUID("6f1c4a52-3a0e-4d55-9a8c-2a1b9a7d0e11")

# A deliberately plain check (one @, a dot in the domain, no spaces): deliverability is SES's
# business, and the email-validator package would be one more dependency to ship.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def new_event_id() -> str:
    """A fresh random event id, for events that happen once (API calls)."""
    return str(uuid.uuid4())


def derived_event_id(*parts: str) -> str:
    """A deterministic event id: the same parts always give the same id (re-sent records)."""
    return str(uuid.uuid5(EVENT_NAMESPACE, "/".join(parts)))


def utc_now() -> datetime:
    """Now, timezone-aware in UTC; the only clock the contracts use by default."""
    return datetime.now(UTC)


class DomainEvent(BaseModel):
    """Fields every user event carries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: str = Field(default_factory=new_event_id, min_length=1)
    occurred_at: datetime = Field(default_factory=utc_now)
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    correlation_id: str = Field(min_length=1)
    user_id: str = Field(min_length=1)


class UserCreated(DomainEvent):
    """A user signed up (API create or an imported sign-up)."""

    event_type: Literal["UserCreated"] = "UserCreated"
    email: Email
    name: Name
    country: Country
    version: int = Field(default=1, ge=1)


class UserUpdated(DomainEvent):
    """A user's details changed; carries the whole new state and the fields that changed."""

    event_type: Literal["UserUpdated"] = "UserUpdated"
    email: Email
    name: Name
    country: Country
    changed: list[str] = Field(default_factory=list)
    version: int = Field(ge=2)


class UserDeleted(DomainEvent):
    """A user was deleted; ``version`` orders it after every update of the same user."""

    event_type: Literal["UserDeleted"] = "UserDeleted"
    email: Email
    version: int = Field(ge=2)


class UserFlagged(DomainEvent):
    """Screening found a sign-up suspicious; ``caused_by`` is the screened event's id."""

    event_type: Literal["UserFlagged"] = "UserFlagged"
    email: Email
    reason: str = Field(min_length=1)
    caused_by: str = Field(min_length=1)


UserEvent = Annotated[
    UserCreated | UserUpdated | UserDeleted | UserFlagged, Field(discriminator="event_type")
]
"""Any user event, told apart by ``event_type``."""

USER_EVENT_MODELS: tuple[type[DomainEvent], ...] = (
    UserCreated,
    UserUpdated,
    UserDeleted,
    UserFlagged,
)

user_event_adapter: TypeAdapter[UserCreated | UserUpdated | UserDeleted | UserFlagged] = (
    TypeAdapter(UserEvent)
)
