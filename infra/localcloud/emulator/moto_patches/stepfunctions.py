"""Step Functions patches: moto's ASL interpreter runs every execution, its calls go through the
local cloud, and each state it enters is a trace hop.

- moto answers Step Functions with its plain backend (executions that never run) unless its
  ``execute_state_machine`` setting is on; ``get_backend`` here always picks the interpreting
  backend (moto/stepfunctions/parser, derived from LocalStack's), whose definitions are parsed
  at CreateStateMachine and whose executions run in threads of their own.
- The interpreter makes every service call (Lambda Invoke, SQS, SNS, DynamoDB, EventBridge, ...)
  with a boto3 client from one factory, ``boto_client_for``, which each state module imported by
  name. Each of those names is replaced by the hooks' client, aimed at the local cloud's own
  endpoint: a Lambda task runs on the engine's executor, a SendMessage or PutEvents goes through
  the gateway, with the engine's semantics and trace hops.
- A definition is refused at CreateStateMachine and UpdateStateMachine as AWS refuses it
  (``InvalidDefinition``: a missing transition target, a state without Next or End, then the
  parser's grammar), where moto would take some and send the rest without an error code.
- An execution's start and every state it enters are reported to the hooks, which record hops;
  the state's evaluation runs with that hop as the thread's trace context (kept in the thread a
  Task state times its call in), so the calls it makes carry it in their X-Ray header and the
  invocations they cause hang below it.
"""

from __future__ import annotations

import importlib
import threading
import uuid
from types import ModuleType
from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.backend.execution import (
    BaseExecutionWorkerCommunication,
    Execution,
)
from moto.stepfunctions.parser.models import (
    StepFunctionsParserBackend,
    stepfunctions_parser_backends,
)

from localcloud import trace
from localcloud.emulator.asl import definition_problems
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.stepfunctions import execution_view

# Every module of moto's interpreter that imported ``boto_client_for`` by name.
_STATE_TASK = "moto.stepfunctions.parser.asl.component.state.exec.state_task"
_STATE_MAP = "moto.stepfunctions.parser.asl.component.state.exec.state_map"
CLIENT_MODULES = (
    f"{_STATE_TASK}.lambda_eval_utils",
    f"{_STATE_TASK}.service.state_task_service_aws_sdk",
    f"{_STATE_TASK}.service.state_task_service_batch",
    f"{_STATE_TASK}.service.state_task_service_dynamodb",
    f"{_STATE_TASK}.service.state_task_service_ecs",
    f"{_STATE_TASK}.service.state_task_service_events",
    f"{_STATE_TASK}.service.state_task_service_glue",
    f"{_STATE_TASK}.service.state_task_service_sfn",
    f"{_STATE_TASK}.service.state_task_service_sns",
    f"{_STATE_TASK}.service.state_task_service_sqs",
    f"{_STATE_TASK}.service.state_task_service_unsupported",
    f"{_STATE_MAP}.item_reader.eval.resource_eval_s3",
    f"{_STATE_MAP}.result_writer.resource_eval.resource_eval_s3",
)


def client_modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in CLIENT_MODULES]


class TracedThread(threading.Thread):
    """A thread that carries on the trace context of the thread that made it: a Task state
    runs its call in a thread of its own (to time it out), and the call's header is that of the
    state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trace_context = trace.current()

    def run(self) -> None:
        with trace.activate(self._trace_context):
            super().run()


class ExecutionTraces:
    """The trace context of each running execution (the hop that started it), by its ARN."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_arn: dict[str, trace.TraceContext] = {}

    def put(self, arn: str, context: trace.TraceContext) -> None:
        with self._lock:
            self._by_arn[arn] = context

    def get(self, arn: str) -> trace.TraceContext | None:
        with self._lock:
            return self._by_arn.get(arn)

    def pop(self, arn: str) -> trace.TraceContext | None:
        with self._lock:
            return self._by_arn.pop(arn, None)


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("stepfunctions")
    executions = ExecutionTraces()

    def get_backend(account: str, region: str) -> Any:
        return stepfunctions_parser_backends[account][region]

    group.add(sfn_responses, "get_backend", get_backend)

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        return hooks.service_client(region, service)

    parse_definition = StepFunctionsParserBackend._validate_definition

    def validate_definition(definition: str) -> None:
        problems = definition_problems(definition)
        if not problems:
            try:
                parse_definition(definition=definition)
            except AWSError as exc:  # the parser's error, which moto sends without its code
                problems = [exc.message]
        if problems:
            raise AWSError(
                f"Invalid State Machine Definition: '{'; '.join(problems)}'",
                exception_type="InvalidDefinition",
            )

    group.add(StepFunctionsParserBackend, "_validate_definition", staticmethod(validate_definition))

    original_start_execution = StepFunctionsParserBackend.start_execution

    @group.function(StepFunctionsParserBackend, "start_execution")
    def start_execution(self: Any, state_machine_arn: str, name: Any = None, *args: Any) -> Any:
        # An execution started without a name gets a UUID, as on AWS (moto's would be "None").
        return original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args)

    for module in client_modules():
        group.add(module, "boto_client_for", boto_client_for)

    group.add(execute_state, "Thread", TracedThread)

    original_start = Execution.start

    @group.function(Execution, "start")
    def start(self: Any) -> None:
        context = hooks.execution_started(execution_view(self), trace.current())
        executions.put(self.exec_arn, context)
        original_start(self)

    original_terminated = BaseExecutionWorkerCommunication.terminated

    @group.function(BaseExecutionWorkerCommunication, "terminated")
    def terminated(self: Any) -> None:
        original_terminated(self)
        context = executions.pop(self.execution.exec_arn)
        if context is not None:
            hooks.execution_ended(execution_view(self.execution), context)

    original_eval_body = CommonStateField._eval_body

    @group.function(CommonStateField, "_eval_body")
    def eval_body(self: Any, env: Any) -> None:
        arn = env.states.context_object.context_object_data["Execution"]["Id"]
        started = executions.get(arn)
        if started is None:  # an execution started before the patches were applied
            original_eval_body(self, env)
            return
        kind = getattr(self.state_type, "name", str(self.state_type))
        context = hooks.state_entered(arn, self.name, kind, started)
        with trace.activate(context):
            original_eval_body(self, env)

    return group
