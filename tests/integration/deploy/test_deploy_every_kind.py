"""Deploying a template with every supported resource kind, then redeploying, updating, removing.

Each resource is checked through the endpoint's own describe and list calls, never through the
deployer's state alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from deploy_support import EVERY_KIND, aws, copy_every_kind, remove_block, unique_stack

from localcloud.deploy import DeployReport, deploy, destroy, load_stack_state
from localcloud.deploy.kinds import KINDS

pytestmark = pytest.mark.integration

UPDATES = {
    "Greeting": "bonjour",
    "BatchSize": "8",
    "FilterColour": "blue",
    "PatternSource": "app.orders",
}


@pytest.fixture(scope="module")
def stack(endpoint_url: str) -> str:
    return unique_stack("every")


@pytest.fixture(scope="module")
def first(endpoint_url: str, stack: str) -> DeployReport:
    return deploy(EVERY_KIND / "template.yaml", endpoint_url, stack=stack)


def _physical(report: DeployReport, logical_id: str) -> str:
    return report.resources[logical_id].physical_id


def _mapping(endpoint_url: str, uuid: str) -> dict[str, Any]:
    return aws("lambda", endpoint_url).get_event_source_mapping(UUID=uuid)  # type: ignore[no-any-return]


def test_first_deploy_creates_every_resource(first: DeployReport) -> None:
    assert first.updated == [] and first.removed == [] and first.unchanged == []
    types = {record.type for record in first.resources.values()}
    # The template holds one of every kind the deployer knows (the unit tests list them).
    assert types == set(KINDS)
    assert sorted(first.created) == sorted(first.resources)
    assert "created" in first.summary() and "WorkQueueUrl" in first.summary()


def test_outputs_resolve_intrinsics(first: DeployReport, stack: str) -> None:
    assert first.outputs["BusName"] == f"{stack}-bus"
    assert first.outputs["FirstZone"] == "us-east-1a"
    assert first.outputs["SecondWord"] == "beta"
    assert first.outputs["TierLabel"] == "local-us-east-1"
    assert first.outputs["FunctionArn"].endswith(f":function:{stack}-Function")
    assert first.outputs["WorkQueueUrl"].endswith(f"/{stack}-WorkQueue")
    assert "/stream/" in first.outputs["TableStreamArn"]


def test_state_is_kept_at_the_endpoint(first: DeployReport, endpoint_url: str, stack: str) -> None:
    state = load_stack_state(endpoint_url, stack)
    assert state is not None
    assert set(state.resources) == set(first.resources)
    assert state.resources["WorkQueue"]["physical_id"] == first.outputs["WorkQueueUrl"]
    assert state.outputs == first.outputs
    body = aws("s3", endpoint_url).get_object(Bucket="localcloud-stacks", Key=f"{stack}.json")
    assert json.loads(body["Body"].read())["resources"]["Topic"]["type"] == "AWS::SNS::Topic"


def test_s3_bucket_and_policy(first: DeployReport, endpoint_url: str, stack: str) -> None:
    s3 = aws("s3", endpoint_url)
    bucket = _physical(first, "Bucket")
    assert bucket == f"{stack}-bucket"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "tier", "Value": "local"}]
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert (block["BlockPublicAcls"], block["RestrictPublicBuckets"]) == (True, True)
    assert (block["BlockPublicPolicy"], block["IgnorePublicAcls"]) == (False, False)
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"][0]["Resource"] == f"arn:aws:s3:::{bucket}/*"


def test_sqs_queues_and_policy(first: DeployReport, endpoint_url: str, stack: str) -> None:
    sqs = aws("sqs", endpoint_url)
    work = sqs.get_queue_attributes(QueueUrl=_physical(first, "WorkQueue"), AttributeNames=["All"])[
        "Attributes"
    ]
    assert work["VisibilityTimeout"] == "60"
    redrive = json.loads(work["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == first.resources["DeadLetterQueue"].arn
    assert int(redrive["maxReceiveCount"]) == 3
    policy = json.loads(work["Policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "sns.amazonaws.com"}
    dead = sqs.get_queue_attributes(
        QueueUrl=_physical(first, "DeadLetterQueue"), AttributeNames=["MessageRetentionPeriod"]
    )["Attributes"]
    assert dead["MessageRetentionPeriod"] == "1209600"
    ordered_url = _physical(first, "OrderedQueue")
    assert ordered_url.endswith(f"/{stack}-OrderedQueue.fifo")
    ordered = sqs.get_queue_attributes(QueueUrl=ordered_url, AttributeNames=["All"])["Attributes"]
    assert ordered["FifoQueue"] == "true"
    assert ordered["ContentBasedDeduplication"] == "true"


def test_sns_topics_policy_and_subscriptions(first: DeployReport, endpoint_url: str) -> None:
    sns = aws("sns", endpoint_url)
    topic = _physical(first, "Topic")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["DisplayName"] == "users local"
    assert json.loads(attributes["Policy"])["Statement"][0]["Principal"] == {
        "Service": "events.amazonaws.com"
    }
    ordered = sns.get_topic_attributes(TopicArn=_physical(first, "OrderedTopic"))["Attributes"]
    assert ordered["FifoTopic"] == "true"
    assert _physical(first, "OrderedTopic").endswith(".fifo")

    subscription = sns.get_subscription_attributes(
        SubscriptionArn=_physical(first, "QueueSubscription")
    )["Attributes"]
    assert subscription["Protocol"] == "sqs"
    assert subscription["Endpoint"] == first.resources["WorkQueue"].arn
    assert subscription["RawMessageDelivery"] == "true"
    assert subscription["FilterPolicyScope"] == "MessageAttributes"
    assert json.loads(subscription["FilterPolicy"]) == {"colour": ["red"]}
    assert json.loads(subscription["RedrivePolicy"]) == {
        "deadLetterTargetArn": first.resources["DeadLetterQueue"].arn
    }
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sorted((s["Protocol"], s["Endpoint"]) for s in listed) == [
        ("lambda", first.outputs["FunctionArn"]),
        ("sqs", first.resources["WorkQueue"].arn),
    ]


def test_eventbridge_bus_rules_targets_archive(
    first: DeployReport, endpoint_url: str, stack: str
) -> None:
    events = aws("events", endpoint_url)
    bus = events.describe_event_bus(Name=f"{stack}-bus")
    assert bus["Arn"] == first.resources["Bus"].arn
    rule_name = _physical(first, "Rule")
    rule = events.describe_rule(Name=rule_name, EventBusName=f"{stack}-bus")
    assert rule["State"] == "ENABLED"
    assert json.loads(rule["EventPattern"]) == {
        "source": ["app.users"],
        "detail-type": ["UserCreated"],
    }
    targets = {
        t["Id"]: t
        for t in events.list_targets_by_rule(Rule=rule_name, EventBusName=f"{stack}-bus")["Targets"]
    }
    assert sorted(targets) == ["function", "ordered", "queue"]
    assert targets["queue"]["InputPath"] == "$.detail"
    assert targets["queue"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 2,
        "MaximumEventAgeInSeconds": 600,
    }
    assert targets["queue"]["DeadLetterConfig"] == {"Arn": first.resources["DeadLetterQueue"].arn}
    assert targets["ordered"]["SqsParameters"] == {"MessageGroupId": "users"}
    assert targets["function"]["InputTransformer"] == {
        "InputPathsMap": {"user": "$.detail.id"},
        "InputTemplate": '{"user": <user>}',
    }
    schedule = events.describe_rule(Name=_physical(first, "ScheduleRule"))
    assert schedule["State"] == "DISABLED"
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    tick = events.list_targets_by_rule(Rule=_physical(first, "ScheduleRule"))["Targets"]
    assert tick[0]["Input"] == '{"tick": true}'
    archive = events.describe_archive(ArchiveName=_physical(first, "Archive"))
    assert archive["EventSourceArn"] == bus["Arn"]
    assert archive["RetentionDays"] == 1


def test_scheduler_group_and_schedule(first: DeployReport, endpoint_url: str, stack: str) -> None:
    scheduler = aws("scheduler", endpoint_url)
    group = scheduler.get_schedule_group(Name=f"{stack}-group")
    assert group["Arn"] == first.resources["ScheduleGroup"].arn
    schedule = scheduler.get_schedule(Name=_physical(first, "Schedule"), GroupName=f"{stack}-group")
    assert schedule["Arn"] == first.resources["Schedule"].arn
    assert schedule["ScheduleExpression"] == "cron(0 9 ? * MON *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert schedule["State"] == "DISABLED"
    assert schedule["Target"]["Input"] == '{"weekly": true}'
    assert schedule["Target"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 3,
        "MaximumEventAgeInSeconds": 3600,
    }
    assert schedule["Target"]["DeadLetterConfig"] == {"Arn": first.resources["DeadLetterQueue"].arn}


def test_iam_role_and_policies(first: DeployReport, endpoint_url: str) -> None:
    iam = aws("iam", endpoint_url)
    role = _physical(first, "FunctionRole")
    assert iam.get_role(RoleName=role)["Role"]["Arn"] == first.resources["FunctionRole"].arn
    assert sorted(iam.list_role_policies(RoleName=role)["PolicyNames"]) == [
        "queues",
        "table-access",
    ]
    attached = [
        p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    ]
    assert _physical(first, "PublishPolicy") in attached
    document = iam.get_role_policy(RoleName=role, PolicyName="table-access")["PolicyDocument"]
    assert document["Statement"][0]["Resource"] == first.resources["Table"].arn


def test_lambda_function_configuration_and_code(first: DeployReport, endpoint_url: str) -> None:
    lam = aws("lambda", endpoint_url)
    name = _physical(first, "Function")
    function = lam.get_function(FunctionName=name)
    config = function["Configuration"]
    assert config["Handler"] == "every_kind_handler.handler"
    assert config["Runtime"] == "python3.12"
    assert config["Timeout"] == 10
    assert config["MemorySize"] == 256
    assert config["Role"] == first.resources["FunctionRole"].arn
    assert config["Environment"]["Variables"] == {
        "GREETING": "hello",
        "TABLE": _physical(first, "Table"),
        "TIER": "local-tier",
    }
    assert [layer["Arn"] for layer in config["Layers"]] == [_physical(first, _layer_id(first))]
    dead_letter = {"TargetArn": first.resources["DeadLetterQueue"].arn}
    assert first.resources["Function"].properties["DeadLetterConfig"] == dead_letter
    # moto 5.2.5 drops DeadLetterConfig; endpoints that keep it must report what was sent.
    assert config.get("DeadLetterConfig", dead_letter) == dead_letter
    assert function["Tags"]["localcloud:code-path"] == str((EVERY_KIND / "function").resolve())
    concurrency = lam.get_function_concurrency(FunctionName=name)
    assert concurrency["ReservedConcurrentExecutions"] == 2


def _layer_id(report: DeployReport) -> str:
    """SAM suffixes a layer's logical id with a hash of its properties, which include the
    checkout's absolute path: find it by its prefix."""
    return next(k for k in report.resources if k.startswith("SharedLayer"))


