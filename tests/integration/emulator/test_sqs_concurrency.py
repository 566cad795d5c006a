"""Parallel deletes (pollers settle batches in parallel) never bring a message back."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from localcloud.emulator import backends


def test_parallel_deletes_remove_every_message(localcloud: Any) -> None:
    sqs = localcloud.client("sqs")
    name = f"par-{uuid.uuid4().hex[:8]}"
    sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})
    backend = backends.sqs_backend(localcloud.region)
    for n in range(1000):
        backend.send_message(name, f"m{n}")
    received = backend.receive_message(name, 1000, 0, 60)
    handles = [m.receipt_handle for m in received]
    assert len(handles) == 1000
    chunks = [handles[i::8] for i in range(8)]
    start = threading.Barrier(8)

    def delete(chunk: list[str]) -> None:
        start.wait()
        for handle in chunk:
            backend.delete_message(name, handle)

    threads = [threading.Thread(target=delete, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(backend.get_queue(name)._messages) == 0
