"""Checks across entries: duplicate ids, phrasings that collide or nearly collide."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.conversation import choices
from bot.knowledge import Entry, Problem
from bot.normalize import normalizer_for

# Phrasings of two entries this similar after normalization confuse residents and the matcher.
NEAR_DUPLICATE_SCORE = 92.0
TYPO_SCORE = 75.0


def check_entries(entries: Sequence[Entry], synonyms: Sequence[Sequence[str]], *,
                  near_duplicates: bool) -> list[Problem]:
    """Errors and warnings across entries; `near_duplicates` asks for the slowest check,
    whose findings are only ever warnings."""
    problems: list[Problem] = []
    first_seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in first_seen:
            first = first_seen[entry.id]
            problems.append(Problem(entry.file, entry.line, entry.id,
                                    f"powtórzony id (pierwszy raz: {first.file}:{first.line})"))
        else:
            first_seen[entry.id] = entry

    signature = (tuple(_Owner(e.id, e.file, e.line, e.phrasings) for e in entries),
                 tuple(tuple(group) for group in synonyms))
    found, keys, owners = _phrasing_keys(*signature)
    problems.extend(found)
    if near_duplicates:
        problems.extend(_near_duplicates(keys, owners))
    problems.extend(_button_data(entries))
    return problems


class _Owner(NamedTuple):
    """What the phrasing checks need of an entry (hashable: their results are cached)."""

    id: str
    file: str
    line: int
    phrasings: tuple[str, ...]


# Every start, reload and desk edit validates the whole knowledge; its phrasings rarely changed.
@lru_cache(maxsize=4)
def _phrasing_keys(entries: tuple[_Owner, ...], synonyms: tuple[tuple[str, ...], ...]
                   ) -> tuple[tuple[Problem, ...], tuple[str, ...], tuple[_Owner, ...]]:
    """Problems of single phrasings, and each distinct normalized phrasing with its entry
    (for the near-duplicate check, whichever caller asks for it)."""
    problems: list[Problem] = []
    normalizer = normalizer_for(synonyms)
    owners: dict[str, _Owner] = {}
    keys: list[str] = []
    kept: set[str] = set()
    key_owner: list[_Owner] = []
    for entry in entries:
        for phrasing in entry.phrasings:
            key = " ".join(normalizer.phrasing_tokens(phrasing))
            if not key:
                problems.append(Problem(entry.file, entry.line, entry.id,
                                        f"„{phrasing}” po normalizacji jest puste (same słowa "
                                        "pomijane); dopisz słowo kluczowe", "warning"))
                continue
            owner = owners.setdefault(key, entry)
            if owner.id != entry.id:
                problems.append(Problem(entry.file, entry.line, entry.id,
                                        f"„{phrasing}” znaczy to samo co sformułowanie wpisu "
                                        f"{owner.id} ({owner.file}:{owner.line})"))
            elif owner is entry and key not in kept:
                kept.add(key)
                keys.append(key)
                key_owner.append(entry)
    return tuple(problems), tuple(keys), tuple(key_owner)


def _button_data(entries: Sequence[Entry]) -> list[Problem]:
    """An entry's button carries its id; Telegram refuses a button whose data is too long,
    and with it the whole menu of its category."""
    problems = []
    for entry in entries:
        if not choices.fits(choices.ChoiceKind.QUESTION, entry.id):
            problems.append(Problem(entry.file, entry.line, entry.id,
                                    f"id za długi: przycisk z tym pytaniem mieści najwyżej "
                                    f"{choices.CALLBACK_DATA_LIMIT} bajty danych, skróć id"))
    for category in {entry.category for entry in entries}:
        if not choices.fits(choices.ChoiceKind.CATEGORY, category):
            first = next(e for e in entries if e.category == category)
            problems.append(Problem(first.file, first.line, first.id,
                                    f"id kategorii „{category}” za długi dla przycisku menu"))
    return problems


def _near_duplicates(keys: Sequence[str], owners: Sequence[_Owner]) -> list[Problem]:
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    position = {key: i for i, key in enumerate(keys)}
    similar = _similar_keys(keys)
    for i, key in enumerate(keys):
        for other, _ in sorted(similar[key].items(), key=lambda found: (-found[1], found[0])):
            j = position[other]
            a, b = owners[i], owners[j]
            if j <= i or a.id == b.id or (a.id, b.id) in reported:
                continue
            if not _differ_only_by_typos(key.split(), other.split()):
                continue
            reported.add((a.id, b.id))
            problems.append(Problem(b.file, b.line, b.id,
                                    f"sformułowanie „{other}” jest prawie takie samo jak "
                                    f"„{key}” we wpisie {a.id}; bot może je mylić", "warning"))
    return problems


class _Similarity:
    """Which normalized phrasings are near each other, kept between checks: an edit adds or
    removes a few phrasings of thousands, so only the new ones are compared with the rest."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: frozenset[str] = frozenset()
        self._near: dict[str, dict[str, float]] = {}

    def of(self, keys: Sequence[str]) -> dict[str, dict[str, float]]:
        with self._lock:
            current = frozenset(keys)
            removed = self._keys - current
            near = {key: {other: score for other, score in found.items() if other not in removed}
                    for key, found in self._near.items() if key in current}
            added = current - self._keys
            for key in added:
                near[key] = {}
            # Two texts this similar have lengths within a few percent of each other, so a
            # key is compared only with keys of about its length.
            by_length = sorted(current, key=len)
            lengths = [len(key) for key in by_length]
            ratio = NEAR_DUPLICATE_SCORE / 100
            for key in added:
                low = bisect.bisect_left(lengths, len(key) * ratio / (2 - ratio))
                high = bisect.bisect_right(lengths, len(key) * (2 - ratio) / ratio)
                for other, score, _ in process.extract(
                        key, by_length[low:high], scorer=fuzz.ratio, limit=None,
                        score_cutoff=NEAR_DUPLICATE_SCORE):
                    if other != key:
                        near[key][other] = near[other][key] = score
            self._keys, self._near = current, near
            return near


_similar_keys = _Similarity().of


def _differ_only_by_typos(first: list[str], second: list[str]) -> bool:
    """Same words but for small misspellings: "kpo" and "krs" are different words, not typos."""
    if len(first) != len(second):
        return False
    return all(a == b or fuzz.ratio(a, b) >= TYPO_SCORE
               for a, b in zip(sorted(first), sorted(second), strict=True))
