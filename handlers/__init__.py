"""What the bot does: channel-neutral conversations, commands and reminder rules."""
