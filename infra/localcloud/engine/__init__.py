"""The Lambda engine: runs handlers for real, with AWS's delivery semantics.

catalog.py     the functions: configuration, code folders, failure settings
executor.py    warm worker processes per function (worker.py runs inside them)
invoker.py     RequestResponse, Event and DryRun; async retries, destinations, DLQ
scheduler.py   the timer for asynchronous work and retries
senders.py     deliveries to an ARN (SQS, SNS, Lambda, EventBridge), one class per kind
sources/       event source mappings, one source per kind (SQS)
sns.py         SNS deliveries to sqs and lambda subscriptions
eventbridge.py PutEvents, rule matching, target retries and DLQs, archives and replay
schedules.py   rules' schedules and EventBridge Scheduler schedules, fired on time (a test clock)
shapes.py      every AWS payload the engine emits, as pure functions (schedule_shapes.py too)
hooks.py       what the patched moto reports, handed to the parts above

runtime.build (localcloud/runtime.py) wires them; nothing here builds another part.
"""