def test_lambda_layer_version_and_alias(first: DeployReport, endpoint_url: str, stack: str) -> None:
    lam = aws("lambda", endpoint_url)
    layers = lam.list_layer_versions(LayerName=f"{stack}-shared")["LayerVersions"]
    assert [layer["LayerVersionArn"] for layer in layers] == [_physical(first, _layer_id(first))]
    version = first.resources["FunctionVersion"].attributes["Version"]
    alias = lam.get_alias(FunctionName=_physical(first, "Function"), Name="live")
    assert alias["FunctionVersion"] == version
    assert alias["AliasArn"] == _physical(first, "LiveAlias")


def test_lambda_permissions_mapping_and_invoke_config(
    first: DeployReport, endpoint_url: str
) -> None:
    lam = aws("lambda", endpoint_url)
    name = _physical(first, "Function")
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    sids = {statement["Sid"]: statement for statement in policy["Statement"]}
    assert set(sids) == {
        _physical(first, "RulePermission"),
        _physical(first, "FunctionNotificationsPermission"),
    }
    assert sids[_physical(first, "RulePermission")]["Principal"] == {
        "Service": "events.amazonaws.com"
    }
    mapping = _mapping(endpoint_url, _physical(first, "FunctionQueue"))
    assert mapping["EventSourceArn"] == first.resources["WorkQueue"].arn
    assert mapping["BatchSize"] == 5
    assert mapping["MaximumBatchingWindowInSeconds"] == 1
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"body": {"kind": ["user"]}}'}]}
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    invoke = lam.get_function_event_invoke_config(FunctionName=name)
    assert invoke["MaximumRetryAttempts"] == 1
    assert invoke["MaximumEventAgeInSeconds"] == 300
    assert invoke["DestinationConfig"]["OnFailure"] == {
        "Destination": first.resources["DeadLetterQueue"].arn
    }
    url = lam.get_function_url_config(FunctionName=name)
    assert (url["AuthType"], url["Cors"]["MaxAge"]) == ("AWS_IAM", 60)
    assert first.outputs["FunctionUrlAddress"] == url["FunctionUrl"].rstrip("/") + "/"


