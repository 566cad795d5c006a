"""Errors of the API Gateway data plane."""

from __future__ import annotations

from localcloud.errors import LocalCloudError


class ApiGatewayError(LocalCloudError):
    """Base of the API Gateway data plane's errors."""


class MalformedResponseError(ApiGatewayError):
    """A function's answer is not a proxy response API Gateway can map."""
