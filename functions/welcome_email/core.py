"""Composes the welcome e-mail for a sign-up and sends it through an injected SES client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.contracts import UserCreated

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient


@dataclass(frozen=True)
class WelcomeEmail:
    """One e-mail, ready to send."""

    to: str
    subject: str
    text: str


def compose(event: UserCreated) -> WelcomeEmail:
    """The welcome e-mail for ``event``'s user."""
    first_name = event.name.split()[0]
    return WelcomeEmail(
        to=event.email,
        subject=f"Welcome, {first_name}!",
        text=(
            f"Hello {event.name},\n\n"
            "thanks for signing up. Your account is ready.\n\n"
            f"(reference {event.event_id})\n"
        ),
    )


class Mailer:
    """Sends e-mails from one verified sender identity."""

    def __init__(self, ses: SESClient, sender: str) -> None:
        self._ses = ses
        self.sender = sender

    def send(self, email: WelcomeEmail) -> str:
        """Send ``email``; returns SES's message id."""
        response = self._ses.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [email.to]},
            Message={
                "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": email.text, "Charset": "UTF-8"}},
            },
        )
        return response["MessageId"]
