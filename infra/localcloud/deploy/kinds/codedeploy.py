"""CodeDeploy kinds: the application and deployment group SAM's ``DeploymentPreference`` expands to.

They are kept in the deployer's stack state only: moto's CodeDeploy can create both but neither
update nor delete them, and nothing locally reads them back. What they say is acted on by the
alias's ``UpdatePolicy`` (deploy/traffic_shift.py): the deployment group's hooks run around the
alias update. Traffic is moved at once whatever the deployment configuration, and alarms are not
evaluated (README, Lambda versions).
"""

from __future__ import annotations

from typing import Any

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import Context, ResourceKind, register

# The predefined Lambda configurations; a custom AWS::CodeDeploy::DeploymentConfig has no kind.
LAMBDA_CONFIGS = frozenset(
    {
        "CodeDeployDefault.LambdaAllAtOnce",
        *(f"CodeDeployDefault.LambdaCanary10Percent{m}Minutes" for m in (5, 10, 15, 30)),
        "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
        *(f"CodeDeployDefault.LambdaLinear10PercentEvery{m}Minutes" for m in (2, 3, 10)),
    }
)


@register
class Application(ResourceKind):
    type_name = "AWS::CodeDeploy::Application"
    replace_on = frozenset({"ApplicationName", "ComputePlatform"})
    applies = frozenset({"ApplicationName", "ComputePlatform", "Tags"})

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        platform = props.get("ComputePlatform", "Server")
        if platform != "Lambda":
            raise DeployError(
                f"{logical_id}: ComputePlatform {platform!r} is not supported locally; only "
                "Lambda applications (SAM's DeploymentPreference) are"
            )
        return ctx.name(logical_id, props.get("ApplicationName"), 100)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        return None


@register
class DeploymentGroup(ResourceKind):
    type_name = "AWS::CodeDeploy::DeploymentGroup"
    replace_on = frozenset({"ApplicationName", "DeploymentGroupName"})
    applies = frozenset(
        {
            "ApplicationName",
            "DeploymentGroupName",
            "ServiceRoleArn",
            "DeploymentConfigName",
            "DeploymentStyle",
            "AutoRollbackConfiguration",
            "AlarmConfiguration",
            "TriggerConfigurations",
            "Tags",
        }
    )

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        check_group(logical_id, props)
        return ctx.name(logical_id, props.get("DeploymentGroupName"), 100)

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        check_group(logical_id, new)
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        return None


def check_group(logical_id: str, props: dict[str, Any]) -> None:
    """Refuse what a Lambda deployment group cannot have: no service role, a configuration that
    is not one of the predefined Lambda ones, a style other than blue/green with traffic
    control."""
    if not props.get("ServiceRoleArn"):
        raise DeployError(f"{logical_id}: ServiceRoleArn is required")
    config = props.get("DeploymentConfigName", "CodeDeployDefault.LambdaAllAtOnce")
    if config not in LAMBDA_CONFIGS:
        raise DeployError(
            f"{logical_id}: DeploymentConfigName {config!r} is not a predefined Lambda "
            f"configuration; use one of {', '.join(sorted(LAMBDA_CONFIGS))}"
        )
    style = props.get("DeploymentStyle") or {}
    if style and (
        style.get("DeploymentType") != "BLUE_GREEN"
        or style.get("DeploymentOption") != "WITH_TRAFFIC_CONTROL"
    ):
        raise DeployError(
            f"{logical_id}: a Lambda deployment group's DeploymentStyle must be BLUE_GREEN "
            "WITH_TRAFFIC_CONTROL"
        )
