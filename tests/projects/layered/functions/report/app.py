"""Renders a report with the shared layer's helper and the template's Greeting parameter."""

import os

from tables import render


def handler(event, context):
    return {"greeting": os.environ["GREETING"], "table": render(event["rows"])}
