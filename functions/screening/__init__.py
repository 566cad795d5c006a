"""screening: flags suspicious sign-ups by publishing UserFlagged back to the bus."""
