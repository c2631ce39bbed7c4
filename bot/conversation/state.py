"""What a conversation waits for, kept in SQLite so a restart does not forget it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from bot.conversation.model import Sender
from bot.storage import best_effort
from bot.tickets import Clock, utc_now

# awaiting_question: after "Zapytaj koordynatora" the next message is handed off;
# awaiting_missing: after "Nie pomogło" the next message says what was missing;
# awaiting_phone: a shared phone number waits for consent to join a ticket.
StateName = Literal["awaiting_question", "awaiting_missing", "awaiting_phone",
                    "awaiting_followup"]
STATE_LIFETIME = dt.timedelta(days=7)


@dataclass(frozen=True)
class State:
    name: StateName
    data: dict[str, Any]


class ConversationStates:
    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._db = connection
        self._clock = clock

    def get(self, sender: Sender) -> State | None:
        row = self._db.execute(
            "SELECT state, data, updated_at FROM conversation_state WHERE channel = ? "
            "AND chat_id = ? AND user_id = ?", _key(sender)).fetchone()
        if row is None:
            return None
        if dt.datetime.fromisoformat(row["updated_at"]) < self._clock() - STATE_LIFETIME:
            return None
        return State(row["state"], json.loads(row["data"]))

    def set(self, sender: Sender, name: StateName, **data: Any) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO conversation_state (channel, chat_id, user_id, state, data, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (*_key(sender), name, json.dumps(data), self._clock().astimezone(dt.UTC).isoformat()))

    def pop(self, sender: Sender) -> State | None:
        """The state, now finished; one read per message, a write only when there was one."""
        state = self.get(sender)
        if state is not None:
            self._delete(sender)
        return state

    def clear(self, sender: Sender) -> None:
        """Best effort: a disk that refuses the delete leaves a state that expires anyway."""
        if self._db.execute("SELECT 1 FROM conversation_state WHERE channel = ? AND chat_id = ? "
                            "AND user_id = ?", _key(sender)).fetchone():
            self._delete(sender)

    def _delete(self, sender: Sender) -> None:
        best_effort(lambda: self._db.execute(
            "DELETE FROM conversation_state WHERE channel = ? AND chat_id = ? "
            "AND user_id = ?", _key(sender)), "a finished conversation state")

    def forget_person(self, channel: str, user_id: str) -> None:
        self._db.execute("DELETE FROM conversation_state WHERE channel = ? AND user_id = ?",
                         (channel, user_id))


def _key(sender: Sender) -> tuple[str, str, str]:
    return sender.person.channel, sender.chat.id, sender.person.id
