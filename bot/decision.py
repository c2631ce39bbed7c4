"""How sure the matcher may be that its top entry is the one meant: answer or not.

The ranker (bot/ranking.py) says how likely each entry is compared with the others and with
"none of them". Whether that is enough to answer depends on more than the top probability: a
long story spreads its evidence thin, a lead far ahead of the runner-up is safer than a near
tie, a message the top entry only half explains is often about something else. A logistic
model over those signals gives the chance (0-1) that answering the top entry is right; it is
fitted by `bench/fit_ranker.py` on the ranker's cross-validated probabilities (questions the
ranker was not fitted on), so it learns how far the ranker can be trusted on new questions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.ranking import ENTRY_FEATURES, QUESTION_FEATURES

DECISION_FEATURES = ("bias", "top", "lead", "none", "long", "long_top", "known", "chars",
                     "missed", "unknown_share", "top_lifted", "length", "classifier_lead")
DECISION_WEIGHTS: tuple[float, ...] = (
    -0.416, 0.525, 0.167, -0.014, 0.090, 0.434, 0.054, 0.092, -0.139, -0.200, -0.061, 0.388,
    0.077,
)

_KNOWN = ENTRY_FEATURES.index("known")
_CHARS = ENTRY_FEATURES.index("chars")
_MISSED = ENTRY_FEATURES.index("missed")
_LONG = QUESTION_FEATURES.index("long")
_UNKNOWN_SHARE = QUESTION_FEATURES.index("unknown_share")
_TOP_LIFTED = QUESTION_FEATURES.index("top_lifted")
_LENGTH = QUESTION_FEATURES.index("length")
_CLASSIFIER_LEAD = ENTRY_FEATURES.index("classifier_lead")
_FLOOR = 1e-6
NO_RUNNER_UP_LEAD = 5.0  # the lead (in log-odds) of a candidate with no rival at all


def _log_odds(p: float) -> float:
    p = min(max(p, _FLOOR), 1 - _FLOOR)
    return math.log(p / (1 - p))


def signals(top: float, runner_up: float, none: float, row: Sequence[float],
            question: Sequence[float]) -> list[float]:
    """The decision's inputs: the top entry's and the runner-up's probabilities, the chance
    of "none of them", the top entry's evidence row and the question's own features."""
    long = question[_LONG]
    top_odds = _log_odds(top)
    lead = top_odds - _log_odds(runner_up) if runner_up > 0 else NO_RUNNER_UP_LEAD
    return [1.0, top_odds, lead, _log_odds(none), long, long * top_odds, row[_KNOWN],
            row[_CHARS], row[_MISSED], question[_UNKNOWN_SHARE], question[_TOP_LIFTED],
            question[_LENGTH], row[_CLASSIFIER_LEAD]]


def confidence(inputs: Sequence[float]) -> float:
    """The chance (0-1) that answering with the top entry is right."""
    utility = sum(w * x for w, x in zip(DECISION_WEIGHTS, inputs, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(utility, 50.0), -50.0)))
