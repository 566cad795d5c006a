"""The composition root: every part of the local cloud, built in order, each given what it uses.

``build(settings, endpoint_url)`` makes the trace store, the function catalog, the executor (and
debug mode on it), the warmer (warm starts), the scheduler, the senders, the invoker, the
EventBridge router, the SNS delivery, the event sources, the emulator hooks, the gateway and
moto's patches, in dependency order, and returns them as one ``Runtime``. Two cycles are closed
here, explicitly, after construction:

- a Lambda destination or EventBridge target can be a function or a bus: ``LambdaSender`` and
  ``EventBusSender`` are registered with the senders once the invoker and router exist
  (``StatesSender``, a state machine target, needs neither);
- handlers' AWS calls are answered by the gateway, which is built on the invoker, which runs on
  the executor: ``executor.connect_calls(gateway.serve_call)``.

DynamoDB TTL expiry runs on its own thread (engine/ttl.py), started last.
``Runtime.close()`` stops them in reverse and undoes the patches, leaving moto as it was.
``Runtime.reset()`` (``POST /moto-api/reset`` when moto's admin paths are on) forgets every
resource: the engine's mirrors of them first, then moto's state.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from localcloud.apigw.access import AccessControl, key_rings_from
from localcloud.apigw.door import ApiDoor
from localcloud.apigw.function_urls import FunctionUrlDoor, in_front_of, origins_with
from localcloud.apigw.http_proxy import HttpProxy
from localcloud.apigw.jwt_auth import JwksSource, parse_locations
from localcloud.apigw.service_steps import ServiceIntegrations
from localcloud.apigw.steps import Steps
from localcloud.arns import DEFAULT_ACCOUNT
from localcloud.build import BuildCache
from localcloud.clock import Clock
from localcloud.emulator import backends, stepfunctions
from localcloud.emulator.moto_patches import MotoPatches
from localcloud.engine.catalog import FunctionCatalog
from localcloud.engine.cognito import CognitoTriggers
from localcloud.engine.debugging import Debugging
from localcloud.engine.eventbridge import EventRouter
from localcloud.engine.executor import Executor
from localcloud.engine.hooks import EngineHooks
from localcloud.engine.invoker import Invoker
from localcloud.engine.log_subscriptions import LogSubscriptions
from localcloud.engine.logs import LogWriter
from localcloud.engine.move_tasks import MoveTasks
from localcloud.engine.s3 import S3Notifications
from localcloud.engine.scheduler import Scheduler
from localcloud.engine.schedules import Schedules
from localcloud.engine.senders import (
    EventBusSender,
    LambdaSender,
    LogsSender,
    Senders,
    SnsSender,
    SqsSender,
)
from localcloud.engine.sns import SnsDelivery
from localcloud.engine.sources import SourceContext, Sources
from localcloud.engine.stepfunctions import StateMachines, StatesSender
from localcloud.engine.ttl import TtlSweeper
from localcloud.engine.warmup import Warmer
from localcloud.gateway import Gateway, ServerInfo
from localcloud.gateway.browser import BrowserPolicy
from localcloud.settings import Settings
from localcloud.trace import TraceStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reset:
    """Forget every resource: what the engine keeps for them, then moto's own state."""

    sources: Sources
    scheduler: Scheduler
    executor: Executor
    traces: TraceStore
    schedules: Schedules | None = None
    moves: MoveTasks | None = None
    # API Gateway's authorizer caches and usage counts
    access: AccessControl | None = None

    def __call__(self) -> None:
        # Pollers end within a second by themselves (a receive waits at most that long); one
        # that still polls finds its queue gone, so the reset does not wait for them.
        self.sources.close(timeout=0)
        self.scheduler.clear()
        if self.moves is not None:
            self.moves.clear()
        if self.schedules is not None:
            self.schedules.clear()
        self.executor.reset()
        stepfunctions.stop_running()
        backends.reset()
        self.traces.clear()
        if self.access is not None:
            self.access.reset()


@dataclass
class Runtime:
    """Every part of one local cloud, wired."""

    settings: Settings
    info: ServerInfo
    traces: TraceStore
    catalog: FunctionCatalog
    executor: Executor
    warmer: Warmer
    logs: LogWriter
    debugging: Debugging
    scheduler: Scheduler
    senders: Senders
    invoker: Invoker
    router: EventRouter
    sns: SnsDelivery
    sources: Sources
    hooks: EngineHooks
    gateway: Gateway
    patches: MotoPatches
    reset: Reset
    schedules: Schedules
    moves: MoveTasks | None = None
    apis: ApiDoor | None = None
    states: StateMachines | None = None
    ttl: TtlSweeper | None = None
    clock: Clock | None = None

    def resume_sources(self) -> int:
        """Start the event source of every mapping moto holds (after a state was loaded)."""
        mappings = backends.mappings()
        for mapping in mappings:
            self.hooks.mapping_changed(mapping, False)
        self.schedules.refresh()  # the loaded rules and schedules fire again
        return len(mappings)

    def close(self) -> None:
        """Stop the sources, timers and workers, then give moto back its own code."""
        if self.ttl is not None:
            self.ttl.close()
        self.sources.close()
        self.scheduler.close()
        self.executor.close()
        if self.apis is not None:
            self.apis.close()
        if self.states is not None:
            self.states.close()
        self.patches.undo()
        self.catalog.close()


