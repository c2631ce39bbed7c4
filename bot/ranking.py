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
    1.085, 3.302, 1.106, 3.004, 1.137, 0.653, 0.837, 1.486, 0.817, 1.107, 2.301, 0.457,
    2.767, 2.907, -1.159, -0.557, 5.338, 0.0, 0.0,
)
QUESTION_WEIGHTS: tuple[float, ...] = (
    6.321, -0.613, 1.763, 0.306, 0.848, 1.453, 0.908, 1.409, 0.923, 1.504, -1.933, 0.0,
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
