"""Character n-gram similarity between a message and each entry's phrasings taken together.

A view of the text independent of the stemmer and the fuzzy matching: pieces of three
letters of each word ("klastrze" gives " kl", "kla", "las", …), weighted by how rare they are
across entries (TF-IDF), compared by cosine. A misspelt or oddly inflected word still shares
most of its pieces with the right one ("pszystapienie" and "przystapienie").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np

from bot.polish import COURTESY_WORDS, STOP_WORDS, fold

SIZES = (3,)  # pieces of three letters; four-letter ones added nothing in cross-validation


def word_pieces(words: Iterable[str]) -> Counter[str]:
    """Letter pieces of each word, padded with a space on both sides ("klaster" gives " kl",
    "kla", …, "er ")."""
    return Counter(chain.from_iterable(map(_pieces_of_word, words)))


@lru_cache(maxsize=20_000)  # the bundled knowledge has about 8,000 distinct words
def _pieces_of_word(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(padded[i:i + size] for size in SIZES for i in range(len(padded) - size + 1))


def grams(text: str) -> Counter[str]:
    """Letter pieces of the meaningful words of a text (folded, stop words dropped)."""
    return word_pieces(word for word in fold(text).split()
                       if word not in STOP_WORDS and word not in COURTESY_WORDS)


# An index rebuild after a knowledge edit meets thousands of unchanged phrasings again.
_phrasing_grams = lru_cache(maxsize=20_000)(grams)  # ~2.5 times the bundled phrasings


class CharGrams:
    """Each entry's phrasings as one TF-IDF vector of letter pieces."""

    def __init__(self, entries: Iterable[Sequence[str]]) -> None:
        counts = []
        for texts in entries:
            count: Counter[str] = Counter()
            for text in texts:
                count.update(_phrasing_grams(text))
            counts.append(count)
        frequency = Counter(g for c in counts for g in c)
        total = max(len(counts), 1)
        self._idf = {g: math.log(1 + total / n) for g, n in frequency.items()}
        self._unseen_idf = math.log(1 + total)  # a piece no entry has is as rare as can be
        self._columns = {g: i for i, g in enumerate(self._idf)}
        # Each entry's unit vector as its pieces' columns (sorted) and values: a message's
        # pieces are then found in it by one binary search, not one lookup each.
        self._vectors: list[tuple[np.ndarray, np.ndarray]] = []
        for c in counts:
            columns = np.fromiter((self._columns[g] for g in c), dtype=np.intp, count=len(c))
            values = np.fromiter(((1 + math.log(n)) * self._idf[g] for g, n in c.items()),
                                 dtype=float, count=len(c))
            order = np.argsort(columns)
            norm = math.sqrt(float(values @ values)) or 1.0
            self._vectors.append((columns[order], values[order] / norm))

    def similarities(self, text: str, entries: Iterable[int]) -> dict[int, float]:
        """Cosine (0-1) between the text and each of the given entries."""
        query = {g: (1 + math.log(n)) * self._idf.get(g, self._unseen_idf)
                 for g, n in grams(text).items()}
        norm = math.sqrt(sum(v * v for v in query.values()))
        if not norm:
            return dict.fromkeys(entries, 0.0)
        known = [(self._columns[g], v) for g, v in query.items() if g in self._columns]
        asked = np.array([c for c, _ in known], dtype=np.intp)
        weights = np.array([v for _, v in known], dtype=float)
        found = {}
        for entry in entries:
            columns, values = self._vectors[entry]
            if not len(asked) or not len(columns):
                found[entry] = 0.0
                continue
            at = np.minimum(np.searchsorted(columns, asked), len(columns) - 1)
            shared = columns[at] == asked
            found[entry] = float(weights[shared] @ values[at[shared]]) / norm
        return found
