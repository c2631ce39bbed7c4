"""Who wants meeting reminders and announcements, and which reminders are owed or sent.

When the disk refuses a write, reminders still go out: a reminder sent but not yet recorded
is remembered in memory (and recorded once the disk takes it), so nobody gets it twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge import Meeting
from bot.storage import best_effort
from bot.tickets import TELEGRAM, Clock, utc_now


@dataclass(frozen=True)
class Subscriber:
    chat_id: int | str
    user_id: int | str
    channel: str = TELEGRAM


@dataclass(frozen=True)
class OwedReminder:
    meeting_id: str
    starts_at: dt.datetime
    chat_id: int


class SubscriptionBook:
    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._db = connection
        self._clock = clock
        # Reminders sent or dropped whose row the disk did not take yet: (key) -> (column, value)
        self._unsaved: dict[tuple[str, str, int], tuple[str, str]] = {}

    def subscribe(self, subscriber: Subscriber) -> bool:
        """True when saved; False when the disk refused it (logged)."""
        return best_effort(lambda: self._db.execute(
            "INSERT OR IGNORE INTO subscriptions (channel, chat_id, user_id, created_at) "
            "VALUES (?, ?, ?, ?)",
            (subscriber.channel, subscriber.chat_id, subscriber.user_id, self._now()),
        ), "a subscription") is not None

    def unsubscribe(self, chat_id: int | str, channel: str = TELEGRAM) -> bool:
        """True when saved; False when the disk refused it (logged)."""
        return best_effort(lambda: self._db.execute(
            "DELETE FROM subscriptions WHERE chat_id = ? AND channel = ?", (chat_id, channel)),
            "an unsubscription") is not None

    def is_subscribed(self, chat_id: int | str, channel: str = TELEGRAM) -> bool:
        row = self._db.execute("SELECT 1 FROM subscriptions WHERE chat_id = ? AND channel = ?",
                               (chat_id, channel))
        return row.fetchone() is not None

    def subscribers(self, channel: str = TELEGRAM) -> list[Subscriber]:
        """Everyone subscribed on a channel, except people a coordinator banned."""
        rows = self._db.execute(
            "SELECT s.chat_id, s.user_id FROM subscriptions s LEFT JOIN users u "
            "ON u.channel = s.channel AND u.user_id = s.user_id "
            "WHERE s.channel = ? AND u.banned_at IS NULL ORDER BY s.created_at", (channel,))
        return [Subscriber(r["chat_id"], r["user_id"], channel) for r in rows]

    def forget_chat(self, chat_id: int | str, channel: str = TELEGRAM) -> None:
        self._db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND channel = ?",
                         (chat_id, channel))
        self._db.execute("DELETE FROM reminders WHERE chat_id = ? AND channel = ?",
                         (chat_id, channel))

    def owe_reminders(self, meeting: Meeting, subscribers: Iterable[Subscriber]) -> int:
        """Record a reminder of `meeting` for each subscriber not reminded of it yet."""
        rows = [(meeting.id, _iso(meeting.start), s.chat_id, self._now()) for s in subscribers]
        before = self._db.total_changes
        saved = best_effort(lambda: self._db.executemany(
            "INSERT OR IGNORE INTO reminders (meeting_id, starts_at, chat_id, created_at) "
            "VALUES (?, ?, ?, ?)", rows), "owed reminders")
        return 0 if saved is None else self._db.total_changes - before

    def owed_reminders(self) -> list[OwedReminder]:
        for key, (column, value) in list(self._unsaved.items()):
            if self._write(key, column, value):
                del self._unsaved[key]
        rows = self._db.execute(
            "SELECT meeting_id, starts_at, chat_id FROM reminders "
            "WHERE sent_at IS NULL AND failed IS NULL ORDER BY starts_at, created_at")
        return [OwedReminder(r["meeting_id"], dt.datetime.fromisoformat(r["starts_at"]),
                             r["chat_id"]) for r in rows
                if (r["meeting_id"], r["starts_at"], r["chat_id"]) not in self._unsaved]

    def reminder_sent(self, owed: OwedReminder) -> None:
        self._set(owed, "sent_at", self._now())

    def reminder_dropped(self, owed: OwedReminder, reason: str) -> None:
        self._set(owed, "failed", reason)

    def _set(self, owed: OwedReminder, column: str, value: str) -> None:
        key = (owed.meeting_id, _iso(owed.starts_at), owed.chat_id)
        if not self._write(key, column, value):
            self._unsaved[key] = (column, value)

    def _write(self, key: tuple[str, str, int], column: str, value: str) -> bool:
        return best_effort(lambda: self._db.execute(
            f"UPDATE reminders SET {column} = ? "
            "WHERE meeting_id = ? AND starts_at = ? AND chat_id = ?", (value, *key),
        ), "a reminder's state") is not None

    def _now(self) -> str:
        return _iso(self._clock())


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()
