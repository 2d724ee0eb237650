"""The running program: config, CLI, start-up and shutdown, scheduler, channels."""
