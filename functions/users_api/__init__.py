"""users_api: create, update and delete users behind an HTTP API; events go through the outbox."""
