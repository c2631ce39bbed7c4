"""How typical a message's words are of each entry: a naive Bayes view of the phrasings.

Lexical overlap asks whether one phrasing covers the message; this asks how often each entry's
phrasings use the message's words, so every word of a long message counts, and words an entry
uses all the time count most for it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

SMOOTHING = 0.5  # added to every word count (Laplace-style), so unseen words are not fatal


class Typicality:
    """Word log-chances per entry and in the knowledge at large, from the phrasings' stems."""

    def __init__(self, phrasings: Iterable[tuple[int, Sequence[str]]], entries: int) -> None:
        uses: list[Counter[str]] = [Counter() for _ in range(entries)]
        for entry, tokens in phrasings:
            uses[entry].update(tokens)
        everywhere: Counter[str] = Counter()
        for counts in uses:
            everywhere.update(counts)
        vocabulary = max(len(everywhere), 1)
        totals = [sum(c.values()) + SMOOTHING * vocabulary for c in uses]
        self._log_chance = [{t: math.log((n + SMOOTHING) / total) for t, n in c.items()}
                            for c, total in zip(uses, totals, strict=True)]
        self._unseen = [math.log(SMOOTHING / total) for total in totals]
        overall = sum(everywhere.values()) + SMOOTHING * vocabulary
        self._background = {t: math.log((n + SMOOTHING) / overall) for t, n in everywhere.items()}

    def posteriors(self, evidence: Sequence[tuple[str, float]], entries: Sequence[int],
                   words: int) -> tuple[dict[int, float], float]:
        """Each entry's posterior (0-1) given the known stems of a message, each counted at a
        similarity weight; and how much more typical of its likeliest entry than of the
        knowledge at large those stems are (log-ratio per word of the `words` in the message,
        0 when nothing is known)."""
        if not evidence or not entries:
            return dict.fromkeys(entries, 0.0), 0.0
        logs = {}
        for entry in entries:
            chances, unseen = self._log_chance[entry], self._unseen[entry]
            logs[entry] = sum(value * chances.get(stem, unseen) for stem, value in evidence)
        top = max(logs.values())
        exps = {e: math.exp(v - top) for e, v in logs.items()}
        total = sum(exps.values())
        background = sum(value * self._background[stem] for stem, value in evidence)
        return {e: v / total for e, v in exps.items()}, (top - background) / max(words, 1)
