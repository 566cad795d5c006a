"""API Gateway request validation kinds: a REST API's request validators and models.

A ``RequestValidator`` says whether a method's required request parameters, its body, or both
are checked; a ``Model`` is a JSON Schema (draft 4) a method's ``RequestModels`` name for a
content type. A Method's ``RequestValidatorId`` ties them together, and API Gateway's data plane
(apigw/validation.py) checks each request before its integration. Both are made anew when their
properties change: they are small and hold no data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from localcloud.deploy import openapi_validation
from localcloud.deploy.errors import TemplateError
from localcloud.deploy.kinds.base import Context, ResourceKind, ignore_gone, register


def _intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and str(next(iter(value))).startswith(("Fn::", "Ref"))
    )


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


@register
class RequestValidator(ResourceKind):
    type_name = "AWS::ApiGateway::RequestValidator"
    replace_on = None
    applies = frozenset({"RestApiId", "Name", "ValidateRequestBody", "ValidateRequestParameters"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        made = ctx.client("apigateway").create_request_validator(
            restApiId=str(props["RestApiId"]),
            name=str(props.get("Name") or logical_id),
            validateRequestBody=_flag(props.get("ValidateRequestBody", False)),
            validateRequestParameters=_flag(props.get("ValidateRequestParameters", False)),
        )
        return str(made["id"])

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_request_validator,
            restApiId=props["RestApiId"],
            requestValidatorId=physical_id,
        )

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"RequestValidatorId": physical_id}


@register
class Model(ResourceKind):
    """Ref is the model's name, which a Method's ``RequestModels`` use."""

    type_name = "AWS::ApiGateway::Model"
    replace_on = None
    applies = frozenset({"RestApiId", "Name", "ContentType", "Schema", "Description"})

    def unapplied(self, props: Mapping[str, Any]) -> list[str]:
        stray = super().unapplied(props)
        schema = props.get("Schema")
        if isinstance(schema, (str, dict)) and not _intrinsic(schema):
            problem = openapi_validation.schema_problem(schema)
            if problem:
                stray.append(f"Schema ({problem})")
        return sorted(stray)

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        schema = props.get("Schema") or {}
        problem = openapi_validation.schema_problem(schema)
        if problem:
            raise TemplateError(
                f"resource {logical_id!r} (AWS::ApiGateway::Model): Schema is {problem}; "
                "give a JSON Schema draft 4 object"
            )
        # A CloudFormation name must be letters and digits; the logical id is one.
        name = str(props.get("Name") or logical_id)
        arguments: dict[str, Any] = {
            "restApiId": str(props["RestApiId"]),
            "name": name,
            "contentType": str(props.get("ContentType") or "application/json"),
            "schema": schema if isinstance(schema, str) else json.dumps(schema),
        }
        if props.get("Description"):
            arguments["description"] = str(props["Description"])
        ctx.client("apigateway").create_model(**arguments)
        return name

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(
            ctx.client("apigateway").delete_model,
            restApiId=props["RestApiId"],
            modelName=physical_id,
        )
