"""Misspellings: which known stems a word of a message may stand for, and how surely.

A word the knowledge uses is taken as written and only bridged to other forms of itself. An
unknown word may be a typo of any stem close to it (rapidfuzz `fuzz.ratio`, a near miss
counting as the square of its similarity), a spelling by ear ("morze" for "może", through a
sound key) or nasal vowels typed as they sound ("dołonczyć"). A typo of a synonym variant
reaches the group's form.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping

from rapidfuzz import fuzz, process

from bot.polish import sound_key

FUZZY_MIN_LENGTH = 4  # shorter stems must match exactly: "kosz" is not "koszt"
FUZZY_CUTOFF = 80.0
FUZZY_LIMIT = 5
RESPELLED_SIMILARITY = 0.9  # "dołonczyć" typed for "dołączyć"
SOUND_ALIKE_SIMILARITY = 0.85  # "morze" typed for "może"
CACHE_SIZE = 4096


class Spelling:
    """Known stems close to a word, with a similarity of 0-1 (1 for the stem itself)."""

    def __init__(self, known: Collection[str], aliases: Mapping[str, tuple[str, ...]],
                 respellings: Callable[[str], list[str]]) -> None:
        self._known = known
        # A synonym variant misspelt ("pszystąpić") still leads to its group's form.
        self._aliases = {variant: canonical for variant, canonical in aliases.items()
                         if variant not in known and all(t in known for t in canonical)}
        self._respellings = respellings
        stems = sorted(set(known) | self._aliases.keys())
        # fuzz.ratio >= 80 needs the shorter stem to be at least 2/3 of the longer one, so a
        # word is only compared with stems of a compatible length.
        self._stems_by_length: dict[int, list[str]] = defaultdict(list)
        self._by_sound: dict[str, list[str]] = defaultdict(list)
        for stem in stems:
            if len(stem) >= FUZZY_MIN_LENGTH:
                self._stems_by_length[len(stem)].append(stem)
            self._by_sound[sound_key(stem)].append(stem)
        self._cache: dict[str, dict[str, float]] = {}
        self._nearby_cache: dict[int, list[str]] = {}  # by word length, filled on first use

    def similar(self, token: str) -> dict[str, float]:
        """Known stems close to `token`, with a similarity of 0-1 (1 for the same stem)."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        known = token in self._known
        if len(token) >= FUZZY_MIN_LENGTH:
            for choice, value, _ in process.extract(
                token, self._nearby(len(token)), scorer=fuzz.ratio,
                score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT,
            ):
                # A word the knowledge uses is taken as written: it is only bridged to other
                # forms of itself ("spotk"/"spotkan"), not to look-alikes ("spoldzieln" is
                # not "spoldzielc"). Unknown words may be typos of anything close.
                if known and not (choice.startswith(token) or token.startswith(choice)):
                    continue
                self._add(found, choice, (value / 100.0) ** 2)  # a near miss is weaker evidence
        if known:
            found[token] = 1.0
        else:
            for respelled in self._respellings(token):
                if respelled in self._known or respelled in self._aliases:
                    self._add(found, respelled, RESPELLED_SIMILARITY)
            for sounding in self._by_sound.get(sound_key(token), ()):
                self._add(found, sounding, SOUND_ALIKE_SIMILARITY)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = found
        return found

    def _nearby(self, length: int) -> list[str]:
        """Stems whose length allows fuzz.ratio >= 80 with a word of `length` letters."""
        stems = self._nearby_cache.get(length)
        if stems is None:
            stems = [stem for size in range(math.ceil(length * 2 / 3), length * 3 // 2 + 1)
                     for stem in self._stems_by_length.get(size, ())]
            self._nearby_cache[length] = stems
        return stems

    def _add(self, found: dict[str, float], stem: str, value: float) -> None:
        for target in self._aliases.get(stem, (stem,)):
            if value > found.get(target, 0.0):
                found[target] = value
