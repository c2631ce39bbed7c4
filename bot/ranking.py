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
    0.836, 2.941, 1.320, 3.905, 2.542, 0.040, 0.163, 1.122, 0.142, 1.399, 2.282, 1.190,
    2.025, 2.297, -1.184, 0.218, 5.116,
)
QUESTION_WEIGHTS: tuple[float, ...] = (
    5.681, -0.913, 2.577, 1.177, 1.181, 1.934, 1.398, 1.912, 0.657, 0.953, -2.445,
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
