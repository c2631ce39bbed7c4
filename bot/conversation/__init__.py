"""The rules of a conversation, channel-neutral: what happens to a person's message or tap.

Channels (Telegram, the console, the web chat) turn their input into calls of
`Conversation` and render the `Reply` objects it returns; nothing here imports a channel.
"""

from bot.conversation.model import Address, Choice, Reply, Sender, Turn
from bot.conversation.service import Conversation

__all__ = ["Address", "Choice", "Conversation", "Reply", "Sender", "Turn"]
