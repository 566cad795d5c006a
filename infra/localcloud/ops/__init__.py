"""Operations on a running cloud through its AWS APIs, usable from any program, not just the CLI.

Each operation takes a boto3 client, so it works against the local cloud, LocalStack or AWS.
"""
