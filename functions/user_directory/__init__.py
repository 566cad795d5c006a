"""user_directory: the read model of users, fed in order from the bus through an SQS FIFO queue."""
