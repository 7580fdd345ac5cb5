"""Property tests: a hypothesis state machine that drives the SDK with random actors and arguments."""