def test_dynamodb_table(first: DeployReport, endpoint_url: str) -> None:
    dynamodb = aws("dynamodb", endpoint_url)
    table = dynamodb.describe_table(TableName=_physical(first, "Table"))["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [k["AttributeName"] for k in table["KeySchema"]] == ["pk", "sk"]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["by-email"]
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    ttl = dynamodb.describe_time_to_live(TableName=_physical(first, "Table"))
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }


def test_ses_identity_and_log_group(first: DeployReport, endpoint_url: str, stack: str) -> None:
    assert "noreply@example.com" in aws("ses", endpoint_url).list_identities()["Identities"]
    groups = aws("logs", endpoint_url).describe_log_groups(
        logGroupNamePrefix=f"/aws/lambda/{stack}-Function"
    )["logGroups"]
    assert [(g["logGroupName"], g["retentionInDays"]) for g in groups] == [
        (f"/aws/lambda/{stack}-Function", 7)
    ]


def test_cloudwatch_alarm(first: DeployReport, endpoint_url: str, stack: str) -> None:
    name = _physical(first, "DeadLetterAlarm")
    alarms = aws("cloudwatch", endpoint_url).describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert name == f"{stack}-DeadLetterAlarm"
    assert [a["Dimensions"] for a in alarms] == [
        [{"Name": "QueueName", "Value": f"{stack}-DeadLetterQueue"}]
    ]
    assert alarms[0]["AlarmActions"] == [_physical(first, "Topic")]


