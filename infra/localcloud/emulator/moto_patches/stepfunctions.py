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
- A Lambda task's failure is named as Step Functions names it: the handler's ``errorType``,
  ``Lambda.Unknown`` for a timeout or a crash of the function, ``Lambda.<code>`` when Lambda
  refuses the invoke (moto says ``Exception`` for the plain-ARN form).
- StartExecution checks the execution's name as AWS does (at most 80 characters, none of the
  characters AWS refuses), which moto's interpreting backend skips.
- A state machine a CloudFormation stack creates, updates or deletes is the interpreting
  backend's, the one the API answers from (moto's resource model would put it in the plain one,
  where DescribeStateMachine never finds it).
- An execution's start and every state it enters are reported to the hooks, which record hops;
  the state's evaluation runs with that hop as the thread's trace context (kept in the thread a
  Task state times its call in, and in Parallel branches' and Map iterations' threads), so the
  calls it makes carry it in their X-Ray header and what they cause hangs below it.
- A ``loggingConfiguration`` is checked at CreateStateMachine and UpdateStateMachine as Step
  Functions checks it (``InvalidLoggingConfiguration``: more than one destination, an ARN without
  ``:*``, a log group that does not exist), where moto keeps whatever it is given; an execution
  of a machine that logs writes its history events to the log group (moto's interpreter hands
  every event to the execution's logging session, which it always leaves empty).
- A Wait state (Seconds, SecondsPath, Timestamp, TimestampPath) and a Retry's interval wait on
  the cloud's clock (clock.py), where moto sleeps: a wait ends when the clock reaches its end,
  by real time or because a test moved the clock (``localcloud clock --advance 86400`` ends a
  day's Wait at once), and a change of the execution's state (StopExecution, its timeout, a
  failing Parallel branch) ends it at once. A timestamp is read against the clock, in UTC. An
  execution's ``TimeoutSeconds`` counts on the clock too (a moved clock times it out).
"""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from datetime import UTC
from types import ModuleType, SimpleNamespace
from typing import Any

from botocore.exceptions import ClientError
from moto.core.exceptions import AWSError
from moto.stepfunctions import models as sfn_models
from moto.stepfunctions import responses as sfn_responses
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
    CustomErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.common.retry.retrier_decl import RetrierDecl
from moto.stepfunctions.parser.asl.component.program import program
from moto.stepfunctions.parser.asl.component.program.program import Program
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
    inline_iteration_component,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branch_worker
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_lambda,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import (
    StateTaskLambda,
)
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import (
    WaitFunction,
)
from moto.stepfunctions.parser.asl.eval.environment import Environment
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventManager
from moto.stepfunctions.parser.backend.execution import (
    BaseExecutionWorkerCommunication,
    Execution,
)
from moto.stepfunctions.parser.models import (
    StepFunctionsParserBackend,
    stepfunctions_parser_backends,
)

from localcloud import trace
from localcloud.clock import Clock
from localcloud.emulator.asl import definition_problems
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.emulator.stepfunctions import ExecutionLog, checked_logging, execution_view

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


# Errors of the Lambda platform rather than of the handler: Step Functions reports them as
# Lambda.Unknown (its guide, "Handle Lambda service exceptions").
PLATFORM_ERRORS = frozenset({"Sandbox.Timedout", "Runtime.OutOfMemory", "Runtime.ExitError"})


def lambda_error_name(ex: Exception) -> str | None:
    """The name Step Functions gives a Lambda task's failure, where moto's differs; else None."""
    if isinstance(ex, ClientError):  # Lambda refused the invoke: Lambda.<its error code>
        return f"Lambda.{ex.response.get('Error', {}).get('Code') or 'ServiceException'}"
    if isinstance(ex, lambda_eval_utils.LambdaFunctionErrorException):
        try:
            error_type = json.loads(ex.payload).get("errorType")
        except (ValueError, AttributeError):
            return "Lambda.Unknown"
        return "Lambda.Unknown" if error_type in PLATFORM_ERRORS or not error_type else None
    return None


def renamed(env: Any, event: Any, name: str) -> Any:
    """``event`` (a FailureEvent) with the error ``name``, in its history details too."""
    details: Any = {
        key: {**value, "error": name} if isinstance(value, dict) and "error" in value else value
        for key, value in (event.event_details or {}).items()
    }
    return FailureEvent(env, CustomErrorName(name), event.event_type, details or None)


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


# An environment's program state changes in these (each passes the change on to its frames).
STATE_CHANGES = ("set_ended", "set_error", "set_timed_out", "set_stop")


class ClockWaits:
    """Executions' waits on the cloud's clock, by the environment (an execution's, a Parallel
    branch's or a Map iteration's) they wait in: a change of its program state wakes them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._wakes: dict[int, set[threading.Event]] = {}  # by id(env), while waiting
        self._retrying = threading.local()  # the environment a Retry evaluates in, this thread

    def until(self, env: Any, deadline: float) -> bool:
        """Wait in ``env`` until the clock reaches ``deadline``: True; False when the program
        stopped running first (stopped, timed out, failed)."""
        wake = threading.Event()
        key = id(env)
        with self._lock:
            self._wakes.setdefault(key, set()).add(wake)
        try:
            return self.clock.wait_until(deadline, wake, lambda: not env.is_running())
        finally:
            with self._lock:
                wakes = self._wakes.get(key, set())
                wakes.discard(wake)
                if not wakes:
                    self._wakes.pop(key, None)

    def changed(self, env: Any) -> None:
        """``env``'s program state changed: its waits look again."""
        with self._lock:
            wakes = list(self._wakes.get(id(env), ()))
        for wake in wakes:
            wake.set()

    def retrying(self, env: Any | None) -> None:
        self._retrying.env = env

    def retry_sleep(self, seconds: float) -> None:
        """A Retry's interval (moto's ``time.sleep``), in the environment of the Retry."""
        env = getattr(self._retrying, "env", None)
        if env is None:
            self.clock.sleep(seconds)
        else:
            self.until(env, self.clock.now() + seconds)


def clock_patches(group: Patches, clock: Clock) -> None:
    """Wait states and Retry intervals wait on ``clock`` (see the module's docstring)."""
    waits = ClockWaits(clock)

    @group.function(WaitFunction, "_wait_interval")
    def wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
        if wait_seconds > 0:
            waits.until(env, clock.now() + wait_seconds)

    @group.function(Timestamp, "_get_wait_seconds")
    def timestamp_wait_seconds(self: Any, env: Any) -> float:
        self.string.eval(env=env)
        text = env.stack.pop()
        moment = self._from_timestamp_string(timestamp=text)
        if moment is None:
            raise FailureEventException(self._create_failure_event(env, text))
        return float(moment.replace(tzinfo=UTC).timestamp() - clock.now())

    original_retrier = RetrierDecl._eval_body

    @group.function(RetrierDecl, "_eval_body")
    def retrier_eval_body(self: Any, env: Any) -> None:
        waits.retrying(env)
        try:
            original_retrier(self, env)
        finally:
            waits.retrying(None)

    group.add(retrier_decl, "time", SimpleNamespace(sleep=waits.retry_sleep))

    original_program_eval = Program.eval

    @group.function(Program, "eval")
    def program_eval(self: Any, env: Any) -> None:
        timeout = self.timeout_seconds.timeout_seconds if self.timeout_seconds else None
        if timeout:
            # moto's own timeout (a real-time join) stays, and never comes first
            env.next_state_name = self.start_at.start_at_name  # running, as moto's eval sets it
            deadline = clock.now() + timeout

            def time_out() -> None:
                if waits.until(env, deadline):
                    env.set_timed_out()

            threading.Thread(target=time_out, name="sfn-timeout", daemon=True).start()
        original_program_eval(self, env)

    for name in STATE_CHANGES:
        original = getattr(Environment, name)

        def state_changed(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            _original(self, *args, **kwargs)
            waits.changed(self)

        group.add(Environment, name, state_changed)


def patches(hooks: EmulatorHooks, clock: Clock | None = None) -> Patches:
    group = Patches("stepfunctions")
    executions = ExecutionTraces()
    clock_patches(group, clock or Clock())

    def get_backend(account: str, region: str) -> Any:
        return stepfunctions_parser_backends[account][region]

    group.add(sfn_responses, "get_backend", get_backend)
    # Read by moto's StateMachine resource model (CloudFormation) only, at each call.
    group.add(sfn_models, "stepfunctions_backends", stepfunctions_parser_backends)

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
        if name:
            self._validate_name(name)
        return original_start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args)

    for module in client_modules():
        group.add(module, "boto_client_for", boto_client_for)

    group.add(execute_state, "Thread", TracedThread)
    # Parallel branches and Map iterations run in threads of their own (a branch's program in
    # yet another), which these modules make with ``threading.Thread`` and use nothing else of
    # ``threading``: their states are recorded under the Parallel or Map state's hop.
    traced_threading = SimpleNamespace(Thread=TracedThread)
    group.add(program, "threading", traced_threading)
    group.add(branch_worker, "threading", traced_threading)
    group.add(inline_iteration_component, "threading", traced_threading)

    for task_class in (StateTaskLambda, state_task_service_lambda.StateTaskServiceLambda):
        original_from_error = task_class._from_error

        def from_error(
            self: Any, env: Any, ex: Exception, original: Any = original_from_error
        ) -> Any:
            event = original(self, env, ex)
            name = lambda_error_name(ex)
            return event if name is None else renamed(env, event, name)

        group.add(task_class, "_from_error", from_error)

    original_create = StepFunctionsParserBackend.create_state_machine

    @group.function(StepFunctionsParserBackend, "create_state_machine")
    def create_state_machine(self: Any, *args: Any, **kwargs: Any) -> Any:
        checked_logging(kwargs.get("loggingConfiguration"))
        return original_create(self, *args, **kwargs)

    original_update = StepFunctionsParserBackend.update_state_machine

    @group.function(StepFunctionsParserBackend, "update_state_machine")
    def update_state_machine(self: Any, *args: Any, **kwargs: Any) -> Any:
        checked_logging(kwargs.get("logging_configuration"))
        return original_update(self, *args, **kwargs)

    @group.function(EventManager, "_publish_history_log")
    def publish_history_log(
        self: Any,
        event_id: int,
        source_event_id: int,
        event_type: Any,
        timestamp: Any,
        event_details: Any,
    ) -> None:
        log = self._cloud_watch_logging_session
        if isinstance(log, ExecutionLog):
            log.write(event_id, source_event_id, event_type, timestamp, event_details)

    original_start = Execution.start

    @group.function(Execution, "start")
    def start(self: Any) -> None:
        # Read by the worker start() makes: its events go to the log the snapshot configures.
        self._cloud_watch_logging_session = ExecutionLog.of(self)
        context = hooks.execution_started(execution_view(self), trace.current())
        executions.put(self.exec_arn, context)
        with trace.activate(context):
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
        # Under the Parallel or Map state whose branch this is, else under the execution.
        enclosing = trace.current()
        parent = enclosing if enclosing is not None and enclosing.root == started.root else started
        context = hooks.state_entered(arn, self.name, kind, parent)
        with trace.activate(context):
            original_eval_body(self, env)

    return group
