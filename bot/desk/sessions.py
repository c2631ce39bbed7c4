"""Desk sessions and one-time sign-in links, in SQLite. Only hashes of the secrets are stored:
a copy of the database signs nobody in."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

from bot.tickets import Clock

LINK_LIFETIME = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Session:
    login: str
    csrf: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class DeskSessions:
    def __init__(self, connection: sqlite3.Connection, clock: Clock, *,
                 idle: dt.timedelta, lifetime: dt.timedelta) -> None:
        self._db = connection
        self._clock = clock
        self.idle = idle
        self.lifetime = lifetime

    def start(self, login: str) -> str:
        """A new session for `login`; returns the cookie's value (256 random bits)."""
        secret = secrets.token_urlsafe(32)
        now = self._clock().isoformat()
        self._db.execute(
            "INSERT INTO desk_sessions (id_hash, login, csrf, created_at, active_at) "
            "VALUES (?, ?, ?, ?, ?)", (_hash(secret), login, secrets.token_urlsafe(32), now, now))
        return secret

    def find(self, secret: str) -> Session | None:
        """The session of a cookie, still alive (it counts as activity); else None."""
        if not secret or len(secret) > 100:
            return None
        row = self._db.execute("SELECT * FROM desk_sessions WHERE id_hash = ?",
                               (_hash(secret),)).fetchone()
        if row is None:
            return None
        now = self._clock()
        if (now - dt.datetime.fromisoformat(row["active_at"]) > self.idle
                or now - dt.datetime.fromisoformat(row["created_at"]) > self.lifetime):
            self.end(secret)
            return None
        self._db.execute("UPDATE desk_sessions SET active_at = ? WHERE id_hash = ?",
                         (now.isoformat(), row["id_hash"]))
        return Session(row["login"], row["csrf"])

    def end(self, secret: str) -> None:
        self._db.execute("DELETE FROM desk_sessions WHERE id_hash = ?", (_hash(secret),))

    def forget_expired(self) -> int:
        now = self._clock()
        return self._db.execute(
            "DELETE FROM desk_sessions WHERE active_at < ? OR created_at < ?",
            ((now - self.idle).isoformat(), (now - self.lifetime).isoformat())).rowcount


class SignInLinks:
    """One-time links (/panel in Telegram): valid 10 minutes, used once."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock) -> None:
        self._db = connection
        self._clock = clock

    def issue(self, login: str) -> str:
        token = secrets.token_urlsafe(32)
        now = self._clock()
        self._db.execute("DELETE FROM desk_links WHERE expires_at < ?", (now.isoformat(),))
        self._db.execute(
            "INSERT INTO desk_links (token_hash, login, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (_hash(token), login, now.isoformat(), (now + LINK_LIFETIME).isoformat()))
        return token

    def peek(self, token: str) -> str | None:
        """The login a link would sign in, while it is valid; nothing is used up."""
        row = self._valid(token)
        return row["login"] if row else None

    def use(self, token: str) -> str | None:
        """Use the link up; its login, or None when it is unknown, used or expired."""
        row = self._valid(token)
        if row is None:
            return None
        used = self._db.execute(
            "UPDATE desk_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            (self._clock().isoformat(), row["token_hash"])).rowcount
        return row["login"] if used else None

    def _valid(self, token: str) -> sqlite3.Row | None:
        if not token or len(token) > 100:
            return None
        row = self._db.execute("SELECT * FROM desk_links WHERE token_hash = ?",
                               (_hash(token),)).fetchone()
        if (row is None or row["used_at"] is not None
                or dt.datetime.fromisoformat(row["expires_at"]) <= self._clock()):
            return None
        return row
