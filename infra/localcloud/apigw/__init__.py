"""API Gateway's data plane: REST and HTTP APIs served on the local cloud's port."""
