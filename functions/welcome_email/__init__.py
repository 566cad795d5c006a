"""welcome_email: sends one welcome e-mail per sign-up (SNS -> SQS -> Lambda, idempotent)."""
