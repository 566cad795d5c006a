"""Expanding a SAM template to plain CloudFormation with AWS's own aws-sam-translator, offline."""

from __future__ import annotations

import copy
from typing import Any

import boto3
from samtranslator.feature_toggle.feature_toggle import (
    FeatureToggle,
    FeatureToggleDefaultConfigProvider,
)
from samtranslator.model.exceptions import ExceptionWithMessage, InvalidDocumentException
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from localcloud.deploy.errors import TemplateError
from localcloud.deploy.template import is_serverless


def _no_managed_policy_map() -> dict[str, str]:
    # An empty map makes the translator fall back to the managed-policy map it bundles,
    # so no IAM call is ever made to expand `Policies: [AWSLambdaBasicExecutionRole]`.
    return {}


class _NoFeatureFlags(FeatureToggle):
    """The translator's feature flags all off, as with no flag configuration at all, without the
    warning it logs for each flag asked about (`OpenApiVersion` asks for one, for example)."""

    def __init__(self) -> None:
        super().__init__(
            FeatureToggleDefaultConfigProvider(), stage=None, account_id=None, region=None
        )

    def is_enabled(self, feature_name: str) -> bool:
        return False


def expand(template: dict[str, Any], parameters: dict[str, Any], region: str) -> dict[str, Any]:
    """The CloudFormation equivalent of ``template`` (returned unchanged if it is not SAM)."""
    if not is_serverless(template):
        return template
    # The translator only needs a region; these credentials never leave the process.
    session = boto3.session.Session(
        region_name=region, aws_access_key_id="test", aws_secret_access_key="test"
    )
    translator = Translator(None, Parser(), boto_session=session)
    try:
        expanded: dict[str, Any] = translator.translate(
            copy.deepcopy(template),
            parameter_values=dict(parameters),
            feature_toggle=_NoFeatureFlags(),
            get_managed_policy_map=_no_managed_policy_map,
        )
    except InvalidDocumentException as exc:
        causes = "; ".join(cause.message for cause in exc.causes) or exc.message
        raise TemplateError(f"the SAM template is invalid: {causes}") from exc
    except ExceptionWithMessage as exc:
        raise TemplateError(f"the SAM template is invalid: {exc.message}") from exc
    finally:
        # The translator records metrics for a publisher that discards them; flushing them
        # keeps it from logging "unpublished metrics" when it is garbage-collected.
        translator.metrics.publish()
    return expanded
