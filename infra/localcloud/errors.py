"""Error hierarchy of the local cloud: every error it raises derives from LocalCloudError."""


class LocalCloudError(Exception):
    """Base of every error the local cloud raises on purpose."""
