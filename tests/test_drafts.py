"""Drafts in SQLite: one field awaited per person and chat, saved once, forgotten when stale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.drafts import DRAFT_LIFETIME, DraftBook
from bot.storage import connect
from tests.conftest import Clock

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def test_drafts_wait_for_one_answer_and_are_saved_once(tmp_path: Path) -> None:
    clock = Clock(NOW)
    book = DraftBook(connect(tmp_path / "bot.sqlite3"), clock)
    first = book.create("learn", "telegram", -100, 900, {"ticket": 3}, awaiting="answer")
    second = book.create("meeting", "telegram", -100, 900, {}, awaiting="title")
    assert book.awaiting("telegram", -100, 900).id == second.id  # one question at a time
    assert book.get(first.id).awaiting is None
    assert book.awaiting("telegram", 900, 900) is None  # another chat
    assert book.open_for("learn", "ticket", 3).id == first.id
    updated = book.update(second.id, title="Walne", awaiting="when")
    assert updated.data == {"title": "Walne"} and updated.awaiting == "when"
    assert book.finish(second.id, "zapisuję") and not book.finish(second.id, "zapisuję")
    assert book.awaiting("telegram", -100, 900) is None
    book.reopen(second.id)
    assert not book.get(second.id).done
    book.conclude(second.id, "spotkanie 2026-12-walne")
    assert book.get(second.id).outcome == "spotkanie 2026-12-walne"
    assert book.open_for("learn", "ticket", 4) is None


def test_a_stale_draft_stops_catching_messages(tmp_path: Path) -> None:
    clock = Clock(NOW)
    book = DraftBook(connect(tmp_path / "bot.sqlite3"), clock)
    book.create("meeting", "telegram", 900, 900, {}, awaiting="title")
    clock.now = NOW + DRAFT_LIFETIME + dt.timedelta(minutes=1)
    assert book.awaiting("telegram", 900, 900) is None
