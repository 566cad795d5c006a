"""signup_stats: daily sign-up counters, fed straight from the user-signups topic."""
