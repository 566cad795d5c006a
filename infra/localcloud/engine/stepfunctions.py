"""Step Functions on the engine: the clients a state machine's tasks call with, the trace hops of
its executions and states, and state machines as targets.

moto's interpreter runs the ASL (emulator/moto_patches/stepfunctions.py); what it calls goes to
``StateMachines.client``: a boto3 client aimed at the local cloud's own endpoint, without
botocore's retries (a Task state's ``Retry`` is the only retry policy, as on AWS), which sends
the current state's hop as its X-Ray header. The gateway links what that call causes (a Lambda
invocation, a SendMessage, a PutEvents) to the state that made it, so ``localcloud trace`` shows
an event → the execution → its states → the invocations.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

from localcloud import clients, trace
from localcloud.emulator import stepfunctions as sfn
from localcloud.emulator.backends import ServiceError
from localcloud.emulator.views import ExecutionView
from localcloud.engine.errors import DeliveryError
from localcloud.engine.senders import Message, Sender
from localcloud.trace import HopKind, Outcome, TraceStore

# A Lambda task waits for its function, which may run for Lambda's longest timeout (900 s).
TASK_READ_TIMEOUT = 905.0
TRACE_HEADER = "X-Amzn-Trace-Id"
ENDED_OUTCOMES = {"SUCCEEDED": Outcome.OK}


def send_trace_header(request: Any, **_: Any) -> None:
    context = trace.current()
    if context is not None:
        request.headers[TRACE_HEADER] = context.header()


class StateMachines:
    """The engine's side of Step Functions executions."""

    def __init__(self, traces: TraceStore, endpoint_url: str) -> None:
        self.traces = traces
        self.endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, region: str, service: str) -> Any:
        """A client of the local cloud for a task, made once per region and service."""
        key = (region, service)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                session: Any = boto3.session.Session(
                    aws_access_key_id=clients.LOCAL_CREDENTIALS["aws_access_key_id"],
                    aws_secret_access_key=clients.LOCAL_CREDENTIALS["aws_secret_access_key"],
                    region_name=region,
                )
                found = session.client(
                    service,
                    endpoint_url=self.endpoint_url,
                    config=Config(
                        retries={"total_max_attempts": 1},
                        read_timeout=TASK_READ_TIMEOUT,
                        connect_timeout=5,
                        parameter_validation=False,
                        inject_host_prefix=False,
                        max_pool_connections=50,
                    ),
                )
                found.meta.events.register("before-sign", send_trace_header)
                self._clients[key] = found
            return found

    def close(self) -> None:
        """Close the tasks' clients: their pooled connections to the cloud end with it."""
        with self._lock:
            made, self._clients = list(self._clients.values()), {}
        for client in made:
            client.close()

    def started(
        self, execution: ExecutionView, context: trace.TraceContext | None
    ) -> trace.TraceContext:
        return self.traces.record(
            HopKind.EXECUTION,
            "states",
            execution.state_machine_arn.rsplit(":", 1)[-1],
            context=context,
            execution=execution.arn,
            type=execution.state_machine_type,
            status="RUNNING",
        )

    def entered(
        self, execution_arn: str, state: str, state_type: str, context: trace.TraceContext
    ) -> trace.TraceContext:
        return self.traces.record(
            HopKind.STATE,
            "states",
            state,
            context=context,
            execution=execution_arn,
            type=state_type,
        )

    def ended(self, execution: ExecutionView, context: trace.TraceContext) -> None:
        self.traces.record(
            HopKind.EXECUTION,
            "states",
            execution.state_machine_arn.rsplit(":", 1)[-1],
            context=context,
            outcome=ENDED_OUTCOMES.get(execution.status, Outcome.ERROR),
            execution=execution.arn,
            status=execution.status,
            error=execution.error,
            cause=execution.cause,
        )


class StatesSender(Sender):
    """A state machine as a target: the message starts an execution with it as the input."""

    service = "states"

    def send(self, arn: str, message: Message, context: trace.TraceContext) -> None:
        try:
            with trace.activate(context):
                sfn.start_execution(arn, message.body)
        except (sfn.StatesError, ServiceError) as exc:  # a missing machine, an input not JSON
            raise DeliveryError(exc.code, f"Step Functions {arn}: {exc}", retriable=False) from exc