def test_step_functions_state_machine(first: DeployReport, endpoint_url: str, stack: str) -> None:
    machine = aws("stepfunctions", endpoint_url).describe_state_machine(
        stateMachineArn=_physical(first, "Flow")
    )
    assert machine["name"] == f"{stack}-Flow"
    call = json.loads(machine["definition"])["States"]["Call"]
    assert call["Resource"].endswith(f":function:{stack}-Function")


def test_api_gateway_rest_and_http_apis(first: DeployReport, endpoint_url: str) -> None:
    rest_id = _physical(first, "RestApi")
    resources = aws("apigateway", endpoint_url).get_resources(restApiId=rest_id)["items"]
    items = next(r for r in resources if r["path"] == "/items")
    assert items["resourceMethods"]["GET"]["methodIntegration"]["type"] == "AWS_PROXY"
    stage = aws("apigateway", endpoint_url).get_stage(restApiId=rest_id, stageName="live")
    assert stage["variables"] == {"tier": "local"}
    http_id = _physical(first, "HttpApi")
    routes = aws("apigatewayv2", endpoint_url).get_routes(ApiId=http_id)["Items"]
    assert [(r["RouteKey"], r["Target"]) for r in routes] == [
        ("GET /items/{id}", f"integrations/{_physical(first, 'HttpIntegration')}")
    ]
    stages = aws("apigatewayv2", endpoint_url).get_stages(ApiId=http_id)["Items"]
    assert [s["StageName"] for s in stages] == ["$default"]


def test_keys_secrets_dashboards_subscriptions_and_nested_stacks(
    first: DeployReport, endpoint_url: str, stack: str
) -> None:
    key = aws("kms", endpoint_url).describe_key(KeyId=f"alias/{stack}-every")["KeyMetadata"]
    assert key["KeyId"] == _physical(first, "Key")
    secret = aws("secretsmanager", endpoint_url).get_secret_value(
        SecretId=_physical(first, "Secret")
    )
    assert json.loads(secret["SecretString"])["username"] == "every"
    assert (
        aws("cloudwatch", endpoint_url).get_dashboard(DashboardName=_physical(first, "Dashboard"))[
            "DashboardBody"
        ]
        == '{"widgets": []}'
    )
    [subscription] = aws("logs", endpoint_url).describe_subscription_filters(
        logGroupName=f"/every/{stack}/audit"
    )["subscriptionFilters"]
    assert (subscription["filterPattern"], subscription["destinationArn"]) == (
        "ERROR",
        first.outputs["FunctionArn"],
    )
    setting = aws("ssm", endpoint_url).get_parameter(Name=first.outputs["NestedSettingName"])
    assert setting["Parameter"]["Value"] == "local"


def test_redeploy_without_changes_says_no_changes(
    first: DeployReport, endpoint_url: str, stack: str
) -> None:
    again = deploy(EVERY_KIND / "template.yaml", endpoint_url, stack=stack)
    assert (again.created, again.updated, again.removed) == ([], [], [])
    assert sorted(again.unchanged) == sorted(first.resources)
    assert "no changes" in again.summary()
    assert again.outputs == first.outputs


