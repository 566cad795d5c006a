"""The unsubscribe link of SNS notifications, the parts that need no cloud: which requests are
the link being followed, how a browser's request from another site is refused, and the XML SNS
answers with. (tests/integration/engine/test_sns_unsubscribe_url.py follows a real link.)"""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from localcloud.gateway import unsubscribe_links
from localcloud.gateway.request import AwsRequest

ARN = "arn:aws:sns:us-east-1:123456789012:orders:0b1c2d3e-aaaa-bbbb-cccc-123456789012"
NS = {"sns": unsubscribe_links.SNS_NAMESPACE}


def get(query: str, path: str = "/", **headers: str) -> AwsRequest:
    return AwsRequest.parse(
        method="GET",
        path=path,
        query=query,
        headers={"host": "localhost:4566", **headers},
        body=b"",
        default_region="us-east-1",
    )


def test_an_unsigned_get_with_action_unsubscribe_is_the_link() -> None:
    assert unsubscribe_links.is_link(get(f"Action=Unsubscribe&SubscriptionArn={ARN}"))


@pytest.mark.parametrize(
    "request_",
    [
        get(""),  # S3's ListBuckets, unsigned
        get("Action=ListTopics"),
        get(f"Action=Unsubscribe&SubscriptionArn={ARN}", path="/bucket"),
        get(
            f"Action=Unsubscribe&SubscriptionArn={ARN}",
            authorization="AWS4-HMAC-SHA256 Credential=test/20261205/us-east-1/sns/aws4_request",
        ),
    ],
)
def test_other_requests_are_not_the_link(request_: AwsRequest) -> None:
    assert not unsubscribe_links.is_link(request_)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_page_of_another_site_is_refused_before_anything_changes(site: str) -> None:
    answer = unsubscribe_links.answer(
        get(f"Action=Unsubscribe&SubscriptionArn={ARN}", **{"sec-fetch-site": site})
    )
    assert answer.status == 403
    error = ElementTree.fromstring(answer.body).find("sns:Error", NS)
    assert error is not None
    assert error.findtext("sns:Code", namespaces=NS) == "AuthorizationError"


def test_a_link_without_a_subscription_is_an_invalid_parameter() -> None:
    answer = unsubscribe_links.answer(get("Action=Unsubscribe"))
    assert answer.status == 400
    root = ElementTree.fromstring(answer.body)
    assert root.findtext("sns:Error/sns:Code", namespaces=NS) == "InvalidParameter"


def test_the_answers_are_snss_xml_with_the_request_id() -> None:
    ok = ElementTree.fromstring(unsubscribe_links.unsubscribe_response("rid-1"))
    assert ok.tag == f"{{{unsubscribe_links.SNS_NAMESPACE}}}UnsubscribeResponse"
    assert ok.findtext("sns:ResponseMetadata/sns:RequestId", namespaces=NS) == "rid-1"
    error = ElementTree.fromstring(
        unsubscribe_links.error_document("NotFound", "Subscription <gone>", "rid-2")
    )
    assert error.findtext("sns:Error/sns:Type", namespaces=NS) == "Sender"
    assert error.findtext("sns:Error/sns:Message", namespaces=NS) == "Subscription <gone>"
    assert error.findtext("sns:RequestId", namespaces=NS) == "rid-2"
