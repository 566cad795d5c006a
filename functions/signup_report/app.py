"""signup_report handler: a daily schedule (SAM ``Schedule`` event, 06:00 UTC) invokes it with the
Scheduled Event; it logs and returns the report of the day before, and today's count so far.

It only reads, so a repeated or late invocation repeats the same report. A failure raises:
Lambda's asynchronous retries apply.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared import clients, envelopes
from shared.config import require_env
from signup_report.core import SignupReports, reported_day

logger = Logger()


@cache
def reports() -> SignupReports:
    """The Stats table, wired on first use."""
    return SignupReports(clients.dynamodb(), require_env("STATS_TABLE_NAME"))


# Provisioned environments build their clients during init (a no-op elsewhere).
clients.prepare_when_provisioned(reports)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point; returns the report (day, signups, by_country, today_so_far)."""
    fired_at = envelopes.from_schedule(event)
    report = reports().for_day(reported_day(fired_at))
    today = reports().for_day(fired_at.date())
    result = {**report.as_dict(), "today_so_far": today.signups}
    logger.info("daily sign-up report", extra=result)
    return result
