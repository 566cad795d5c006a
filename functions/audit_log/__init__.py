"""audit_log: keeps every user event from the bus in S3, one object per event."""
