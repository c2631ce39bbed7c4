"""Web chat sessions and their messages in SQLite.

A session id is 128 random bits (URL-safe text): it is the person and the chat at once, and
knowing it is what lets a page show the conversation. Sessions idle for longer than the
retention time are deleted with their messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

from bot import storage
from bot.tickets import Clock, utc_now

Author = Literal["bot", "person"]
SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)
PAGE = 100  # messages in one API response at most


@dataclass(frozen=True)
class WebMessage:
    id: int  # the sequence number within the session
    author: Author
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (choice id, label)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "from": self.author,
                "choices": [{"id": c, "label": label} for c, label in self.choices]}


def new_session_id() -> str:
    return secrets.token_urlsafe(16)


def looks_like_session(value: str) -> bool:
    return SESSION_PATTERN.fullmatch(value) is not None


class WebSessions:
    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now,
                 retention: dt.timedelta = dt.timedelta(days=365)) -> None:
        self._db = connection
        self._clock = clock
        self.retention = retention

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    def clock(self) -> dt.datetime:
        return self._clock()

    def transaction(self) -> AbstractContextManager[None]:
        """One commit (one fsync) for everything a request changes."""
        return storage.transaction(self._db)

    # -- sessions -----------------------------------------------------------------------
    def create(self) -> str:
        session = new_session_id()
        now = self._now()
        self._db.execute("INSERT INTO web_sessions (id, created_at, active_at) VALUES (?, ?, ?)",
                         (session, now, now))
        return session

    def exists(self, session: str) -> bool:
        """A live session: known and active within the retention time."""
        if not looks_like_session(session):
            return False
        row = self._db.execute("SELECT active_at FROM web_sessions WHERE id = ?",
                               (session,)).fetchone()
        return row is not None and row["active_at"] >= self._cutoff()

    def touch(self, session: str) -> None:
        self._db.execute("UPDATE web_sessions SET active_at = ? WHERE id = ?",
                         (self._now(), session))

    def delete(self, session: str) -> None:
        self._db.execute("DELETE FROM web_sessions WHERE id = ?", (session,))

    def expire(self) -> int:
        """Retention: idle sessions go with their messages; old messages of live ones too."""
        cutoff = self._cutoff()
        with self.transaction():
            gone = self._db.execute("DELETE FROM web_sessions WHERE active_at < ?",
                                    (cutoff,)).rowcount
            self._db.execute("DELETE FROM web_messages WHERE created_at < ?", (cutoff,))
        return gone

    def set_email(self, session: str, email: str | None) -> None:
        self._db.execute(
            "UPDATE web_sessions SET email = ?, email_consent_at = ? WHERE id = ?",
            (email, self._now() if email else None, session))

    def email_of(self, session: str) -> str | None:
        row = self._db.execute("SELECT email FROM web_sessions WHERE id = ?",
                               (session,)).fetchone()
        return row["email"] if row else None

    # -- messages -----------------------------------------------------------------------
    def add(self, session: str, author: Author, text: str,
            choices: Sequence[tuple[str, str]] = (), *, delivery_id: int | None = None
            ) -> WebMessage:
        seq = self.last_id(session) + 1
        self._db.execute(
            "INSERT INTO web_messages (session, seq, author, text, choices, created_at, "
            "delivery_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session, seq, author, text, json.dumps([list(c) for c in choices]), self._now(),
             delivery_id))
        return WebMessage(seq, author, text, tuple(choices))

    def has_delivery(self, delivery_id: int) -> bool:
        return self._db.execute("SELECT 1 FROM web_messages WHERE delivery_id = ?",
                                (delivery_id,)).fetchone() is not None

    def last_id(self, session: str) -> int:
        row = self._db.execute("SELECT MAX(seq) FROM web_messages WHERE session = ?",
                               (session,)).fetchone()
        return int(row[0] or 0)

    def after(self, session: str, seq: int, limit: int = PAGE) -> list[WebMessage]:
        rows = self._db.execute(
            "SELECT seq, author, text, choices FROM web_messages WHERE session = ? AND seq > ? "
            "ORDER BY seq LIMIT ?", (session, seq, limit))
        return [_message(r) for r in rows]

    def count(self, session: str) -> int:
        row = self._db.execute("SELECT COUNT(*) FROM web_messages WHERE session = ?",
                               (session,)).fetchone()
        return int(row[0])

    def label_of(self, session: str, choice: str) -> str | None:
        """The label of a choice the bot offered in this session (newest first)."""
        rows = self._db.execute(
            "SELECT choices FROM web_messages WHERE session = ? AND author = 'bot' "
            "AND choices != '[]' ORDER BY seq DESC LIMIT 50", (session,))
        for row in rows:
            for choice_id, label in json.loads(row["choices"]):
                if choice_id == choice:
                    return str(label)
        return None

    def retire(self, session: str, choice: str) -> list[int]:
        """A used choice's buttons go (as Telegram removes them); the messages changed."""
        rows = self._db.execute(
            "SELECT seq, choices FROM web_messages WHERE session = ? AND author = 'bot' "
            "AND choices != '[]' ORDER BY seq DESC LIMIT 50", (session,)).fetchall()
        retired = [r["seq"] for r in rows
                   if any(c[0] == choice for c in json.loads(r["choices"]))][:1]
        for seq in retired:
            self._db.execute("UPDATE web_messages SET choices = '[]' WHERE session = ? "
                             "AND seq = ?", (session, seq))
        return retired

    def now(self) -> str:
        return self._now()

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()

    def _cutoff(self) -> str:
        return (self._clock() - self.retention).astimezone(dt.UTC).isoformat()


def _message(row: sqlite3.Row) -> WebMessage:
    return WebMessage(row["seq"], row["author"], row["text"],
                      tuple((str(c), str(label)) for c, label in json.loads(row["choices"])))
