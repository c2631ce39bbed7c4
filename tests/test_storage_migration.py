"""A database made by version 1 of the bot upgrades in place on start, nothing lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import storage

V1_DUMP = Path(__file__).parent / "fixtures" / "schema_v1.sql"


@pytest.fixture
def old_database(tmp_path: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(V1_DUMP.read_text(encoding="utf-8"))
    return path


def test_an_old_database_upgrades_in_place_and_keeps_everything(old_database: Path) -> None:
    db = storage.connect(old_database)
    assert storage.schema_version(db) == storage.SCHEMA_VERSION > 1
    tickets = db.execute("SELECT id, user_id, question, status, channel FROM tickets "
                         "ORDER BY id").fetchall()
    assert [tuple(t) for t in tickets] == [
        (1, 111, "zgubiłem psa na spacerze", "answered", "telegram"),
        (2, 222, "kiedy spotkanie", "open", "telegram")]
    deliveries = db.execute("SELECT kind, channel, sent_at IS NOT NULL FROM deliveries "
                            "ORDER BY id").fetchall()
    assert [tuple(d) for d in deliveries] == [
        ("ticket", "telegram", 1), ("followup", "telegram", 0), ("answer", "telegram", 0),
        ("ticket", "telegram", 0)]
    users = {(r["channel"], r["user_id"]): (r["blocked_bot_at"] is not None,
                                            r["banned_at"] is not None)
             for r in db.execute("SELECT * FROM users")}
    assert users == {("telegram", 333): (True, False), ("telegram", 444): (False, True)}
    subs = db.execute("SELECT channel, chat_id FROM subscriptions").fetchall()
    assert [tuple(s) for s in subs] == [("telegram", 111)]
    assert db.execute("SELECT text FROM questions").fetchone()[0] == "jak dolaczyc"
    assert db.execute("SELECT message_id FROM ticket_messages").fetchone()[0] == 501


def test_an_upgraded_database_owes_deliveries_without_a_ticket(old_database: Path) -> None:
    db = storage.connect(old_database)
    db.execute("INSERT INTO deliveries (kind, chat_id, text, payload, created_at) "
               "VALUES ('announcement', 111, 'Hej', '{\"batch\": \"b\"}', 'now')")
    row = db.execute("SELECT ticket_id, json_extract(payload, '$.batch') FROM deliveries "
                     "WHERE kind = 'announcement'").fetchone()
    assert tuple(row) == (None, "b")
    assert db.execute("SELECT MAX(id) FROM deliveries").fetchone()[0] == 5  # ids kept going


def test_upgrading_twice_changes_nothing(old_database: Path) -> None:
    storage.connect(old_database).close()
    db = storage.connect(old_database)
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 2


def test_a_database_from_a_newer_bot_is_refused_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={storage.SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer than this bot"):
        storage.connect(path)
