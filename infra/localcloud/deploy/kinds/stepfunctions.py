"""Step Functions kinds: state machines (SAM's ``AWS::Serverless::StateMachine`` expands to one).

The definition comes from ``DefinitionString``, ``Definition`` (an object) or
``DefinitionS3Location`` (read from the endpoint's S3), with ``DefinitionSubstitutions`` put in
for their ``${name}`` placeholders, as CloudFormation does. The endpoint checks the definition:
a state machine it refuses fails the deploy with Step Functions' own message.

``LoggingConfiguration`` (SAM's ``Logging``) goes to the API in its shape; the endpoint checks
it as Step Functions does (one destination, an ARN ending in ``:*``, a log group that exists)
and its executions write their history events to that log group.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from localcloud.deploy.errors import DeployError
from localcloud.deploy.kinds.base import (
    Context,
    ResourceKind,
    changed,
    ignore_gone,
    register,
    tag_list,
)

DEFINITION_SOURCES = ("DefinitionString", "Definition", "DefinitionS3Location")


def _substituted(definition: str, substitutions: Any) -> str:
    for name, value in (substitutions or {}).items():
        text = json.dumps(value) if isinstance(value, bool) else str(value)
        definition = definition.replace("${" + str(name) + "}", text)
    return definition


def definition_of(logical_id: str, props: dict[str, Any], ctx: Context) -> str:
    """The state machine's definition as Step Functions takes it (substitutions made)."""
    given = [source for source in DEFINITION_SOURCES if props.get(source) is not None]
    if len(given) != 1:
        raise DeployError(
            f"state machine {logical_id!r}: set exactly one of {', '.join(DEFINITION_SOURCES)} "
            f"(found {', '.join(given) or 'none'})"
        )
    if props.get("DefinitionString") is not None:
        text = str(props["DefinitionString"])
    elif props.get("Definition") is not None:
        text = json.dumps(props["Definition"], indent=2)
    else:
        text = _s3_definition(logical_id, props["DefinitionS3Location"], ctx)
    return _substituted(text, props.get("DefinitionSubstitutions"))


LOGGING_MEMBERS = frozenset({"Level", "IncludeExecutionData", "Destinations"})


def _flag(value: Any) -> bool:
    # A parameter or a YAML string may carry the boolean as text.
    return value.strip().lower() == "true" if isinstance(value, str) else bool(value)


