""""Sprawdź pytanie": what the real matcher would do with a question if an edited, unsaved
entry were in the knowledge; channel-neutral.

The knowledge in service is copied with that one entry replaced (or added) and matched with
the bot's own matcher and thresholds. Building a matcher takes tens of milliseconds, matching
about one, so the last few matchers are kept by what they were built from: a coordinator
typing questions against the same form reuses one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge_edit import EntryForm
from bot.matcher import Matcher, MatchResult, Thresholds

NEW_ENTRY_SLUG = "nowy_wpis"  # the id an entry being added has while it is checked
CACHE_SIZE = 4


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    label: str
    score: float
    edited: bool  # the entry being edited


@dataclass(frozen=True)
class Preview:
    status: str  # answer | suggest | handoff
    score: float
    answer: Candidate | None
    suggestions: tuple[Candidate, ...]
    language: str | None = None

    def as_data(self) -> dict[str, Any]:
        def one(c: Candidate) -> dict[str, Any]:
            return {"id": c.entry_id, "label": c.label, "score": round(c.score),
                    "edited": c.edited}

        return {"status": self.status, "score": round(self.score),
                "answer": one(self.answer) if self.answer else None,
                "suggestions": [one(c) for c in self.suggestions], "language": self.language}


def edited_entry(knowledge: KnowledgeBase, entry_id: str | None, category: str,
                 form: EntryForm) -> Entry:
    """The entry as the form would make it. Phrasings other files add to it stay."""
    current = knowledge.entry(entry_id) if entry_id else None
    if current is None:
        return Entry(id=f"{category}.{NEW_ENTRY_SLUG}", category=category,
                     question=form.question, answer=form.answer, alternates=form.phrasings,
                     button=form.button or None)
    return replace(current, question=form.question, answer=form.answer,
                   alternates=form.phrasings, button=form.button or None)


class Previewer:
    def __init__(self, thresholds: Thresholds) -> None:
        self.thresholds = thresholds
        # by what a matcher was built from; the base knowledge is kept to compare identity
        self._matchers: OrderedDict[tuple[Any, ...], tuple[KnowledgeBase, Matcher]] = (
            OrderedDict())

    def preview(self, knowledge: KnowledgeBase, entry: Entry, question: str,
                extra: tuple[str, ...] = ()) -> Preview:
        """Match `question` against `knowledge` with `entry` in place of the entry of the
        same id (or added); `extra` are phrasings other files add to it."""
        if extra:
            entry = replace(entry, alternates=(*entry.alternates, *extra))
        matcher = self._matcher(knowledge, entry)
        return _preview(matcher.match(question), entry.id)

    def _matcher(self, knowledge: KnowledgeBase, entry: Entry) -> Matcher:
        key = (id(knowledge), entry.id, entry.category, entry.question, entry.alternates,
               entry.keywords, entry.button)
        cached = self._matchers.get(key)
        if cached is not None and cached[0] is knowledge:
            self._matchers.move_to_end(key)
            return cached[1]
        entries = list(knowledge.entries)
        index = next((i for i, e in enumerate(entries) if e.id == entry.id), None)
        if index is None:
            entries.append(entry)
        else:
            entries[index] = entry
        edited = KnowledgeBase(knowledge.categories, tuple(entries), knowledge.synonyms,
                               knowledge.meetings)
        matcher = Matcher(edited, self.thresholds)
        self._matchers[key] = (knowledge, matcher)
        while len(self._matchers) > CACHE_SIZE:
            self._matchers.popitem(last=False)
        return matcher


def _preview(result: MatchResult, edited_id: str) -> Preview:
    def candidate(entry: Entry, score: float) -> Candidate:
        return Candidate(entry.id, entry.label, score, entry.id == edited_id)

    answer = candidate(result.entry, result.score) if result.entry else None
    return Preview(result.status, result.score, answer,
                   tuple(candidate(s.entry, s.score) for s in result.suggestions),
                   result.language)
