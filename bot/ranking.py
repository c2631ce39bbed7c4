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
    0.806, 0.567, 1.908, 0.916, 0.208, 0.123, 1.005, 1.092, 0.092, 0.777, 0.376, 0.748,
    0.338, 0.399, -0.364, -0.148, 1.150, 3.982, 0.805,
)
QUESTION_WEIGHTS: tuple[float, ...] = (
    1.004, -0.412, 0.386, -0.758, 0.218, 1.164, -1.068, 0.540, 1.514, 1.493, -0.833, -1.202,
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
