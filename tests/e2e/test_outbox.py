"""The users API's outbox end to end: a write and its event commit together, the stream relays
the event to the bus with its id, and a relay that fails once delivers on the mapping's retry."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

from localcloud.pytest_plugin import TraceProbe


def test_api_event_is_recorded_with_the_user_and_relayed_with_its_id(
    users: Any, traces: TraceProbe
) -> None:
    # GIVEN a user created through the API
    started = time.time()
    user = users.create_user()
    user_id = user["user_id"]

    # THEN its UserCreated sits in the outbox, written in the same transaction
    [item] = users.outbox_items(user_id)
    assert (item["event_type"], int(item["version"])) == ("UserCreated", 1)
    event_id = item["event_id"]

    # AND the relay published it with that id: the audit trail keeps it under the id
    traces.wait_for(
        lambda: [k for k in users.audit_keys() if k.endswith(f"/{event_id}.json")],
        message="the audited event, under the outbox event's id",
    )

    # AND one trace runs from the API call through the stream record to the relay
    relay = users.functions["OutboxRelayFunction"]
    [stream_hop] = [
        h for h in traces.hops("stream record", users.outputs["OutboxTableName"]) if h.at >= started
    ]
    path = traces.path(stream_hop.trace_id)
    kinds = [(kind, resource) for kind, _, resource in path]
    assert ("invoke", users.functions["UsersApiFunction"]) in kinds
    assert ("call", "TransactWriteItems") in kinds
    assert ("invoke", relay) in kinds
    assert kinds.index(("call", "TransactWriteItems")) < kinds.index(("invoke", relay))


@contextlib.contextmanager
def relay_fails_once_for(users: Any, email: str) -> Iterator[None]:
    """The relay's fault injection on for ``email`` (its template value, off, restored after)."""
    lam = users.client("lambda")
    name = users.functions["OutboxRelayFunction"]
    variables = lam.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    lam.update_function_configuration(
        FunctionName=name,
        Environment={"Variables": {**variables, "RELAY_FAIL_ONCE_EMAIL": email}},
    )
    try:
        yield
    finally:
        lam.update_function_configuration(FunctionName=name, Environment={"Variables": variables})


def test_a_relay_that_fails_once_delivers_the_event_on_retry(
    users: Any, traces: TraceProbe
) -> None:
    email = f"outbox-retry-{uuid.uuid4().hex[:8]}@example.com"
    with relay_fails_once_for(users, email):
        # WHEN a user is created while the relay fails the first attempt of its event
        user = users.create_user(email)

        # THEN the directory still gets the user: the mapping retried the relay
        item = traces.wait_for(
            lambda: users.directory_item(user["user_id"]), message="directory entry after retry"
        )
        assert item["email"] == email
        [outbox] = users.outbox_items(user["user_id"])
        assert int(outbox["relay_attempts"]) == 2  # the injected failure, then the publish
        audited = [k for k in users.audit_keys() if k.endswith(f"/{outbox['event_id']}.json")]
        assert len(audited) == 1
