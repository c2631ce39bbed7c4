#!/usr/bin/env python3
"""Cross-validated study of the matcher on a tuning set: features once, weights per fold.

The evidence of every question of tests/data/*.yaml is computed once. The target set (default
blind_tune.yaml) is split in two halves (every other question of each entry, every other
out-of-scope one); the ranker is fitted on the other sets plus one half and the matcher's
decision (bot/decision.py, fitted on the ranker's own cross-validated probabilities within the
training part) is scored on the other half, both ways. Prints the five figures of
bench/eval_matcher.py for the held-out halves together, and with --misses the held-out misses.
This is `fit_ranker.py --cross-validate`, minus recomputing the evidence per fold.

Usage: python bench/cv_study.py [--target tests/data/blind_tune.yaml] [--misses]
                               [--bars 50 60 70]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import eval_matcher
import fit_ranker

from bot import decision, ranking
from bot.language import detect_language
from bot.loader import load_valid_knowledge
from bot.matcher import (
    MAX_QUERY_CHARS,
    OUT_OF_SCOPE_CATEGORY,
    Matcher,
    MatchResult,
    Thresholds,
    _distinct,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Question:
    text: str
    ids: list[str]  # empty: out of scope
    half: int  # 0 or 1 in the target set, -1 elsewhere
    target: bool
    direct: MatchResult | None = None  # decided without the ranker (language, no words)
    tokens: list[str] | None = None
    candidates: list[int] | None = None
    rows: list[list[float]] | None = None
    question: list[float] | None = None


def gather(matcher: Matcher, path: Path, target: bool) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for case in data.get("in_scope", []):
        for k, text in enumerate(case["q"]):
            found.append(Question(text, case["ids"], k % 2 if target else -1, target))
    for k, text in enumerate(data.get("out_of_scope", [])):
        found.append(Question(text, [], k % 2 if target else -1, target))
    for q in found:
        part = q.text[:MAX_QUERY_CHARS]
        full, content = matcher.normalizer.readings(part)
        tokens = _distinct(full)
        if detect_language(part) is not None or not tokens:
            q.direct = matcher.match(q.text)
            continue
        q.tokens = tokens
        q.candidates, q.rows, q.question = matcher.features(part, tokens, content)
    return found


def example(matcher: Matcher, q: Question) -> fit_ranker.Example | None:
    if q.direct is not None or q.candidates is None:
        return None
    entries = [matcher.knowledge.entries[e] for e in q.candidates]
    right = [i for i, e in enumerate(entries) if e.id in q.ids]
    if q.ids and not right:
        return None
    absorb = [] if q.ids else [i for i, e in enumerate(entries)
                               if e.category == OUT_OF_SCOPE_CATEGORY]
    decidable = [i for i, e in enumerate(entries)
                 if not e.is_smalltalk and e.category != OUT_OF_SCOPE_CATEGORY]
    return fit_ranker.Example(q.rows or [], q.question or [], right, absorb, decidable)


def decide(matcher: Matcher, q: Question) -> MatchResult:
    if q.direct is not None:
        return q.direct
    return matcher.decide(q.text, q.tokens or [], q.candidates or [], q.rows or [],
                          q.question or [])


def tally(results: list[tuple[Question, MatchResult]]) -> eval_matcher.Tally:
    t = eval_matcher.Tally()
    for q, result in results:
        t.count(q.text, q.ids, result)
    return t


def held_out(matcher: Matcher, questions: list[Question], bars: list[float],
             likelihood: list[float] | None = None
             ) -> dict[float, list[tuple[Question, MatchResult]]]:
    """Each target half decided with the ranker and the decision fitted on everything but it,
    at each answer threshold of `bars`; `likelihood` collects the held-out mean
    log-likelihood of the ranker on each half."""
    results: dict[float, list[tuple[Question, MatchResult]]] = {bar: [] for bar in bars}
    saved = ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS, decision.DECISION_WEIGHTS
    try:
        for k in (0, 1):
            train = [ex for q in questions if not (q.target and q.half == k)
                     if (ex := example(matcher, q)) is not None]
            decision.DECISION_WEIGHTS = tuple(fit_ranker.fit_decision(train))
            entry_w, question_w = fit_ranker.fit(train)
            ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS = tuple(entry_w), tuple(question_w)
            if likelihood is not None:
                test = [ex for q in questions if q.target and q.half == k
                        if (ex := example(matcher, q)) is not None]
                likelihood.append(fit_ranker.log_likelihood(test, entry_w, question_w)[0])
            for bar in bars:
                matcher.thresholds = Thresholds(answer=bar)
                results[bar] += [(q, decide(matcher, q)) for q in questions
                                 if q.target and q.half == k]
    finally:
        ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS, decision.DECISION_WEIGHTS = saved
        matcher.thresholds = Thresholds()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=Path, default=ROOT / "tests/data/blind_tune.yaml")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--bars", nargs="*", type=float, default=[],
                        help="answer thresholds to score besides the default")
    args = parser.parse_args()
    matcher = Matcher(load_valid_knowledge(ROOT / "knowledge"))
    target = args.target.resolve()
    questions = [q for path in sorted((ROOT / "tests/data").glob("*.yaml"))
                 for q in gather(matcher, path, path.resolve() == target)]
    likelihood: list[float] = []
    bars = sorted({Thresholds.answer, *args.bars})
    by_bar = held_out(matcher, questions, bars, likelihood)
    for bar in bars:
        result = tally(by_bar[bar])
        if args.misses and bar == Thresholds.answer:
            print("\n".join(result.misses))
        print(result.line(f"{target.name}, two-fold cross-validation, answer at {bar:g}"))
    print("held-out mean log-likelihood per half: "
          + ", ".join(f"{v:.3f}" for v in likelihood))


if __name__ == "__main__":
    main()
