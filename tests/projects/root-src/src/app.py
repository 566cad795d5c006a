"""Slugifies a title with python-slugify, a package only this function's requirements name."""

from slugify import slugify


def handler(event, context):
    return {"slug": slugify(event["title"])}
