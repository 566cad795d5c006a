"""The daily sign-up report: yesterday's sign-ups by country, from the Stats table."""
