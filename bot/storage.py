"""The SQLite file behind tickets and deliveries: connection and schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    username TEXT,
    question TEXT NOT NULL,
    suggestions TEXT NOT NULL DEFAULT '[]',   -- JSON list of entry ids the bot offered
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',       -- open | answered | closed
    answer TEXT,
    answered_at TEXT,
    closed_at TEXT
);
CREATE INDEX IF NOT EXISTS tickets_by_user ON tickets (user_id, status);

-- Messages in the coordinator chat that stand for a ticket: a reply to any of them answers it.
CREATE TABLE IF NOT EXISTS ticket_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    PRIMARY KEY (chat_id, message_id)
);

-- Everything the bot owes someone, kept until Telegram has taken it: nothing is lost on a
-- failed send or a restart.
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,                  -- ticket | followup | answer
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    message_id INTEGER,
    failed TEXT                          -- set when it can never be delivered (blocked)
);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (sent_at, failed);

-- A question the bot could not answer for sure, kept briefly so a button can hand it off.
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    suggestions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    ticket_id INTEGER,                   -- set once handed off: a second tap files nothing
    question_id INTEGER                  -- the logged question it came from, for statistics
);

-- Every question and what became of it, with no link to the person who asked.
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,
    text TEXT,                           -- NULL when not kept (config) or after retention
    status TEXT NOT NULL,                -- answer | suggest | handoff | direct
    entry_id TEXT,
    score REAL NOT NULL DEFAULT 0,
    feedback TEXT,                       -- helped | not_helped
    handed_off INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS questions_by_time ON questions (asked_at);

CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

-- One row per person per meeting (per start time: a moved meeting is reminded again), so a
-- reminder goes out once, also across restarts.
CREATE TABLE IF NOT EXISTS reminders (
    meeting_id TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    failed TEXT,
    PRIMARY KEY (meeting_id, starts_at, chat_id)
);

CREATE TABLE IF NOT EXISTS users (
    user_id INTEGER PRIMARY KEY,
    blocked_bot_at TEXT,                 -- the person blocked the bot
    banned_at TEXT                       -- a coordinator blocked the person (/blokuj)
);
"""


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database file and bring its schema up to date."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")  # a stored ticket survives a power cut
    connection.execute("PRAGMA foreign_keys=ON")
    connection.executescript(_SCHEMA)
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return connection


def backup(source: str | Path, destination: str | Path) -> None:
    """Copy the database with SQLite's online backup API: safe while the bot is running."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True) as live, \
            sqlite3.connect(partial) as copy:
        live.backup(copy)
    partial.replace(destination)  # a backup file is either whole or absent
