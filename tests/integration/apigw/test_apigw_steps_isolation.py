"""Two clouds built in one process share no API Gateway step: what a test registers on one cloud
is gone with it, and a cloud that failed to start changed nothing on the one running.

Runs in a fresh interpreter, since this session's own local cloud holds moto's patches.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    from localcloud.apigw.model import Answer, Deny
    from localcloud.emulator.moto_patches import PatchesInUseError
    from localcloud.server import LocalCloud

    def deny_all(*args):
        return Deny(Answer(403))

    first = LocalCloud(port=0).start()
    steps = first.running().apis.steps
    own = first.running().reset.access
    assert steps.register_authorizer(deny_all) == own.authorize
    try:
        LocalCloud(port=0).start()
    except PatchesInUseError:
        pass
    else:
        raise AssertionError("a second cloud in the same process was allowed")
    # the refused cloud's access control did not take over the running one's steps
    assert steps._authorizer is deny_all, steps._authorizer
    assert steps._preflight == own.preflight
    assert steps._responders["cors"] == own.respond
    first.stop()

    second = LocalCloud(port=0).start()
    fresh = second.running().apis.steps
    assert fresh is not steps
    assert fresh._authorizer == second.running().reset.access.authorize
    assert fresh._authorizer.__self__ is not own
    second.stop()
    print("isolated")
    """
)


def test_a_cloud_built_after_another_starts_with_its_own_steps() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("isolated")
