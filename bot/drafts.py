"""The coordinator's drafts: something proposed, edited over a few messages, then saved.

A draft (a knowledge entry to preview, a meeting being added) lives in SQLite, so a restart
does not lose it, and a tap on a draft already saved or cancelled is recognised as such.
`awaiting` names the field the coordinator's next message in that chat fills.
Channel-neutral: a web desk can keep its drafts here too.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.tickets import Clock, utc_now

DRAFT_LIFETIME = dt.timedelta(days=7)  # an abandoned draft stops catching messages


@dataclass(frozen=True)
class Draft:
    id: int
    kind: str
    channel: str
    chat_id: str
    user_id: str
    data: dict[str, Any]
    awaiting: str | None
    done: bool
    outcome: str | None

    def get(self, key: str, default: str = "") -> str:
        value = self.data.get(key)
        return default if value is None else str(value)


class DraftBook:
    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._db = connection
        self._clock = clock

    def create(self, kind: str, channel: str, chat_id: str | int, user_id: str | int,
               data: dict[str, Any], awaiting: str | None = None) -> Draft:
        if awaiting is not None:
            self.stop_awaiting(channel, chat_id, user_id)
        now = self._now()
        cursor = self._db.execute(
            "INSERT INTO drafts (kind, channel, chat_id, user_id, data, awaiting, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, channel, str(chat_id), str(user_id), json.dumps(data, ensure_ascii=False),
             awaiting, now, now))
        draft = self.get(int(cursor.lastrowid or 0))
        assert draft is not None
        return draft

    def get(self, draft_id: int) -> Draft | None:
        row = self._db.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return _draft(row) if row is not None else None

    def update(self, draft_id: int, *, awaiting: str | None = None, **data: Any) -> Draft:
        """Merge `data` into the draft and set what the next message fills (None: nothing)."""
        draft = self.get(draft_id)
        assert draft is not None
        if awaiting is not None:
            self.stop_awaiting(draft.channel, draft.chat_id, draft.user_id)
        merged = {**draft.data, **data}
        self._db.execute("UPDATE drafts SET data = ?, awaiting = ?, updated_at = ? WHERE id = ?",
                         (json.dumps(merged, ensure_ascii=False), awaiting, self._now(),
                          draft_id))
        updated = self.get(draft_id)
        assert updated is not None
        return updated

    def awaiting(self, channel: str, chat_id: str | int, user_id: str | int) -> Draft | None:
        """The open draft waiting for this person's next message in this chat."""
        since = (self._clock() - DRAFT_LIFETIME).astimezone(dt.UTC).isoformat()
        row = self._db.execute(
            "SELECT * FROM drafts WHERE channel = ? AND chat_id = ? AND user_id = ? "
            "AND awaiting IS NOT NULL AND done_at IS NULL AND updated_at >= ? "
            "ORDER BY updated_at DESC LIMIT 1",
            (channel, str(chat_id), str(user_id), since)).fetchone()
        return _draft(row) if row is not None else None

    def stop_awaiting(self, channel: str, chat_id: str | int, user_id: str | int) -> None:
        """One question at a time: whatever waited for this person's message stops waiting."""
        self._db.execute(
            "UPDATE drafts SET awaiting = NULL WHERE channel = ? AND chat_id = ? AND user_id = ? "
            "AND awaiting IS NOT NULL", (channel, str(chat_id), str(user_id)))

    def finish(self, draft_id: int, outcome: str) -> bool:
        """Mark the draft done; False when it already was (a double tap)."""
        cursor = self._db.execute(
            "UPDATE drafts SET done_at = ?, outcome = ?, awaiting = NULL "
            "WHERE id = ? AND done_at IS NULL", (self._now(), outcome, draft_id))
        return cursor.rowcount == 1

    def conclude(self, draft_id: int, outcome: str) -> None:
        """Record what a finished draft became (after `finish` claimed it)."""
        self._db.execute("UPDATE drafts SET done_at = COALESCE(done_at, ?), outcome = ?, "
                         "awaiting = NULL WHERE id = ?", (self._now(), outcome, draft_id))

    def hand_to(self, draft_id: int, chat_id: str | int, user_id: str | int) -> None:
        """The draft now answers to this person in this chat (another coordinator took it
        over); whatever else waited for their message stops waiting."""
        draft = self.get(draft_id)
        assert draft is not None
        self.stop_awaiting(draft.channel, chat_id, user_id)
        self._db.execute("UPDATE drafts SET chat_id = ?, user_id = ? WHERE id = ?",
                         (str(chat_id), str(user_id), draft_id))

    def reopen(self, draft_id: int) -> None:
        """A save that failed: the draft can be corrected and saved again."""
        self._db.execute("UPDATE drafts SET done_at = NULL, outcome = NULL WHERE id = ?",
                         (draft_id,))

    def open_for(self, kind: str, key: str, value: str | int) -> Draft | None:
        """The newest draft of `kind` not yet done whose data has `key` equal to `value`."""
        row = self._db.execute(
            "SELECT * FROM drafts WHERE kind = ? AND done_at IS NULL "
            "AND json_extract(data, '$.' || ?) = ? ORDER BY id DESC LIMIT 1",
            (kind, key, value)).fetchone()
        return _draft(row) if row is not None else None

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(row["id"], row["kind"], row["channel"], row["chat_id"], row["user_id"],
                 json.loads(row["data"]), row["awaiting"], row["done_at"] is not None,
                 row["outcome"])
