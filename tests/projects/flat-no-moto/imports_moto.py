"""Imports moto, which the function does not ship: on AWS this fails at init, as it must here."""

import moto  # noqa: F401


def handler(event, context):
    return "unreachable"
