"""Cognito user pool patches: the pool's Lambda triggers run, as Cognito runs them, in the call.

moto keeps a pool's ``LambdaConfig`` but never runs it. Here the user pool operations hand a
``CognitoTrigger`` to the hooks (the engine invokes the function and answers its ``response``)
and apply what it answers:

- SignUp / AdminCreateUser run PreSignUp (``PreSignUp_SignUp`` / ``PreSignUp_AdminCreateUser``)
  once the user is checked; a function that raised removes the user again and the call fails
  with ``UserLambdaValidationException``; ``autoConfirmUser`` confirms the user (SignUp then
  answers ``UserConfirmed`` and sends no code), ``autoVerifyEmail`` / ``autoVerifyPhone`` mark
  the attribute verified.
- ConfirmSignUp / AdminConfirmSignUp run PostConfirmation (``PostConfirmation_ConfirmSignUp``),
  ConfirmForgotPassword ``PostConfirmation_ConfirmForgotPassword``.
- InitiateAuth / AdminInitiateAuth with a password run PreAuthentication before the password is
  checked and PostAuthentication once tokens are issued (there, or by the challenge answered).
- An app client's ``ExplicitAuthFlows`` (ALLOW_* or the legacy names; unset: SRP, custom and
  refresh) decide which InitiateAuth / AdminInitiateAuth flows it may use, which moto does not
  check: another is Cognito's InvalidParameterException "... flow not enabled for this client".
- CustomMessage runs where Cognito would send a code: SignUp (``CustomMessage_SignUp``),
  AdminCreateUser (``CustomMessage_AdminCreateUser``, unless ``MessageAction`` is ``SUPPRESS``)
  and ForgotPassword (``CustomMessage_ForgotPassword``); a function that raised fails the call.
  No message is sent locally, so what it writes goes nowhere.
- Every ID token a pool issues runs PreTokenGeneration (V1_0 events: ``claimsOverrideDetails``),
  whose claims are applied to the token, which is signed again with the pool's key (the key the
  local API authorizers check); ``triggerSource`` says which flow issued it.
- An app client's ``IdTokenValidity`` / ``AccessTokenValidity`` (with ``TokenValidityUnits``) set
  the tokens' lifetime, which moto fixes at an hour, and ``RefreshTokenValidity`` (30 days unless
  set) ends its refresh tokens, which moto never does: a refresh after it is NotAuthorized.
- UpdateUserPool keeps the settings that cannot change after creation (moto resets them to
  their defaults) and renames the pool when given ``PoolName``; DeleteUserPool refuses a pool
  whose ``DeletionProtection`` is ``ACTIVE``, as Cognito does.

``ValidationData`` and ``ClientMetadata`` are read from the request, which moto's backend is not
given, and passed on to the triggers.
"""

from __future__ import annotations

import contextvars
import time
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from joserfc import jwt
from moto.cognitoidp import models as cognito_models
from moto.cognitoidp import responses as cognito_responses
from moto.cognitoidp.exceptions import InvalidParameterException, NotAuthorizedError
from moto.core.exceptions import JsonRESTError

from localcloud import trace
from localcloud.emulator.cognito_views import CognitoTrigger
from localcloud.emulator.hooks import EmulatorHooks
from localcloud.emulator.patching import Patches
from localcloud.errors import LocalCloudError, to_aws_error

# The request's ValidationData and ClientMetadata, read by the response handler.
_request: contextvars.ContextVar[Mapping[str, Any] | None] = contextvars.ContextVar(
    "cognito_request", default=None
)
# The flow issuing tokens (TokenGeneration_<flow>), set by the operations that issue them.
_flow: contextvars.ContextVar[str] = contextvars.ContextVar(
    "cognito_flow", default="Authentication"
)

