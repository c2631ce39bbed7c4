"""Small facts the bot learns while running, kept in SQLite (`bot_state`): a coordinator chat
that became a supergroup, a notice already sent."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


class BotState:
    def __init__(self, connection: sqlite3.Connection, clock: Clock) -> None:
        self._db = connection
        self._clock = clock

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM bot_state WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at", (key, value, self._now()))

    def set_once(self, key: str, value: str) -> bool:
        """Set `key` unless it is set already; True when this call set it."""
        return self._db.execute(
            "INSERT OR IGNORE INTO bot_state (key, value, updated_at) VALUES (?, ?, ?)",
            (key, value, self._now())).rowcount > 0

    def delete(self, key: str) -> bool:
        return self._db.execute("DELETE FROM bot_state WHERE key = ?", (key,)).rowcount > 0

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()