def test_changed_parameters_update_resources_in_place(endpoint_url: str) -> None:
    stack = unique_stack("update")
    template = EVERY_KIND / "template.yaml"
    before = deploy(template, endpoint_url, stack=stack)

    after = deploy(template, endpoint_url, stack=stack, parameters=UPDATES)

    assert after.created == [] and after.removed == []
    assert {"Function", "FunctionQueue", "QueueSubscription", "Rule"} <= set(after.updated)
    for logical_id in ("Function", "FunctionQueue", "QueueSubscription", "Rule"):
        assert _physical(after, logical_id) == _physical(before, logical_id)
    lam = aws("lambda", endpoint_url)
    config = lam.get_function_configuration(FunctionName=_physical(after, "Function"))
    assert config["Environment"]["Variables"]["GREETING"] == "bonjour"
    assert _mapping(endpoint_url, _physical(after, "FunctionQueue"))["BatchSize"] == 8
    subscription = aws("sns", endpoint_url).get_subscription_attributes(
        SubscriptionArn=_physical(after, "QueueSubscription")
    )["Attributes"]
    assert json.loads(subscription["FilterPolicy"]) == {"colour": ["blue"]}
    rule = aws("events", endpoint_url).describe_rule(
        Name=_physical(after, "Rule"), EventBusName=f"{stack}-bus"
    )
    assert json.loads(rule["EventPattern"])["source"] == ["app.orders"]
    assert "updated" in after.summary()
    destroy(endpoint_url, stack)


def test_changed_code_updates_the_function_code(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("code")
    template = copy_every_kind(tmp_path / "every_kind")
    deploy(template, endpoint_url, stack=stack)
    lam = aws("lambda", endpoint_url)
    sha_before = lam.get_function_configuration(FunctionName=f"{stack}-Function")["CodeSha256"]

    (template.parent / "function" / "every_kind_handler.py").write_text(
        "def handler(event, context):\n    return 1\n"
    )
    report = deploy(template, endpoint_url, stack=stack)

    assert report.updated == ["Function"]
    sha_after = lam.get_function_configuration(FunctionName=f"{stack}-Function")["CodeSha256"]
    assert sha_after != sha_before
    destroy(endpoint_url, stack)


def test_resource_dropped_from_template_is_removed(tmp_path: Path, endpoint_url: str) -> None:
    stack = unique_stack("removal")
    template = copy_every_kind(tmp_path / "every_kind")
    deploy(template, endpoint_url, stack=stack)
    logs = aws("logs", endpoint_url)
    prefix = f"/aws/lambda/{stack}-Function"
    assert len(logs.describe_log_groups(logGroupNamePrefix=prefix)["logGroups"]) == 1

    remove_block(template)
    report = deploy(template, endpoint_url, stack=stack)

    assert report.removed == ["FunctionLogGroup"]
    assert report.created == [] and report.updated == []
    assert logs.describe_log_groups(logGroupNamePrefix=prefix)["logGroups"] == []
    state = load_stack_state(endpoint_url, stack)
    assert state is not None and "FunctionLogGroup" not in state.resources
    assert "removed" in report.summary()
    destroy(endpoint_url, stack)


def test_destroy_removes_every_resource_and_the_state(endpoint_url: str) -> None:
    stack = unique_stack("destroy")
    deployed = deploy(EVERY_KIND / "template.yaml", endpoint_url, stack=stack)

    report = destroy(endpoint_url, stack)

    assert sorted(report.removed) == sorted(deployed.resources)
    assert report.removed.index("Function") < report.removed.index("FunctionRole")
    assert load_stack_state(endpoint_url, stack) is None
    queues = aws("sqs", endpoint_url).list_queues(QueueNamePrefix=f"{stack}-").get("QueueUrls", [])
    assert queues == []
    functions = aws("lambda", endpoint_url).list_functions()["Functions"]
    assert [f for f in functions if f["FunctionName"].startswith(f"{stack}-")] == []


def test_cognito_pool_client_group_and_domain(
    first: DeployReport, endpoint_url: str, stack: str
) -> None:
    idp = aws("cognito-idp", endpoint_url)
    pool_id = _physical(first, "UserPool")
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == f"{stack}-UserPool"
    assert pool["LambdaConfig"]["PreSignUp"] == first.outputs["FunctionArn"]
    client = idp.describe_user_pool_client(
        UserPoolId=pool_id, ClientId=_physical(first, "UserPoolClient")
    )["UserPoolClient"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]["GroupName"] == "admins"
    domain = idp.describe_user_pool_domain(Domain=f"{stack}-login")["DomainDescription"]
    assert domain["UserPoolId"] == pool_id
