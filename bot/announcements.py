"""Announcements to subscribers, the same from every channel (Telegram's /ogloszenie, the desk).

An announcement is owed one copy per recipient at once (outbox rows of kind `announcement`
sharing a `batch`), so a crash resumes without repeating anyone; the Telegram outbox sends
them. Whoever sent it can read how many copies are owed, delivered and failed at any time.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bot import texts
from bot.config import Settings
from bot.meeting_actions import is_member
from bot.outbox import OutboxStore
from bot.subscriptions import Subscriber, SubscriptionBook

KIND = "announcement"
EVERYONE, MEMBERS = "all", "members"
AUDIENCES = (EVERYONE, MEMBERS)
MAX_LENGTH = 4000  # Telegram's message is 4,096 characters, with the header


@dataclass(frozen=True)
class Audiences:
    everyone: list[Subscriber]
    members: list[Subscriber]

    def of(self, audience: str) -> list[Subscriber]:
        return self.members if audience == MEMBERS else self.everyone


@dataclass(frozen=True)
class Totals:
    """Copies of one announcement: owed (not sent yet), delivered, blocked, other failures."""

    owed: int
    delivered: int
    blocked: int
    failed: int

    @property
    def total(self) -> int:
        return self.owed + self.delivered + self.blocked + self.failed

    @property
    def done(self) -> bool:
        return self.owed == 0


@dataclass(frozen=True)
class Sent:
    """One announcement as the outbox holds it."""

    batch: str
    text: str
    created_at: dt.datetime
    totals: Totals


def text_of(body: str, settings: Settings) -> str:
    """The announcement exactly as residents read it."""
    return texts.announcement(body.strip(), settings.cluster.name_genitive)


def audiences(settings: Settings, subscriptions: SubscriptionBook) -> Audiences:
    everyone = subscriptions.subscribers()
    return Audiences(everyone, [s for s in everyone if is_member(settings, s.user_id)])


def check_body(body: str) -> str | None:
    """A Polish problem with the typed text, or None."""
    if not body.strip():
        return "Napisz treść ogłoszenia."
    if len(body) > MAX_LENGTH:
        return f"Ogłoszenie ma {len(body)} znaków, a może mieć najwyżej {MAX_LENGTH}."
    return None


@dataclass
class Announcements:
    connection: sqlite3.Connection
    clock: Callable[[], dt.datetime]

    @property
    def store(self) -> OutboxStore:
        return OutboxStore(self.connection, self.clock)

    def owe(self, recipients: list[Subscriber], text: str, *, batch: str,
            report_to: int | None) -> int:
        """One copy per recipient in one transaction; `report_to` (a Telegram chat) hears the
        totals when the last copy is done, None: nobody (the desk reads them itself)."""
        return self.store.owe_many(KIND, [int(r.chat_id) for r in recipients], text,
                                   payload={"batch": batch, "report_to": report_to})

    def totals(self, batch: str) -> Totals:
        row = self.connection.execute(
            "SELECT SUM(sent_at IS NULL AND failed IS NULL), SUM(sent_at IS NOT NULL), "
            "SUM(failed = 'blocked'), SUM(failed IS NOT NULL AND failed != 'blocked') "
            "FROM deliveries WHERE kind = ? AND json_extract(payload, '$.batch') = ?",
            (KIND, batch)).fetchone()
        return Totals(*(int(value or 0) for value in row))

    def recent(self, limit: int = 10) -> list[Sent]:
        """Announcements sent from any channel, newest first."""
        rows = self.connection.execute(
            "SELECT json_extract(payload, '$.batch') AS batch, MIN(text) AS text, "
            "MIN(created_at) AS created_at FROM deliveries WHERE kind = ? "
            "GROUP BY json_extract(payload, '$.batch') ORDER BY MIN(id) DESC LIMIT ?",
            (KIND, limit)).fetchall()
        return [Sent(r["batch"], r["text"], dt.datetime.fromisoformat(r["created_at"]),
                     self.totals(r["batch"])) for r in rows if r["batch"]]

    def text_of_batch(self, batch: str) -> str | None:
        row = self.connection.execute(
            "SELECT text FROM deliveries WHERE kind = ? AND json_extract(payload, '$.batch') = ? "
            "LIMIT 1", (KIND, batch)).fetchone()
        return row["text"] if row else None