def build(settings: Settings, endpoint_url: str, region: str) -> Runtime:
    """Build and wire every part; moto's patches are applied last (undone by ``close``)."""
    info = ServerInfo(
        region=region,
        account=DEFAULT_ACCOUNT,
        endpoint_url=endpoint_url,
        started_at=time.monotonic(),
    )
    traces = TraceStore(settings.trace_max_traces, settings.trace_max_hops)
    build_dir = Path(settings.build_dir) if settings.build_dir else None
    builds = BuildCache(build_dir, report=log.warning)
    catalog = FunctionCatalog(settings.max_concurrency, region, builds)
    executor = Executor(
        endpoint_url,
        max_concurrency=settings.max_concurrency,
        direct_calls=settings.direct_calls,
        idle_timeout=settings.worker_idle_s,
    )
    warmer = Warmer(catalog, executor, warm_on_change=settings.warm)
    debugging = Debugging(catalog, executor)
    scheduler = Scheduler(settings.async_workers)
    senders = Senders(SqsSender(), SnsSender(), LogsSender())
    logs = LogWriter(settings.log_group_max_bytes)
    invoker = Invoker(
        catalog, executor, logs, senders, scheduler, traces, settings.async_retry_delays
    )
    senders.register(LambdaSender(invoker))
    router = EventRouter(senders, scheduler, traces)
    senders.register(EventBusSender(router))
    sns = SnsDelivery(invoker, senders, traces, endpoint_url)
    sources = Sources(
        SourceContext(invoker=invoker, catalog=catalog, traces=traces, deliver=senders)
    )
    s3 = S3Notifications(invoker, senders, router, traces)
    clock = Clock()  # the cloud's time: schedules fire and Step Functions' waits end by it
    schedules = Schedules(router, senders, scheduler, traces, clock=clock)
    states = StateMachines(traces, endpoint_url)
    senders.register(StatesSender())
    hooks = EngineHooks(sources, sns, router, traces, warmer, s3, schedules, states=states)
    hooks.cognito = CognitoTriggers(invoker, traces)  # user pools' Lambda triggers
    hooks.log_subscriptions = LogSubscriptions(invoker, traces)
    browsers = BrowserPolicy.for_endpoint(
        endpoint_url, settings.cors_origins, settings.allowed_hosts
    )
    moves = MoveTasks(scheduler, traces)
    access = AccessControl(
        JwksSource(parse_locations(settings.jwks), local_issuers=backends.cognito_signing_keys),
        key_rings_from(backends.api_keys),
    )
    pipeline = Steps()  # this cloud's API Gateway steps: nothing is shared with another
    access.install(pipeline)
    services = ServiceIntegrations(endpoint_url)
    services.install(pipeline)
    HttpProxy(traces).install(pipeline)
    reset = Reset(sources, scheduler, executor, traces, schedules, moves, access)
    apis = ApiDoor(
        invoker, lambda function: catalog.spec(function).timeout, traces, region, pipeline
    )
    urls = FunctionUrlDoor(invoker, traces, region)
    gateway = Gateway(
        invoker,
        router,
        traces,
        info,
        browsers,
        debugging,
        moto_api=reset if settings.moto_api else None,
        warming=warmer,
        reset=reset,
        moves=moves,
        schedules=schedules,
        apis=in_front_of(urls, apis.serve),
        api_origins=origins_with(urls, apis.allows_origin),
    )
    executor.connect_calls(gateway.serve_call)
    services.connect(gateway.serve_call)
    patches = MotoPatches(hooks, clock)
    patches.apply()
    ttl = TtlSweeper()
    ttl.start()
    return Runtime(
        settings=settings,
        info=info,
        traces=traces,
        catalog=catalog,
        executor=executor,
        warmer=warmer,
        logs=logs,
        debugging=debugging,
        scheduler=scheduler,
        senders=senders,
        invoker=invoker,
        router=router,
        sns=sns,
        sources=sources,
        hooks=hooks,
        gateway=gateway,
        patches=patches,
        reset=reset,
        moves=moves,
        schedules=schedules,
        apis=apis,
        ttl=ttl,
        states=states,
        clock=clock,
    )
