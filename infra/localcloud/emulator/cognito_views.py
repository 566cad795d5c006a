"""What the patched Cognito user pools hand the engine: one Lambda trigger to run.

Frozen and emulator-neutral (no moto objects), like views.py: the engine builds the event
Cognito sends from it (engine/cognito_shapes.py) and answers with the function's ``response``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class CognitoTrigger:
    """One run of a user pool's Lambda trigger.

    ``trigger`` is the LambdaConfig key (``PreSignUp``), ``trigger_source`` the event's
    ``triggerSource`` (``PreSignUp_SignUp``); ``client_id`` is None where no app client is
    involved (AdminCreateUser).
    """

    function_arn: str
    trigger: str
    trigger_source: str
    region: str
    user_pool_id: str
    user_name: str
    client_id: str | None
    user_attributes: Mapping[str, str]
    validation_data: Mapping[str, str] | None = None
    client_metadata: Mapping[str, str] | None = None
    # PreTokenGeneration: the user's groups, their IAM roles and the preferred role.
    groups: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    preferred_role: str | None = None
    # PostAuthentication: whether the sign-in came from a device not seen before.
    new_device_used: bool = False
