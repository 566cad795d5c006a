"""importer handler: imports a CSV given as an S3 object or inline text.

Event: ``{"bucket": "...", "key": "..."}`` or ``{"csv": "email,name,country\\n..."}``. Returns the
import report; rejected rows go to the ``ImportRejectsQueue`` with their row number and reason.
"""

from __future__ import annotations

import os
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from importer import wiring
from importer.core import run_import
from importer.errors import InvalidImportRequestError
from shared import clients
from shared.config import require_env

logger = Logger()


class ImportRequest(BaseModel):
    """What the function is asked to import."""

    model_config = ConfigDict(extra="forbid")

    bucket: str | None = None
    key: str | None = None
    csv: str | None = None
    correlation_id: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ImportRequest:
        if (self.csv is None) == (self.bucket is None or self.key is None):
            raise ValueError('give either "bucket" and "key" of a CSV object, or "csv" text')
        return self


def _read(request: ImportRequest) -> tuple[str, str]:
    if request.csv is not None:
        return "inline", request.csv
    assert request.bucket is not None and request.key is not None
    body = clients.s3().get_object(Bucket=request.bucket, Key=request.key)["Body"].read()
    return f"s3://{request.bucket}/{request.key}", body.decode("utf-8-sig")


@logger.inject_lambda_context(correlation_id_path="correlation_id")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point."""
    try:
        request = ImportRequest.model_validate(event)
    except ValidationError as error:
        raise InvalidImportRequestError(f"importer: invalid event: {error}") from error
    source, text = _read(request)
    report = run_import(
        text,
        source=source,
        correlation_id=request.correlation_id or context.aws_request_id,
        publishers=wiring.publishers(
            require_env("SIGNUPS_TOPIC_ARN"), os.environ.get("EVENT_BUS_NAME")
        ),
        rejects=wiring.reject_sink(os.environ.get("IMPORT_REJECTS_QUEUE_URL")),
    )
    for reject in report.rejects:
        logger.warning("row rejected", extra=reject.to_json())
    logger.info("import done", extra={"source": source, "published": report.published})
    return report.to_json()
