"""localcloud: the AWS serverless event plane on one machine.

One process serves the AWS APIs on 127.0.0.1:4566 (moto holds the state) and runs Lambda handlers
for real, with AWS's delivery semantics for SQS, SNS and EventBridge.
"""

__version__ = "0.1.0"
