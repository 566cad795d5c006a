"""Decides whether a sign-up is suspicious and builds the ``UserFlagged`` event for it.

The EventBridge rule's pattern (infra/template.yaml) pre-selects the same sign-ups, so the
function runs only for candidates; the check here is the authority, and a unit test keeps the
pattern and these lists in step.
"""

from __future__ import annotations

from shared.contracts import UserCreated, UserFlagged, derived_event_id

DISPOSABLE_DOMAINS = ("mailinator.com", "guerrillamail.com", "yopmail.com", "10minutemail.com")
# Not a judgement on anyone: the demo service simply does not operate there.
UNSERVED_COUNTRIES = ("AQ",)


def screen(event: UserCreated) -> str | None:
    """Why ``event`` is suspicious, or ``None`` if it is not."""
    domain = event.email.rsplit("@", 1)[-1]
    if domain in DISPOSABLE_DOMAINS:
        return f"disposable e-mail domain {domain}"
    if event.country in UNSERVED_COUNTRIES:
        return f"sign-up from unserved country {event.country}"
    return None


def flag(event: UserCreated, reason: str) -> UserFlagged:
    """The ``UserFlagged`` event for ``event``; its id derives from the screened event's id."""
    return UserFlagged(
        event_id=derived_event_id("flag", event.event_id),
        correlation_id=event.correlation_id,
        user_id=event.user_id,
        email=event.email,
        reason=reason,
        caused_by=event.event_id,
    )
