"""Handlers for the warm-start tests: when the module was imported, and how Lambda made it."""

import os
import time

IMPORTED_AT = time.time()
INITIALIZATION_TYPE = os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE")


def imported(event, context):
    return {
        "imported_at": IMPORTED_AT,
        "initialization_type": INITIALIZATION_TYPE,
        "pid": os.getpid(),
    }
