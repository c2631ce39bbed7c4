"""Every question asked and its outcome, kept without any link to the person.

Statistics must never stand between a resident and an answer: when the disk refuses a write,
the log says so and the question is answered anyway.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Literal

from bot.storage import best_effort
from bot.tickets import Clock, utc_now

Outcome = Literal["answer", "suggest", "handoff", "direct"]


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: dt.datetime
    text: str | None
    status: Outcome
    entry_id: str | None
    score: float
    feedback: Literal["helped", "not_helped"] | None
    handed_off: bool


class QuestionLog:
    def __init__(self, connection: sqlite3.Connection, *, keep_text: bool = True,
                 clock: Clock = utc_now) -> None:
        self._db = connection
        self._keep_text = keep_text
        self._clock = clock

    def record(self, text: str, status: Outcome, entry_id: str | None = None,
               score: float = 0.0, asker: str | None = None) -> int | None:
        """The id of the logged question; None when the disk refused it (logged).

        `asker` ("channel:id") is kept only so that /usun_dane can delete the text."""
        kept = text if self._keep_text else None
        row = (self._clock().astimezone(dt.UTC).isoformat(), kept, status, entry_id, score,
               int(status == "direct"), asker if kept else None)
        cursor = best_effort(lambda: self._db.execute(
            "INSERT INTO questions (asked_at, text, status, entry_id, score, handed_off, asker) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", row), "a logged question")
        return None if cursor is None else cursor.lastrowid

    def feedback(self, question_id: int, helped: bool) -> None:
        best_effort(lambda: self._db.execute(
            "UPDATE questions SET feedback = ? WHERE id = ?",
            ("helped" if helped else "not_helped", question_id)), "feedback")

    def handed_off(self, question_id: int) -> None:
        best_effort(lambda: self._db.execute(
            "UPDATE questions SET handed_off = 1 WHERE id = ?", (question_id,)),
            "a hand-off mark")

    def since(self, moment: dt.datetime) -> list[LoggedQuestion]:
        rows = self._db.execute("SELECT * FROM questions WHERE asked_at >= ? ORDER BY id",
                                (moment.astimezone(dt.UTC).isoformat(),))
        return [LoggedQuestion(r["id"], dt.datetime.fromisoformat(r["asked_at"]), r["text"],
                               r["status"], r["entry_id"], r["score"], r["feedback"],
                               bool(r["handed_off"])) for r in rows]

    def forget_asker(self, asker: str) -> int:
        """A person's question texts go; the counts stay for statistics."""
        return self._db.execute("UPDATE questions SET text = NULL, asker = NULL WHERE asker = ?",
                                (asker,)).rowcount

    def forget_texts_older_than(self, age: dt.timedelta) -> int:
        """Retention: old questions keep their outcome for statistics, not their text."""
        cutoff = (self._clock() - age).astimezone(dt.UTC).isoformat()
        return self._db.execute(
            "UPDATE questions SET text = NULL, asker = NULL WHERE asked_at < ? "
            "AND text IS NOT NULL",
            (cutoff,)).rowcount
