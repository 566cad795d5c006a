"""A stopped local cloud leaves moto as it found it: a later ``mock_aws`` block runs moto's code.

Runs in a fresh interpreter, since this session's own local cloud holds the patches.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import boto3
    from moto import mock_aws
    from moto.sns import models as sns_models
    from moto.sqs import models as sqs_models

    from localcloud.emulator.moto_patches import MotoPatches, PatchesInUseError
    from localcloud.server import LocalCloud

    def surface():
        return {
            "receive": sqs_models.SQSBackend.receive_message,
            "publish": sns_models.Subscription.publish,
            "matcher": sns_models.FilterPolicyMatcher,
            "handle": sqs_models.generate_receipt_handle,
            "store": vars(sqs_models.Queue).get("_messages"),
            "new": vars(sqs_models.Message).get("__new__"),
        }

    before = surface()
    cloud = LocalCloud(port=0).start()
    during = surface()
    assert during["receive"] is not before["receive"], "the patches were not applied"
    assert during["store"] is not None
    try:
        LocalCloud(port=0).start()
    except PatchesInUseError as exc:
        assert "already running" in str(exc)
    else:
        raise AssertionError("a second cloud in the same process was allowed")
    cloud.stop()
    after = surface()
    changed = sorted(name for name in before if after[name] is not before[name])
    assert changed == [], f"still patched after stop: {changed}"

    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="plain")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
        # moto's own receipt handles are lowercase letters; the local cloud's are URL-safe.
        assert message["ReceiptHandle"].isalpha(), message["ReceiptHandle"]
        queue = sqs_models.sqs_backends["123456789012"]["us-east-1"].get_queue("plain")
        assert isinstance(vars(queue)["_messages"], list)

    again = LocalCloud(port=0).start()  # the patches apply again after an undo
    assert sqs_models.SQSBackend.receive_message is not before["receive"]
    again.stop()
    print("undone")
    """
)


def test_a_mock_aws_block_after_a_stopped_local_cloud_runs_motos_own_code() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("undone")