# AuthFlow values that sign in with a password (PreAuthentication / PostAuthentication run).
_PASSWORD_FLOWS = frozenset(
    {"USER_PASSWORD_AUTH", "USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}
)
_REFRESH_FLOWS = frozenset({"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"})
# Settings CreateUserPool fixes for the pool's life (UpdateUserPool does not take them).
_FIXED_SETTINGS = ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration")
# Seconds in each TokenValidityUnits unit.
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# Token lifetimes by token_use: the client setting and its default unit.
_VALIDITY = {"id": ("IdTokenValidity", "IdToken"), "access": ("AccessTokenValidity", "AccessToken")}
# Refresh tokens' ends (epoch seconds), by pool and token.
_refresh_ends: weakref.WeakKeyDictionary[Any, dict[str, float]] = weakref.WeakKeyDictionary()
# The operations whose ValidationData / ClientMetadata the triggers see.
_READ_REQUEST = (
    "sign_up",
    "confirm_sign_up",
    "admin_create_user",
    "admin_confirm_sign_up",
    "initiate_auth",
    "admin_initiate_auth",
    "respond_to_auth_challenge",
    "admin_respond_to_auth_challenge",
    "confirm_forgot_password",
    "forgot_password",
)


def trigger_arn(pool: Any, trigger: str) -> str | None:
    """The function a pool's LambdaConfig names for ``trigger``, or None."""
    config = pool.extended_config.get("LambdaConfig") or {}
    arn = config.get(trigger)
    if not arn and trigger == "PreTokenGeneration":
        arn = (config.get("PreTokenGenerationConfig") or {}).get("LambdaArn")
    return str(arn) if arn else None


def _flat(attributes: Any) -> dict[str, str]:
    """Cognito's Name/Value attribute list (or None) as a mapping."""
    return {str(a["Name"]): str(a["Value"]) for a in attributes or [] if "Name" in a}


def user_attributes(user: Any, trigger: str) -> dict[str, str]:
    """A user's attributes as ``trigger`` sees them: PreSignUp the attributes signed up with
    (the user does not exist yet), the others the user's, ``sub`` and ``cognito:user_status``."""
    values = _flat(user.attributes)
    if trigger == "PreSignUp":
        values.pop("sub", None)
        return values
    values["cognito:user_status"] = str(getattr(user.status, "value", user.status))
    return values


def _pool_of_client(backend: Any, client_id: str) -> Any:
    return next((p for p in backend.user_pools.values() if client_id in p.clients), None)


def _as_error(exc: LocalCloudError) -> JsonRESTError:
    status, code, message = to_aws_error(exc)
    error = JsonRESTError(code, message)
    error.code = status
    return error


class _Triggers:
    """Builds trigger views from moto's objects and runs them through the hooks."""

    def __init__(self, hooks: EmulatorHooks) -> None:
        self.hooks = hooks

    def run(
        self,
        pool: Any,
        trigger: str,
        source: str,
        user: Any,
        client_id: str | None,
        **extra: Any,
    ) -> dict[str, Any] | None:
        """Run ``trigger`` if the pool names a function for it; its response, else None."""
        arn = trigger_arn(pool, trigger)
        if arn is None:
            return None
        request = _request.get() or {}
        view = CognitoTrigger(
            function_arn=arn,
            trigger=trigger,
            trigger_source=source,
            region=pool.region,
            user_pool_id=pool.id,
            user_name=user.username,
            client_id=client_id,
            user_attributes=user_attributes(user, trigger),
            validation_data=request.get("ValidationData"),
            client_metadata=request.get("ClientMetadata"),
            **extra,
        )
        try:
            return self.hooks.cognito_trigger(view, trace.current())
        except LocalCloudError as exc:
            raise _as_error(exc) from exc


def _apply_sign_up(user: Any, response: Mapping[str, Any], confirm: bool) -> None:
    verified = []
    if response.get("autoVerifyEmail") and "email" in user.attribute_lookup:
        verified.append({"Name": "email_verified", "Value": "true"})
    if response.get("autoVerifyPhone") and "phone_number" in user.attribute_lookup:
        verified.append({"Name": "phone_number_verified", "Value": "true"})
    if verified:
        user.update_attributes(verified)
    if confirm and response.get("autoConfirmUser"):
        user.status = cognito_models.UserStatus.CONFIRMED


def _forget(pool: Any, user: Any) -> None:
    pool.users.pop(user.username, None)


def _reader(original: Callable[..., Any]) -> Callable[..., Any]:
    def read(self: Any) -> Any:
        request = {
            "ValidationData": (
                _flat(self._get_param("ValidationData"))
                if self._get_param("ValidationData") is not None
                else None
            ),
            "ClientMetadata": self._get_param("ClientMetadata"),
        }
        token = _request.set(request)
        try:
            return original(self)
        finally:
            _request.reset(token)

    return read


def _with_flow(flow: str, call: Callable[[], Any]) -> Any:
    token = _flow.set(flow)
    try:
        return call()
    finally:
        _flow.reset(token)


def _check_refresh(pool: Any, parameters: Mapping[str, str] | None) -> None:
    """NotAuthorized for a refresh token past its client's RefreshTokenValidity."""
    token = str((parameters or {}).get("REFRESH_TOKEN") or "")
    end = _refresh_ends.get(pool, {}).get(token) if pool is not None else None
    if end is not None and time.time() >= end:
        raise NotAuthorizedError("Refresh Token has expired")


def patches(hooks: EmulatorHooks) -> Patches:
    group = Patches("cognito-idp")
    triggers = _Triggers(hooks)
    backend = cognito_models.CognitoIdpBackend
    pool_class = cognito_models.CognitoIdpUserPool

    for name in _READ_REQUEST:
        group.add(
            cognito_responses.CognitoIdpResponse,
            name,
            _reader(getattr(cognito_responses.CognitoIdpResponse, name)),
        )

    original_sign_up = backend.sign_up

    @group.function(backend, "sign_up")
    def sign_up(
        self: Any, client_id: str, username: str, password: str, attributes: Any
    ) -> tuple[Any, Any]:
        user, details = original_sign_up(self, client_id, username, password, attributes)
        pool = _pool_of_client(self, client_id)
        try:
            response = triggers.run(pool, "PreSignUp", "PreSignUp_SignUp", user, client_id)
        except BaseException:
            _forget(pool, user)
            raise
        if response is not None:
            _apply_sign_up(user, response, confirm=True)
            if response.get("autoConfirmUser"):
                details = None  # a confirmed user is sent no confirmation code
        if details is not None:
            try:
                triggers.run(pool, "CustomMessage", "CustomMessage_SignUp", user, client_id)
            except BaseException:
                _forget(pool, user)
                raise
        return user, details

    original_admin_create_user = backend.admin_create_user

    @group.function(backend, "admin_create_user")
    def admin_create_user(
        self: Any,
        user_pool_id: str,
        username: str,
        message_action: str,
        temporary_password: str,
        attributes: Any,
    ) -> Any:
        user = original_admin_create_user(
            self, user_pool_id, username, message_action, temporary_password, attributes
        )
        pool = self.describe_user_pool(user_pool_id)
        if message_action != "RESEND":
            try:
                response = triggers.run(pool, "PreSignUp", "PreSignUp_AdminCreateUser", user, None)
            except BaseException:
                _forget(pool, user)
                raise
            if response is not None:
                _apply_sign_up(user, response, confirm=False)
        if message_action != "SUPPRESS":
            try:
                triggers.run(pool, "CustomMessage", "CustomMessage_AdminCreateUser", user, None)
            except BaseException:
                if message_action != "RESEND":
                    _forget(pool, user)
                raise
        return user

    original_forgot_password = backend.forgot_password

    @group.function(backend, "forgot_password")
    def forgot_password(self: Any, client_id: str, username: str) -> Any:
        answer = original_forgot_password(self, client_id, username)
        pool = _pool_of_client(self, client_id)
        user = pool._get_user(username) if pool is not None else None
        if user is not None:
            triggers.run(pool, "CustomMessage", "CustomMessage_ForgotPassword", user, client_id)
        return answer

    original_confirm_sign_up = backend.confirm_sign_up

    @group.function(backend, "confirm_sign_up")
    def confirm_sign_up(self: Any, client_id: str, username: str) -> str:
        answer = original_confirm_sign_up(self, client_id, username)
        pool = _pool_of_client(self, client_id)
        user = self.admin_get_user(pool.id, username)
        triggers.run(pool, "PostConfirmation", "PostConfirmation_ConfirmSignUp", user, client_id)
        return str(answer)

    original_admin_confirm_sign_up = backend.admin_confirm_sign_up

    @group.function(backend, "admin_confirm_sign_up")
    def admin_confirm_sign_up(self: Any, user_pool_id: str, username: str) -> str:
        answer = original_admin_confirm_sign_up(self, user_pool_id, username)
        pool = self.describe_user_pool(user_pool_id)
        user = self.admin_get_user(user_pool_id, username)
        triggers.run(pool, "PostConfirmation", "PostConfirmation_ConfirmSignUp", user, None)
        return str(answer)

    def signed_in(
        pool: Any,
        client_id: str,
        auth_flow: str,
        parameters: Mapping[str, str] | None,
        issue: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """Run an InitiateAuth flow (``issue``) between the pool's authentication triggers."""
        client = pool.clients.get(client_id) if pool is not None else None
        if client is not None and not flow_enabled(
            client.extended_config.get("ExplicitAuthFlows"), auth_flow
        ):
            raise InvalidParameterException(
                "USER_PASSWORD_AUTH flow not enabled for this client"
                if auth_flow == "USER_PASSWORD_AUTH"
                else "Auth flow not enabled for this client"
            )
        if auth_flow in _REFRESH_FLOWS:
            _check_refresh(pool, parameters)
            return dict(_with_flow("RefreshTokens", issue))
        user = None
        if pool is not None and auth_flow in _PASSWORD_FLOWS:
            user = pool._get_user(str((parameters or {}).get("USERNAME") or ""))
        if user is not None:
            triggers.run(
                pool, "PreAuthentication", "PreAuthentication_Authentication", user, client_id
            )
        result = dict(_with_flow("Authentication", issue))
        if user is not None and "AuthenticationResult" in result:
            triggers.run(
                pool, "PostAuthentication", "PostAuthentication_Authentication", user, client_id
            )
        return result

    original_initiate_auth = backend.initiate_auth

    @group.function(backend, "initiate_auth")
    def initiate_auth(
        self: Any, client_id: str, auth_flow: str, auth_parameters: dict[str, str]
    ) -> dict[str, Any]:
        return signed_in(
            _pool_of_client(self, client_id),
            client_id,
            str(auth_flow),
            auth_parameters,
            lambda: original_initiate_auth(self, client_id, auth_flow, auth_parameters),
        )

    original_admin_initiate_auth = backend.admin_initiate_auth

    @group.function(backend, "admin_initiate_auth")
    def admin_initiate_auth(
        self: Any,
        user_pool_id: str,
        client_id: str,
        auth_flow: str,
        auth_parameters: dict[str, str],
    ) -> dict[str, Any]:
        return signed_in(
            self.user_pools.get(user_pool_id),
            client_id,
            str(auth_flow),
            auth_parameters,
            lambda: original_admin_initiate_auth(
                self, user_pool_id, client_id, auth_flow, auth_parameters
            ),
        )

    original_respond = backend.respond_to_auth_challenge

    @group.function(backend, "respond_to_auth_challenge")
    def respond_to_auth_challenge(
        self: Any,
        session: str,
        client_id: str,
        challenge_name: str,
        challenge_responses: dict[str, str],
    ) -> dict[str, Any]:
        flow = "NewPasswordChallenge" if challenge_name == "NEW_PASSWORD_REQUIRED" else None
        key = session
        if challenge_name == "PASSWORD_VERIFIER":
            key = (challenge_responses or {}).get("PASSWORD_CLAIM_SECRET_BLOCK") or session
        held = self.sessions.get(key)  # (username, pool), gone once the user is signed in
        result = dict(
            _with_flow(
                flow or "Authentication",
                lambda: original_respond(
                    self, session, client_id, challenge_name, challenge_responses
                ),
            )
        )
        if held is not None and "AuthenticationResult" in result:
            username, pool = held
            user = pool._get_user(username)
            if user is not None:
                triggers.run(
                    pool,
                    "PostAuthentication",
                    "PostAuthentication_Authentication",
                    user,
                    client_id,
                )
        return result

    original_confirm_forgot_password = backend.confirm_forgot_password

    @group.function(backend, "confirm_forgot_password")
    def confirm_forgot_password(
        self: Any, client_id: str, username: str, password: str, confirmation_code: str
    ) -> Any:
        answer = original_confirm_forgot_password(
            self, client_id, username, password, confirmation_code
        )
        pool = _pool_of_client(self, client_id)
        user = pool._get_user(username) if pool is not None else None
        if user is not None:
            triggers.run(
                pool,
                "PostConfirmation",
                "PostConfirmation_ConfirmForgotPassword",
                user,
                client_id,
            )
        return answer

    original_create_id_token = pool_class.create_id_token

    @group.function(pool_class, "create_id_token")
    def create_id_token(self: Any, client_id: str, username: str, origin_jti: str) -> Any:
        token, expires_in = original_create_id_token(self, client_id, username, origin_jti)
        if trigger_arn(self, "PreTokenGeneration") is None:
            return token, expires_in
        user = self._get_user(username)
        groups = sorted(user.groups, key=lambda g: (g.precedence is None, g.precedence or 0))
        response = triggers.run(
            self,
            "PreTokenGeneration",
            f"TokenGeneration_{_flow.get()}",
            user,
            client_id,
            groups=tuple(g.group_name for g in groups),
            roles=tuple(g.role_arn for g in groups if g.role_arn),
            preferred_role=next((g.role_arn for g in groups if g.role_arn), None),
        )
        decoded = jwt.decode(token, self.json_web_key)
        claims = overridden_claims(decoded.claims, response or {})
        new_token = jwt.encode(decoded.header, claims, self.json_web_key)
        self.id_tokens[new_token] = self.id_tokens.pop(token)
        return new_token, expires_in

    original_create_refresh_token = pool_class.create_refresh_token

    @group.function(pool_class, "create_refresh_token")
    def create_refresh_token(self: Any, client_id: str, username: str) -> Any:
        token, origin_jti = original_create_refresh_token(self, client_id, username)
        client = self.clients.get(client_id)
        config = client.extended_config if client is not None else {}
        _refresh_ends.setdefault(self, {})[token] = time.time() + refresh_lifetime(config)
        return token, origin_jti

    original_create_jwt = pool_class.create_jwt

    @group.function(pool_class, "create_jwt")
    def create_jwt(
        self: Any,
        client_id: str,
        username: str,
        token_use: str,
        expires_in: int = 60 * 60,
        extra_data: dict[str, Any] | None = None,
    ) -> tuple[str, int]:
        client = self.clients.get(client_id)
        if client is not None and token_use in _VALIDITY:
            expires_in = token_lifetime(client.extended_config, token_use, expires_in)
        return tuple(  # type: ignore[return-value]
            original_create_jwt(self, client_id, username, token_use, expires_in, extra_data)
        )

    original_update_user_pool = backend.update_user_pool

    @group.function(backend, "update_user_pool")
    def update_user_pool(self: Any, user_pool_id: str, extended_config: dict[str, Any]) -> None:
        pool = self.describe_user_pool(user_pool_id)
        kept = {k: pool.extended_config[k] for k in _FIXED_SETTINGS if k in pool.extended_config}
        config = {k: v for k, v in extended_config.items() if k not in ("UserPoolId", "PoolName")}
        original_update_user_pool(self, user_pool_id, {**config, **kept})
        if extended_config.get("PoolName"):
            pool.name = str(extended_config["PoolName"])

    original_delete_user_pool = backend.delete_user_pool

    @group.function(backend, "delete_user_pool")
    def delete_user_pool(self: Any, user_pool_id: str) -> None:
        pool = self.describe_user_pool(user_pool_id)
        if pool.extended_config.get("DeletionProtection") == "ACTIVE":
            raise InvalidParameterException(
                "The user pool cannot be deleted because deletion protection is activated. "
                "Deletion protection must be inactivated first."
            )
        original_delete_user_pool(self, user_pool_id)

    return group


def token_lifetime(client_config: Mapping[str, Any], token_use: str, default: int) -> int:
    """Seconds an ``id`` or ``access`` token of a client lives (Cognito's unit: hours)."""
    setting, unit_key = _VALIDITY[token_use]
    value = client_config.get(setting)
    if value is None:
        return default
    unit = str((client_config.get("TokenValidityUnits") or {}).get(unit_key) or "hours")
    return int(value) * _UNIT_SECONDS.get(unit, 3600)


# The ExplicitAuthFlows values that enable each AuthFlow (the flow's own name is taken too).
_ENABLING = {
    "USER_PASSWORD_AUTH": {"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"},
    "ADMIN_USER_PASSWORD_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "ADMIN_NO_SRP_AUTH": {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"},
    "USER_SRP_AUTH": {"ALLOW_USER_SRP_AUTH"},
    "REFRESH_TOKEN_AUTH": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "REFRESH_TOKEN": {"ALLOW_REFRESH_TOKEN_AUTH"},
    "CUSTOM_AUTH": {"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"},
}
# What a client without ExplicitAuthFlows allows.
_DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")


def flow_enabled(explicit_flows: Any, auth_flow: str) -> bool:
    """Whether a client whose ExplicitAuthFlows is ``explicit_flows`` may use ``auth_flow``.

    A client with the legacy values (no ``ALLOW_`` prefix) also allows SRP and refresh."""
    flows = {str(f) for f in explicit_flows or _DEFAULT_FLOWS}
    if auth_flow in flows or flows & _ENABLING.get(auth_flow, set()):
        return True
    legacy = any(not f.startswith("ALLOW_") for f in flows)
    return legacy and auth_flow in ("USER_SRP_AUTH", *_REFRESH_FLOWS)


def refresh_lifetime(client_config: Mapping[str, Any]) -> float:
    """Seconds a client's refresh tokens live (Cognito's unit: days; 30 unless set)."""
    value = client_config.get("RefreshTokenValidity")
    if value is None:
        return 30 * 86400.0
    unit = str((client_config.get("TokenValidityUnits") or {}).get("RefreshToken") or "days")
    return float(value) * _UNIT_SECONDS.get(unit, 86400)


# Claims a PreTokenGeneration trigger cannot add, override or suppress.
_PROTECTED = frozenset(
    {
        "acr",
        "amr",
        "at_hash",
        "aud",
        "auth_time",
        "azp",
        "c_hash",
        "cognito:username",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "sub",
        "token_use",
    }
)


def overridden_claims(claims: Mapping[str, Any], response: Mapping[str, Any]) -> dict[str, Any]:
    """An ID token's claims after a PreTokenGeneration (V1_0) ``response``."""
    details = response.get("claimsOverrideDetails") or {}
    out = dict(claims)
    for name, value in (details.get("claimsToAddOrOverride") or {}).items():
        if name not in _PROTECTED:
            out[str(name)] = value
    for name in details.get("claimsToSuppress") or []:
        if name not in _PROTECTED:
            out.pop(str(name), None)
    groups = details.get("groupOverrideDetails")
    if isinstance(groups, dict):
        for key, claim in (
            ("groupsToOverride", "cognito:groups"),
            ("iamRolesToOverride", "cognito:roles"),
        ):
            if key in groups:
                values = list(groups.get(key) or [])
                if values:
                    out[claim] = values
                else:
                    out.pop(claim, None)
        if groups.get("preferredRole"):
            out["cognito:preferred_role"] = groups["preferredRole"]
    return out
