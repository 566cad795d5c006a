"""Test tiers (the contract): tests/unit needs no network; tests/integration runs the engine's
semantics on a running local cloud (the `localcloud` fixture); tests/e2e deploys the whole
topology of infra/template.yaml and drives it from the sources to the final state."""
