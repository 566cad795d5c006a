"""Handlers that log through Python's logging, as functions on Lambda do."""

import logging

log = logging.getLogger("orders")


def log_levels(event, context):
    """One record per level on the root logger, one on a named logger, one with an exception."""
    logging.debug("debug record")
    logging.info("info record")
    logging.warning("warning record")
    log.error("named logger record", extra={"order": "o-1"})
    try:
        raise KeyError("missing")
    except KeyError:
        log.exception("caught")
    return {"request_id": context.aws_request_id}


def raises(event, context):
    raise RuntimeError("handler failed")
