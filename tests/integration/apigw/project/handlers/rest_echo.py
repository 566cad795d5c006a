"""REST's echo: a payload 1.0 response (no cookies field there)."""

from echo import handler as echo


def handler(event, context):
    answer = echo(event, context)
    answer.pop("cookies", None)
    return answer
