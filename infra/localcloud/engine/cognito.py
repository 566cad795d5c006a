"""Cognito user pools' Lambda triggers, run as Cognito runs them: synchronously, in the call.

The moto seam (emulator/moto_patches/cognito.py) hands over a ``CognitoTrigger`` when a pool
operation reaches a trigger its LambdaConfig names. The run is a ``trigger`` hop under the
request's trace, then a synchronous invocation through the invoker (so the function runs in its
real worker, logs and all). The function's ``response`` goes back to the seam, which applies it;
a function that raised fails the operation with ``UserLambdaValidationException``
"<Trigger> failed with error <message>.", as in Cognito.
"""

from __future__ import annotations

import json
from typing import Any

from localcloud import trace
from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.engine import cognito_shapes
from localcloud.engine.errors import FunctionNotFoundError, ThrottledError
from localcloud.engine.invoker import Invoker
from localcloud.trace import HopKind, Outcome, TraceStore


class CognitoTriggers:
    """Runs user pools' Lambda triggers through the invoker."""

    def __init__(self, invoker: Invoker, traces: TraceStore) -> None:
        self.invoker = invoker
        self.traces = traces

    def run(self, trigger: CognitoTrigger, context: trace.TraceContext | None) -> dict[str, Any]:
        hop = self.traces.record(
            HopKind.TRIGGER,
            "cognito-idp",
            trigger.user_pool_id,
            context=context,
            trigger=trigger.trigger_source,
            function=trigger.function_arn,
            user=trigger.user_name,
        )
        payload = json.dumps(cognito_shapes.trigger_event(trigger)).encode()
        try:
            result = self.invoker.invoke(trigger.function_arn, payload, hop, source="cognito-idp")
        except (FunctionNotFoundError, ThrottledError) as exc:
            self._failed(trigger, hop, str(exc))
            raise cognito_shapes.TriggerUnavailableError(
                f"{trigger.trigger} invocation failed due to error {exc}"
            ) from exc
        if result.failed:
            # the invoke hop already shows the function's error
            message = cognito_shapes.failure_message(trigger.trigger, result.error)
            raise cognito_shapes.TriggerFailedError(message)
        try:
            return cognito_shapes.trigger_response(trigger.trigger, result.payload)
        except cognito_shapes.TriggerAnswerError as exc:
            self._failed(trigger, hop, str(exc))
            raise

    def _failed(self, trigger: CognitoTrigger, context: trace.TraceContext, reason: str) -> None:
        self.traces.record(
            HopKind.DROP,
            "cognito-idp",
            trigger.user_pool_id,
            context=context,
            outcome=Outcome.ERROR,
            reason=f"the {trigger.trigger} trigger failed the operation: {reason}",
        )
