"""A handler module whose init fails (for the warm-start tests)."""

import a_module_that_is_not_installed  # noqa: F401


def handler(event, context):
    return {}
