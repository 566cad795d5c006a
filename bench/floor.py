"""The floor under every call latency: boto3 and loopback HTTP against a server that does nothing.

A call's latency is the client's work (botocore serialises, signs and parses: ~0.3 ms of CPU),
the loopback round trip with its thread and process wake-ups, and the server's work. Only the last
is a peer's. This module starts a server that answers every request at once with a canned answer
the client accepts (one thread per connection, no parsing beyond the request's framing) and
times the calls the latency scenarios time, with the same client settings and the same pacing:

- ``PutEvents`` back to back (as ``putevents_sqs``) and paced at 50/s (as ``putevents``);
- SNS ``Publish`` back to back (as ``sns_sqs``);
- S3 ``PutObject`` paced at 50/s (as ``s3_put``).

What a peer's p50 has above these is its server's share. A target below the floor cannot be met
by any server on this machine with this client.

    .venv/bin/python bench/floor.py          # the floor figures alone
    .venv/bin/python bench/floor.py serve N  # the canned server on 127.0.0.1:N (what run.py starts)
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from peers import Peer
from scenarios import paced, percentile

# Canned answers, chosen by what the request names (X-Amz-Target, a form Action, the method).
PUT_EVENTS = b'{"FailedEntryCount":0,"Entries":[{"EventId":"0000-0000"}]}'
PUBLISH = (
    b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>'
    b"<MessageId>00000000-0000-0000-0000-000000000000</MessageId></PublishResult>"
    b"<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></PublishResponse>"
)
HEAD_END = b"\r\n\r\n"


def answer(head: bytes, body: bytes) -> bytes:
    """The whole HTTP response to one request."""
    lowered = head.lower()
    headers = [b"x-amzn-RequestId: 1"]
    if b"x-amz-target: awsevents.putevents" in lowered:
        headers.append(b"Content-Type: application/x-amz-json-1.1")
        payload = PUT_EVENTS
    elif b"action=publish" in body.lower():
        headers.append(b"Content-Type: text/xml")
        payload = PUBLISH
    elif head.startswith(b"PUT "):
        headers.append(b'ETag: "9dd4e461268c8034f5c8564e155c67a6"')
        payload = b""
    else:  # ListQueues (readiness) and anything else: an empty JSON document
        headers.append(b"Content-Type: application/x-amz-json-1.0")
        payload = b"{}"
    headers.append(b"Content-Length: %d" % len(payload))
    return b"HTTP/1.1 200 OK\r\n" + b"\r\n".join(headers) + HEAD_END + payload


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _connection(conn: socket.socket) -> None:
    buffer = b""
    continued = False
    with conn:
        while chunk := conn.recv(1 << 16):
            buffer += chunk
            while HEAD_END in buffer:
                head, _, rest = buffer.partition(HEAD_END)
                size = _content_length(head)
                if len(rest) < size:
                    # botocore sends S3 bodies only once told to (Expect: 100-continue)
                    if not continued and b"expect: 100-continue" in head.lower():
                        conn.sendall(b"HTTP/1.1 100 Continue" + HEAD_END)
                        continued = True
                    break  # the body is still on its way
                buffer, continued = rest[size:], False
                conn.sendall(answer(head, rest[:size]))


def serve(port: int) -> None:
    """Answer on 127.0.0.1:``port`` until killed."""
    listener = socket.create_server(("127.0.0.1", port))
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_connection, args=(conn,), daemon=True).start()


class FloorPeer(Peer):
    """The canned server, started and stopped like a peer (it runs no scenario)."""

    name = "floor"
    scenarios = frozenset()

    def command(self) -> tuple[list[str], dict[str, str]]:
        return [sys.executable, str(Path(__file__).resolve()), "serve", str(self.port)], {}

    def version(self) -> str:
        return "canned answers"


def measure(peer: Peer, scale: float) -> dict[str, float]:
    """p50 in ms of each timed call against ``peer`` (the floor server), paced as the scenarios
    pace them; the call counts follow ``scale`` as theirs do."""
    events, sns, s3 = peer.client("events"), peer.client("sns"), peer.client("s3")
    entry = {"Source": "bench.putevents", "DetailType": "Tick", "Detail": json.dumps({"n": 0})}
    topic = "arn:aws:sns:us-east-1:000000000000:floor"

    def put_events(_: str) -> Any:
        return events.put_events(Entries=[entry])

    def publish(_: str) -> Any:
        return sns.publish(TopicArn=topic, Message=json.dumps({"id": "p" * 32, "sent": 0}))

    def put_object(key: str) -> Any:
        return s3.put_object(Bucket="floor", Key=key, Body=b"x")

    for call in (put_events, publish, put_object):
        for i in range(20):
            call(f"warm{i}")
    n = max(50, int(200 * scale))
    return {
        "floor_putevents_b2b_p50_ms": _p50(paced(max(100, int(500 * scale)), 1e9, put_events)),
        "floor_putevents_paced_p50_ms": _p50(paced(n, 50.0, put_events)),
        "floor_publish_b2b_p50_ms": _p50(paced(max(100, int(300 * scale)), 1e9, publish)),
        "floor_put_object_paced_p50_ms": _p50(paced(n, 50.0, put_object)),
    }


def _p50(samples: list[float]) -> float:
    return percentile(samples, 50) * 1000


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"] and len(argv) == 2:
        serve(int(argv[1]))
        return 0
    if argv:
        print("usage: floor.py [serve PORT]")
        return 2
    import tempfile

    peer = FloorPeer(Path(tempfile.mkdtemp(prefix="localcloud-floor-")))
    peer.start()
    try:
        time.sleep(1.0)
        for metric, value in measure(peer, 1.0).items():
            print(f"{metric:<34} {value:6.3f}")
    finally:
        peer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
