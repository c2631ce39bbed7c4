"""Small data objects passed between the conversation core and its channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ReplyKind = Literal[
    "greeting", "menu", "answer", "suggest", "offer", "handed_off", "ack", "prompt",
    "meeting", "info", "my_data", "confirm", "refused",
]


@dataclass(frozen=True)
class Address:
    """Where a person or a chat is reached: the channel and its own id, as a string."""

    channel: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.id}"


@dataclass(frozen=True)
class Sender:
    """Who wrote, and where: in Telegram groups the chat differs from the person."""

    person: Address
    chat: Address
    name: str = ""
    username: str | None = None
    private: bool = True

    @classmethod
    def private_chat(cls, channel: str, id: str, name: str = "",
                     username: str | None = None) -> Sender:
        address = Address(channel, id)
        return cls(address, address, name, username, True)


@dataclass(frozen=True)
class Choice:
    """A button: `id` comes back through `Conversation.choose`. A private link instead opens
    a private chat with the bot carrying `id` as the start payload (Telegram groups)."""

    id: str
    label: str
    private_link: bool = False


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    kind: ReplyKind = "info"
    entry_id: str | None = None  # the knowledge entry answered
    meeting_id: str | None = None  # a meeting card: channels may offer a calendar file


@dataclass(frozen=True)
class Turn:
    """What the bot says back, and whether the buttons of the message tapped are used up."""

    replies: tuple[Reply, ...] = ()
    retire_buttons: bool = False
    # A choice that was not this person's: the channel shows `notice` briefly (a toast).
    notice: str | None = None
    handed_off_ticket: int | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, *replies: Reply, retire_buttons: bool = False) -> Turn:
        return cls(tuple(replies), retire_buttons)
