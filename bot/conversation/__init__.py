"""The rules of a conversation, channel-neutral: what happens to a person's message or tap.

Channels (Telegram, the console, the web chat) turn their input into calls of
`bot.conversation.service.Conversation` and render the `Reply` objects it returns; nothing
here imports a channel. The package root holds only the small data objects, so that leaf
modules (the button codec) import without the service.
"""

from bot.conversation.model import Address, Choice, Reply, Sender, Turn

__all__ = ["Address", "Choice", "Reply", "Sender", "Turn"]
