"""Turns the matcher's evidence about each candidate entry into probabilities.

A conditional logit: each candidate's utility is a weighted sum of its features, and a "none
of them" alternative (the question is out of scope) has a utility from features of the
question as a whole. A softmax over both gives each entry's probability of being the one
asked about. The weights are fitted by `bench/fit_ranker.py` on the evaluation sets in
tests/data (the lead's final set is never used) and pasted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# Per candidate entry (see Matcher._features for what each one measures).
ENTRY_FEATURES = (
    "lifted", "phrasing", "known", "sentence", "form_fit", "form_best", "long_lifted",
    "long_sentence", "long_known", "smalltalk", "typical", "long_typical", "chars",
    "chars_asked", "missed", "long_missed", "support",
)
# Per question, for the "none of them" alternative.
QUESTION_FEATURES = ("bias", "long", "unknown_share", "top_lifted", "top_known", "unknown_words",
                     "top_phrasing", "has_form", "typical_lift", "out_of_scope_word",
                     "length")

ENTRY_WEIGHTS: tuple[float, ...] = (
    1.052, 3.291, 1.132, 2.975, 1.151, 0.661, 0.836, 1.493, 0.814, 1.115, 2.298, 0.456,
    2.775, 2.915, -1.162, -0.556, 5.409,
)
QUESTION_WEIGHTS: tuple[float, ...] = (
    6.320, -0.614, 1.769, 0.310, 0.853, 1.452, 0.912, 1.418, 0.921, 1.503, -1.940,
)


def probabilities(candidates: Sequence[Sequence[float]], question: Sequence[float]
                  ) -> tuple[list[float], float]:
    """Each candidate's probability, and the probability that none of them is meant."""
    utilities = [sum(w * f for w, f in zip(ENTRY_WEIGHTS, row, strict=True))
                 for row in candidates]
    none = sum(w * f for w, f in zip(QUESTION_WEIGHTS, question, strict=True))
    top = max([none, *utilities])
    exps = [math.exp(u - top) for u in utilities]
    none_exp = math.exp(none - top)
    total = sum(exps) + none_exp
    return [e / total for e in exps], none_exp / total
