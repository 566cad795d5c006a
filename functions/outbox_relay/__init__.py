"""outbox_relay: publishes the user events the outbox table's stream carries to bus ``users``."""
