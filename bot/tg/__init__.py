"""The Telegram channel: maps updates to core calls and core results to messages."""
