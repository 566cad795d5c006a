"""users_api: create, update and delete users behind an HTTP API; publishes to bus ``users``."""