def logging_configuration(logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """``LoggingConfiguration`` in the API's shape; no logging (level OFF) when absent."""
    given = props.get("LoggingConfiguration")
    if given is None:
        return {"level": "OFF", "includeExecutionData": False}
    if not isinstance(given, dict):
        raise DeployError(f"state machine {logical_id!r}: LoggingConfiguration must be an object")
    destinations = []
    for index, destination in enumerate(given.get("Destinations") or []):
        group = destination.get("CloudWatchLogsLogGroup") if isinstance(destination, dict) else None
        if (
            not isinstance(group, dict)
            or set(destination) != {"CloudWatchLogsLogGroup"}
            or set(group) != {"LogGroupArn"}
        ):
            raise DeployError(
                f"state machine {logical_id!r}: LoggingConfiguration.Destinations[{index}] must "
                "be {CloudWatchLogsLogGroup: {LogGroupArn: <log group ARN ending in :*>}} "
                "(CloudWatch Logs is the only destination Step Functions logs to)"
            )
        destinations.append({"cloudWatchLogsLogGroup": {"logGroupArn": str(group["LogGroupArn"])}})
    config: dict[str, Any] = {
        "level": str(given.get("Level") or "OFF"),
        "includeExecutionData": _flag(given.get("IncludeExecutionData", False)),
    }
    if destinations:
        config["destinations"] = destinations
    return config


def _s3_definition(logical_id: str, location: Any, ctx: Context) -> str:
    if not isinstance(location, dict) or not location.get("Bucket") or not location.get("Key"):
        raise DeployError(
            f"state machine {logical_id!r}: DefinitionS3Location needs Bucket and Key"
        )
    arguments = {"Bucket": str(location["Bucket"]), "Key": str(location["Key"])}
    if location.get("Version"):
        arguments["VersionId"] = str(location["Version"])
    try:
        body = ctx.client("s3").get_object(**arguments)["Body"].read()
    except ClientError as exc:
        raise DeployError(
            f"state machine {logical_id!r}: cannot read DefinitionS3Location "
            f"s3://{arguments['Bucket']}/{arguments['Key']} from the local cloud's S3 ({exc}); "
            "upload it first, or inline the definition (DefinitionString or Definition)"
        ) from exc
    return bytes(body).decode()


@register
class StateMachine(ResourceKind):
    type_name = "AWS::StepFunctions::StateMachine"
    replace_on = frozenset({"StateMachineName", "StateMachineType"})
    applies = frozenset(
        {
            "StateMachineName",
            "StateMachineType",
            "RoleArn",
            "Tags",
            "DefinitionSubstitutions",
            "LoggingConfiguration",
            *DEFINITION_SOURCES,
        }
    )
    # X-Ray is not emulated, but every execution and state is traced locally (localcloud
    # trace), as API Gateway's TracingEnabled and Lambda's TracingConfig are.
    inert = {"TracingConfiguration": "every execution is traced locally (localcloud trace)"}
    members = {
        "DefinitionS3Location": frozenset({"Bucket", "Key", "Version"}),
        "LoggingConfiguration": LOGGING_MEMBERS,
    }

    def create(self, logical_id: str, props: dict[str, Any], ctx: Context) -> str:
        arguments: dict[str, Any] = {
            "name": ctx.name(logical_id, props.get("StateMachineName"), 80),
            "definition": definition_of(logical_id, props, ctx),
            "roleArn": str(props["RoleArn"]),
            "type": str(props.get("StateMachineType") or "STANDARD"),
        }
        if props.get("LoggingConfiguration") is not None:
            arguments["loggingConfiguration"] = logging_configuration(logical_id, props)
        if props.get("Tags"):
            arguments["tags"] = [
                {"key": tag["Key"], "value": tag["Value"]} for tag in tag_list(props["Tags"])
            ]
        return str(ctx.client("stepfunctions").create_state_machine(**arguments)["stateMachineArn"])

    def update(
        self,
        logical_id: str,
        physical_id: str,
        old: dict[str, Any],
        new: dict[str, Any],
        ctx: Context,
    ) -> str:
        sfn = ctx.client("stepfunctions")
        # Called only when a property changed; an unchanged definition or role is a no-op.
        sfn.update_state_machine(
            stateMachineArn=physical_id,
            definition=definition_of(logical_id, new, ctx),
            roleArn=str(new["RoleArn"]),
            # Always sent: a LoggingConfiguration taken out of the template turns logging off.
            loggingConfiguration=logging_configuration(logical_id, new),
        )
        if "Tags" in changed(old, new):
            gone = {t["Key"] for t in tag_list(old.get("Tags"))} - {
                t["Key"] for t in tag_list(new.get("Tags"))
            }
            if gone:
                sfn.untag_resource(resourceArn=physical_id, tagKeys=sorted(gone))
            if new.get("Tags"):
                sfn.tag_resource(
                    resourceArn=physical_id,
                    tags=[{"key": t["Key"], "value": t["Value"]} for t in tag_list(new["Tags"])],
                )
        return physical_id

    def delete(self, physical_id: str, props: dict[str, Any], ctx: Context) -> None:
        ignore_gone(ctx.client("stepfunctions").delete_state_machine, stateMachineArn=physical_id)

    def attributes(self, physical_id: str, props: dict[str, Any], ctx: Context) -> dict[str, Any]:
        return {"Arn": physical_id, "Name": physical_id.rsplit(":", 1)[-1]}
