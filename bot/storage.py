"""The SQLite file behind tickets and deliveries: connection and schema.

A full or read-only disk must not silence the bot: opening needs no write when the schema is
current, and a write that fails because of the disk raises `StorageUnavailable` (a kind of
`sqlite3.OperationalError`), which callers catch to degrade gracefully instead of apologising.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# The first schema, as version 1 of the bot created it; later versions are migrations below.
_SCHEMA_V1 = """
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


# Each step brings a database from version N-1 to N, in one transaction. Append, never edit:
# a database made by any earlier version must upgrade in place.
_MIGRATIONS: tuple[str, ...] = (
    # 2: every person, ticket, delivery and subscription belongs to a channel (telegram, web);
    # the waiting state of a conversation, durable inbox of updates, outbox back-off,
    # and who asked a logged question (only so /usun_dane can delete its text).
    """
    ALTER TABLE tickets ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
    ALTER TABLE offers ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
    ALTER TABLE deliveries ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
    ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
    ALTER TABLE deliveries ADD COLUMN last_error TEXT;
    ALTER TABLE questions ADD COLUMN asker TEXT;
    CREATE INDEX questions_by_asker ON questions (asker);

    CREATE TABLE users_v2 (
        channel TEXT NOT NULL DEFAULT 'telegram',
        user_id INTEGER NOT NULL,
        blocked_bot_at TEXT,
        banned_at TEXT,
        PRIMARY KEY (channel, user_id)
    );
    INSERT INTO users_v2 (user_id, blocked_bot_at, banned_at)
        SELECT user_id, blocked_bot_at, banned_at FROM users;
    DROP TABLE users;
    ALTER TABLE users_v2 RENAME TO users;

    CREATE TABLE subscriptions_v2 (
        channel TEXT NOT NULL DEFAULT 'telegram',
        chat_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
    );
    INSERT INTO subscriptions_v2 (chat_id, user_id, created_at)
        SELECT chat_id, user_id, created_at FROM subscriptions;
    DROP TABLE subscriptions;
    ALTER TABLE subscriptions_v2 RENAME TO subscriptions;

    CREATE TABLE reminders_v2 (
        meeting_id TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT 'telegram',
        chat_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        failed TEXT,
        PRIMARY KEY (meeting_id, starts_at, channel, chat_id)
    );
    INSERT INTO reminders_v2 (meeting_id, starts_at, chat_id, created_at, sent_at, failed)
        SELECT meeting_id, starts_at, chat_id, created_at, sent_at, failed FROM reminders;
    DROP TABLE reminders;
    ALTER TABLE reminders_v2 RENAME TO reminders;

    -- What a conversation waits for ("napisz pytanie" after "Zapytaj koordynatora"):
    -- kept across restarts.
    CREATE TABLE conversation_state (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        state TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, user_id)
    );

    -- Small facts the bot learns while running (a migrated coordinator chat id, notices sent).
    CREATE TABLE bot_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    -- Every update Telegram handed over, stored before Telegram is told it arrived.
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        chat_key TEXT,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX inbox_pending ON inbox (done_at);
    """,
    # 3: a resident's messages that went into a ticket, so an edit or a reply finds it.
    """
    CREATE TABLE resident_messages (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id),
        PRIMARY KEY (channel, chat_id, message_id)
    );
    """,
    # 4: the outbox carries more than ticket traffic (announcements, reminders, notices to
    # coordinators), so a delivery need not belong to a ticket; `payload` holds what a kind
    # needs besides its text (JSON), e.g. the ids of the parts already sent.
    """
    CREATE TABLE deliveries_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,       -- ticket | followup | answer | confirmation | notice | ...
        channel TEXT NOT NULL DEFAULT 'telegram',
        ticket_id INTEGER REFERENCES tickets (id),
        chat_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        sent_at TEXT,
        message_id INTEGER,
        failed TEXT,
        next_attempt_at TEXT,
        last_error TEXT
    );
    INSERT INTO deliveries_v3 (id, kind, channel, ticket_id, chat_id, text, created_at,
                               attempts, sent_at, message_id, failed, next_attempt_at,
                               last_error)
        SELECT id, kind, channel, ticket_id, chat_id, text, created_at, attempts, sent_at,
               message_id, failed, next_attempt_at, last_error FROM deliveries;
    DROP TABLE deliveries;
    ALTER TABLE deliveries_v3 RENAME TO deliveries;
    CREATE INDEX deliveries_pending ON deliveries (sent_at, failed);
    CREATE INDEX deliveries_by_ticket ON deliveries (ticket_id, kind);
    -- What one chat is owed, found without reading what everyone else is owed.
    CREATE INDEX deliveries_owed ON deliveries (channel, chat_id, id)
        WHERE sent_at IS NULL AND failed IS NULL;
    """,
    # 5: the coordinator's drafts (a knowledge entry to preview, a meeting being added): what
    # is proposed, and which field the coordinator's next message fills; kept across restarts.
    """
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,                 -- learn | meeting
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        awaiting TEXT,                      -- the field the next message fills, if any
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        done_at TEXT,
        outcome TEXT                        -- what happened: saved, cancelled, ...
    );
    CREATE INDEX drafts_awaiting ON drafts (channel, chat_id, user_id, awaiting);
    """,
    # 6: the web chat: a session (a random id) is both the person and the chat; its messages,
    # both ways, so a page reloaded or opened on another device shows the conversation.
    """
    CREATE TABLE web_sessions (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        active_at TEXT NOT NULL,
        email TEXT,                      -- given by the person, with consent, for answers
        email_consent_at TEXT
    );
    CREATE INDEX web_sessions_by_activity ON web_sessions (active_at);
    CREATE TABLE web_messages (
        session TEXT NOT NULL REFERENCES web_sessions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,            -- 1, 2, ... within the session: the API's message id
        author TEXT NOT NULL,            -- bot | person
        text TEXT NOT NULL,
        choices TEXT NOT NULL DEFAULT '[]',  -- JSON [[id, label], ...]
        created_at TEXT NOT NULL,
        delivery_id INTEGER UNIQUE,      -- the delivery it came from (a coordinator's answer)
        PRIMARY KEY (session, seq)
    );
    CREATE INDEX web_messages_by_time ON web_messages (created_at);
    """,
    # 7: the resident's rating of the coordinator's answer (1: helped, 0: did not), the
    # reason a coordinator gave when closing a ticket without an answer, who took a ticket
    # ("Biorę") and who answered it.
    """
    ALTER TABLE tickets ADD COLUMN rating INTEGER;
    ALTER TABLE tickets ADD COLUMN close_reason TEXT;
    ALTER TABLE tickets ADD COLUMN claimed_by TEXT;
    ALTER TABLE tickets ADD COLUMN answered_by TEXT;
    """,
    # 8: the coordinator's web desk: sessions and one-time sign-in links (only hashes of
    # their secrets are stored), and who changed what from the desk (undo_ref: what can undo
    # it, e.g. a stored version of a knowledge file).
    """
    CREATE TABLE desk_sessions (
        id_hash TEXT PRIMARY KEY,        -- sha256 of the cookie's value
        login TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        active_at TEXT NOT NULL
    );
    CREATE TABLE desk_links (
        token_hash TEXT PRIMARY KEY,     -- sha256 of the token in the link
        login TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE desk_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        login TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '',
        undo_ref INTEGER,
        undone_at TEXT
    );
    CREATE INDEX desk_history_by_time ON desk_history (at);
    """,
    # 9: knowledge files as they were before the desk changed them (the history's "Cofnij").
    """
    CREATE TABLE knowledge_versions (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,              -- relative to the knowledge folder: faq/kontakt.yaml
        content BLOB,                    -- the bytes before the change; NULL: no such file
        saved_at TEXT NOT NULL,
        login TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = 1 + len(_MIGRATIONS)


class StorageUnavailable(sqlite3.OperationalError):
    """The database cannot be written (or read) because of the disk: full, read-only, I/O
    error. Nothing is wrong with the data asked for; try again later."""


# Primary SQLite result codes that mean the disk, not the query, is the problem.
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14
_UNAVAILABLE_CODES = frozenset({_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN})
_UNAVAILABLE_MESSAGES = ("disk is full", "readonly database", "read-only", "disk i/o error",
                         "unable to open database file")
_UNAVAILABLE_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT,
                                 errno.EFBIG})


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` says the storage is unavailable (disk full, read-only, I/O error),
    for SQLite errors as well as file errors (OSError), e.g. when writing a snapshot."""
    if isinstance(exc, StorageUnavailable):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF in _UNAVAILABLE_CODES
        return any(m in str(exc).casefold() for m in _UNAVAILABLE_MESSAGES)
    return isinstance(exc, OSError) and exc.errno in _UNAVAILABLE_ERRNOS


def _unavailable(exc: sqlite3.Error) -> StorageUnavailable:
    converted = StorageUnavailable(str(exc))
    converted.sqlite_errorcode = getattr(exc, "sqlite_errorcode", None)  # type: ignore[attr-defined]
    converted.sqlite_errorname = getattr(exc, "sqlite_errorname", None)  # type: ignore[attr-defined]
    return converted


@contextmanager
def _disk_errors_as_unavailable() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        if is_unavailable(exc) and not isinstance(exc, StorageUnavailable):
            raise _unavailable(exc) from exc
        raise


class GuardedConnection(sqlite3.Connection):
    """A connection whose statements raise StorageUnavailable when the disk is the problem,
    so every module that writes gets the same, catchable signal."""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        with _disk_errors_as_unavailable():
            return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        with _disk_errors_as_unavailable():
            return super().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        with _disk_errors_as_unavailable():
            return super().executescript(sql_script)

    def commit(self) -> None:
        with _disk_errors_as_unavailable():
            super().commit()


def best_effort(action: Callable[[], T], what: str) -> T | None:
    """Run a write that must not stop the bot (a log line, a flag): when the storage is
    unavailable, log it and return None; any other error is raised."""
    try:
        return action()
    except sqlite3.Error as exc:
        if not is_unavailable(exc):
            raise
        log.warning("storage unavailable, %s not saved: %s", what, exc)
        return None


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database file and bring its schema up to date.

    With the schema current, opening writes nothing, so the bot starts on a full or
    read-only disk: first normally (WAL), then, when the disk refuses the WAL index file,
    with the index in memory (exclusive lock), and on a read-only disk read-only. Reads
    then work and writes raise StorageUnavailable.
    """
    path = Path(path)
    if str(path) == ":memory:":
        return _open(":memory:")
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(str(path))
    except sqlite3.Error as exc:
        if not is_unavailable(exc) or not path.exists():
            raise
        first = exc
    log.error("the disk refuses writes next to %s (%s); starting with the database as it "
              "is: questions are answered, hand-offs are refused until the disk is fixed",
              path, first)
    try:
        return _open(str(path), exclusive=True)
    except sqlite3.Error as exc:
        if not is_unavailable(exc):
            raise
    # A read-only file system: SQLite cannot even take its locks, so read the file as it is.
    try:
        return _open(f"file:{path}?immutable=1", uri=True)
    except StorageUnavailable as exc:
        raise StorageUnavailable(f"{path}: the database needs its schema brought up to "
                                 f"version {SCHEMA_VERSION}, and the disk refuses writes "
                                 f"({first}); free some space or make it writable") from exc


def _open(target: str, *, exclusive: bool = False, uri: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(target, isolation_level=None, check_same_thread=False,
                                 uri=uri, factory=GuardedConnection)
    try:
        connection.row_factory = sqlite3.Row
        if exclusive:  # before the first access: the WAL index lives in memory, no -shm file
            connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        if not uri and connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")  # a write: only on a new file
        # NORMAL in WAL mode: a commit survives a crash of the process, without an fsync each.
        # What must also survive a power cut is committed with `durable` (the inbox of
        # updates, from which everything else the bot writes can be redone).
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """All or nothing: BEGIN IMMEDIATE ... COMMIT, rolled back on any error. Inside another
    transaction it joins it (the outer one commits)."""
    if connection.in_transaction:
        yield
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


@contextmanager
def durable(connection: sqlite3.Connection) -> Iterator[None]:
    """One transaction whose commit is fsync'd (and with it everything committed before)."""
    connection.execute("PRAGMA synchronous=FULL")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            connection.execute("COMMIT")
        finally:
            if connection.in_transaction:  # the body or the commit failed
                connection.execute("ROLLBACK")
    finally:
        connection.execute("PRAGMA synchronous=NORMAL")


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection) -> None:
    """Create a new database, or upgrade an older one in place, step by step."""
    version = schema_version(connection)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"the database has schema version {version}, newer than this bot "
                           f"({SCHEMA_VERSION}): run the newer version of the bot")
    if version == 0:  # new file (version 1 wrote its tables with IF NOT EXISTS, so this is safe)
        connection.executescript(_SCHEMA_V1)
        connection.execute("PRAGMA user_version=1")
        version = 1
    for number, step in enumerate(_MIGRATIONS[version - 1:], start=version + 1):
        # executescript commits first; the BEGIN makes the step all-or-nothing.
        try:
            connection.executescript(f"BEGIN IMMEDIATE;\n{step}\n"
                                     f"PRAGMA user_version={number};\nCOMMIT;")
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def backup(source: str | Path, destination: str | Path) -> None:
    """Copy the database with SQLite's online backup API: safe while the bot is running."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    with sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True) as live, \
            sqlite3.connect(partial) as copy:
        live.backup(copy)
    partial.replace(destination)  # a backup file is either whole or absent
