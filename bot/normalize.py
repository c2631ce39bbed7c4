"""Turns a question into the token list the matcher compares: folded, stemmed, synonyms unified."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from bot.polish import COURTESY_WORDS, STOP_WORDS, fold, nasal_respellings, stem


def _stems(text: str) -> list[str]:
    return [stem(word) for word in fold(text).split() if word not in STOP_WORDS]


MAX_REMEMBERED_PHRASINGS = 20_000  # ~2.5 times the bundled knowledge


@lru_cache(maxsize=4)
def normalizer_for(synonym_groups: tuple[tuple[str, ...], ...]) -> Normalizer:
    """One normalizer (and its cache of readings) per set of synonym groups."""
    return Normalizer(synonym_groups)


class Normalizer:
    """Normalizes text for matching; synonym groups map every variant to the group's first form."""

    def __init__(self, synonym_groups: Iterable[Sequence[str]] = ()) -> None:
        self._replacements: dict[tuple[str, ...], tuple[str, ...]] = {}
        for group in synonym_groups:
            variants = [tuple(_stems(v)) for v in group]
            variants = [v for v in variants if v]
            if not variants:
                continue
            canonical = variants[0]
            for variant in variants[1:]:
                self._replacements.setdefault(variant, canonical)
        self._longest = max((len(v) for v in self._replacements), default=0)
        # Words that start a variant of two or more words: only after one of them is a longer
        # variant worth looking up.
        self._starts_longer = frozenset(v[0] for v in self._replacements if len(v) > 1)
        self._phrasings: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {}

    def tokens(self, text: str, *, drop_courtesy: bool = False) -> list[str]:
        """Stems of the meaningful words of `text`, with synonym phrases replaced.

        With `drop_courtesy`, greetings and thanks are removed unless nothing else is left.
        """
        full, without_courtesy = self.readings(text)
        return without_courtesy if drop_courtesy and without_courtesy is not None else full

    def readings(self, text: str) -> tuple[list[str], list[str] | None]:
        """The stems of `text`, and of its words other than greetings and thanks when it has
        both kinds (None otherwise): folded and stemmed once for the two readings."""
        full, without_courtesy = self._read(text)
        return list(full), None if without_courtesy is None else list(without_courtesy)

    def phrasing_tokens(self, text: str, *, drop_courtesy: bool = False) -> tuple[str, ...]:
        """`tokens` of a knowledge phrasing, remembered: a knowledge edit rebuilds the matcher
        from thousands of unchanged phrasings. Residents' messages are not remembered."""
        cached = self._phrasings.get(text)
        if cached is None:
            if len(self._phrasings) >= MAX_REMEMBERED_PHRASINGS:
                self._phrasings.clear()
            cached = self._phrasings[text] = self._read(text)
        full, without_courtesy = cached
        return without_courtesy if drop_courtesy and without_courtesy is not None else full

    def _read(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        words = [w for w in fold(text).split() if w not in STOP_WORDS]
        content = [w for w in words if w not in COURTESY_WORDS]
        full = tuple(self._apply_synonyms([stem(w) for w in words]))
        if not content or len(content) == len(words):
            return full, None
        return full, tuple(self._apply_synonyms([stem(w) for w in content]))

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """One-word synonym variants and what they stand for ("przystap" -> "dolacz"): a typo
        of a variant ("pszystąpić") can then still find the group's form."""
        return {variant[0]: canonical for variant, canonical in self._replacements.items()
                if len(variant) == 1}

    def respellings(self, token: str) -> list[str]:
        """Stems the token could be if its nasal vowels were typed as they sound."""
        return [s for v in nasal_respellings(token) if (s := stem(v)) != token]

    def key(self, text: str) -> str:
        """A comparable form of a phrasing: two texts with the same key say the same thing."""
        return " ".join(self.tokens(text))

    def _apply_synonyms(self, stems: list[str]) -> list[str]:
        if not self._replacements:
            return stems
        out: list[str] = []
        i = 0
        while i < len(stems):
            longest = self._longest if stems[i] in self._starts_longer else 1
            for size in range(min(longest, len(stems) - i), 0, -1):
                replacement = self._replacements.get(tuple(stems[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(stems[i])
                i += 1
        return out
