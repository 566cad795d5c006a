"""Resource types the deployer refuses on purpose, each with why and what to do instead.

A type named here is refused before anything is applied, like any type without a kind, but the
error says why it cannot work locally rather than only listing the supported types.
"""

from __future__ import annotations

REFUSED: dict[str, str] = {
    "AWS::SecretsManager::RotationSchedule": (
        "secret rotation does not run locally (no rotation function is ever invoked); remove the "
        "resource, or guard it with a Condition that is false for the local deploy"
    ),
    "AWS::SecretsManager::SecretTargetAttachment": (
        "it copies a database's connection details into a secret, and the local cloud has no "
        "RDS, Redshift or DocumentDB; put host, port and engine in the secret's "
        "SecretStringTemplate instead"
    ),
}
