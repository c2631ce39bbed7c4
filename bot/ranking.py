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
    "chars_asked", "missed", "long_missed", "support", "classifier", "classifier_lead",
)
# Per question, for the "none of them" alternative.
QUESTION_FEATURES = ("bias", "long", "unknown_share", "top_lifted", "top_known", "unknown_words",
                     "top_phrasing", "has_form", "typical_lift", "out_of_scope_word",
                     "length", "classifier_best")

ENTRY_WEIGHTS: tuple[float, ...] = (
    0.931, 0.711, 1.698, 0.718, 0.822, 0.010, 0.822, 1.145, 0.157, 0.782, 0.555, 0.689,
    -0.106, -0.072, -0.294, -0.087, 1.244, 3.513, 1.269,
)
QUESTION_WEIGHTS: tuple[float, ...] = (
    0.558, -0.623, 0.245, -0.517, 0.140, 1.284, -0.762, 0.580, 1.283, 1.417, -0.733, -1.015,
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
