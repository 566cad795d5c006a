"""Uses Powertools from its public layer, named by ARN in the template."""

from aws_lambda_powertools import Logger

logger = Logger(service="hello")


def handler(event, context):
    logger.info("hello", extra={"visitor": event.get("name")})
    return {"hello": event.get("name"), "powertools": Logger.__module__}
