"""The knowledge base as plain data: categories, FAQ entries, synonyms and meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

SMALLTALK_CATEGORY = "rozmowa"
HANDOFF_ACTION = "handoff"


@dataclass(frozen=True)
class Problem:
    """One finding of the knowledge check, located by file, line and entry id."""

    file: str
    line: int
    entry_id: str | None
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        who = f" [{self.entry_id}]" if self.entry_id else ""
        kind = "błąd" if self.level == "error" else "ostrzeżenie"
        return f"{where}:{who} {kind}: {self.message}"


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    in_menu: bool = True


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    checked: dt.date | None = None
    action: str | None = None
    dynamic: str | None = None
    button: str | None = None  # short label for menus and suggestions (a phone shows ~40 chars)
    file: str = ""
    line: int = 0

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates, *self.keywords)

    @property
    def label(self) -> str:
        """What a button shows: the short label, or the question when there is none."""
        return self.button or self.question

    @property
    def is_smalltalk(self) -> bool:
        return self.category == SMALLTALK_CATEGORY

    @property
    def offers_handoff(self) -> bool:
        return self.action == HANDOFF_ACTION


@dataclass(frozen=True)
class Meeting:
    id: str
    title: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    place: str = ""
    address: str = ""
    description: str = ""
    audience: Literal["public", "members"] = "public"
    registration: str = ""


@dataclass(frozen=True)
class KnowledgeBase:
    categories: tuple[Category, ...]
    entries: tuple[Entry, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    meetings: tuple[Meeting, ...] = ()
    _by_id: dict[str, Entry] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({e.id: e for e in self.entries})

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def menu_categories(self) -> list[Category]:
        return [c for c in self.categories if c.in_menu]

    def entries_in(self, category_id: str) -> list[Entry]:
        return [e for e in self.entries if e.category == category_id]
