#!/usr/bin/env python3
"""Fit the weights of bot/ranking.py (a conditional logit) on evaluation sets.

Each in-scope question teaches which candidate is right; each out-of-scope one teaches the
"none of them" alternative. Prints the weights (--write puts them into bot/ranking.py), and
the log-likelihood on the held-out sets when --test is given (for an honest estimate, fit on
some sets and test on others). Pure Python: a few seconds, no extra dependencies.

With --cross-validate SET.yaml, an honest estimate instead: SET is split in two halves
(every other question); the weights are fitted on the other sets plus one half and the
matcher is scored on the other half, both ways. Nothing is written.

Usage: python bench/fit_ranker.py [--train A.yaml ...] [--test B.yaml ...] [--write]
       python bench/fit_ranker.py --cross-validate tests/data/blind_tune.yaml
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import eval_matcher

from bot import decision, ranking
from bot.language import detect_language
from bot.loader import load_valid_knowledge
from bot.matcher import MAX_QUERY_CHARS, OUT_OF_SCOPE_CATEGORY, Matcher, Thresholds, _distinct

ROOT = Path(__file__).resolve().parent.parent
L2 = 0.0003
STEPS = 300
RATE = 0.2
# An out-of-scope question counts this many times in the fit: they are few (a fifth of the
# questions) and an answer to one is the costlier mistake.
OUT_OF_SCOPE_WEIGHT = 1.0
DECISION_STEPS = 400
DECISION_FOLDS = 2  # the decision learns from the ranker fitted on the rest of each fold
DECISION_L2 = 0.001


@dataclass
class Example:
    rows: list[list[float]]
    question: list[float]
    right: list[int]  # positions of correct candidates; empty for out of scope
    # out of scope: positions of candidates that are known out-of-scope topics (right too)
    absorb: list[int]
    # positions of candidates an answer may come from (not small talk, not out of scope)
    decidable: list[int] = field(default_factory=list)


def examples(matcher: Matcher, path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [(q, c["ids"]) for c in data.get("in_scope", []) for q in c["q"]]
    cases += [(q, []) for q in data.get("out_of_scope", [])]
    found = []
    for text, ids in cases:
        part = text[:MAX_QUERY_CHARS]
        if detect_language(part) is not None:
            continue
        full, content = matcher.normalizer.readings(part)
        tokens = _distinct(full)
        if not tokens:
            continue
        candidates, rows, question = matcher.features(part, tokens, content)
        entries = [matcher.knowledge.entries[e] for e in candidates]
        right = [i for i, e in enumerate(entries) if e.id in ids]
        if ids and not right:
            continue  # the right entry is not even a candidate: nothing to learn from
        absorb = [] if ids else [i for i, e in enumerate(entries)
                                 if e.category == OUT_OF_SCOPE_CATEGORY]
        decidable = [i for i, e in enumerate(entries)
                     if not e.is_smalltalk and e.category != OUT_OF_SCOPE_CATEGORY]
        found.append(Example(rows, question, right, absorb, decidable))
    return found


def log_likelihood(data: list[Example], entry_w: list[float], question_w: list[float]
                   ) -> tuple[float, list[float], list[float]]:
    """Mean log-likelihood and its gradient."""
    total = weights = 0.0
    grad_e = [0.0] * len(entry_w)
    grad_q = [0.0] * len(question_w)
    for ex in data:
        weight = 1.0 if ex.right else OUT_OF_SCOPE_WEIGHT
        weights += weight
        utilities = [sum(w * f for w, f in zip(entry_w, row, strict=True)) for row in ex.rows]
        none = sum(w * f for w, f in zip(question_w, ex.question, strict=True))
        top = max([none, *utilities])
        exps = [math.exp(u - top) for u in utilities]
        none_exp = math.exp(none - top)
        z = sum(exps) + none_exp
        probs = [e / z for e in exps]
        p_none = none_exp / z
        if ex.right:
            p_right = sum(probs[i] for i in ex.right)
            total += weight * math.log(max(p_right, 1e-12))
            for i in ex.right:
                share = weight * probs[i] / max(p_right, 1e-12)
                for k, f in enumerate(ex.rows[i]):
                    grad_e[k] += share * f
            target_none = 0.0
        else:
            p_right = p_none + sum(probs[i] for i in ex.absorb)
            total += weight * math.log(max(p_right, 1e-12))
            for i in ex.absorb:
                share = weight * probs[i] / max(p_right, 1e-12)
                for k, f in enumerate(ex.rows[i]):
                    grad_e[k] += share * f
            target_none = p_none / max(p_right, 1e-12)
        for p, row in zip(probs, ex.rows, strict=True):
            for k, f in enumerate(row):
                grad_e[k] -= weight * p * f
        for k, f in enumerate(ex.question):
            grad_q[k] += weight * (target_none - p_none) * f
    n = max(weights, 1.0)
    return (total / n, [g / n - L2 * w for g, w in zip(grad_e, entry_w, strict=True)],
            [g / n - L2 * w for g, w in zip(grad_q, question_w, strict=True)])


def fit(data: list[Example]) -> tuple[list[float], list[float]]:
    """Adam ascent on the log-likelihood, from the weights in bot/ranking.py."""
    weights = list(ranking.ENTRY_WEIGHTS) + list(ranking.QUESTION_WEIGHTS)
    split = len(ranking.ENTRY_WEIGHTS)
    m = [0.0] * len(weights)
    v = [0.0] * len(weights)
    for step in range(1, STEPS + 1):
        _, grad_e, grad_q = log_likelihood(data, weights[:split], weights[split:])
        for k, g in enumerate(grad_e + grad_q):
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            weights[k] += RATE * (m[k] / (1 - 0.9**step)) / (math.sqrt(v[k] / (1 - 0.999**step))
                                                             + 1e-8)
    return weights[:split], weights[split:]


def decision_samples(train: list[Example], test: list[Example]
                     ) -> list[tuple[list[float], float]]:
    """(decision inputs, 1 if answering the top entry is right) for each `test` question
    whose top entry could be answered, with the ranker fitted on `train`."""
    entry_w, question_w = fit(train)
    saved = ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS
    ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS = tuple(entry_w), tuple(question_w)
    try:
        samples = []
        for ex in test:
            probs, none = ranking.probabilities(ex.rows, ex.question)
            order = sorted(range(len(probs)), key=lambda i: -probs[i])
            if not order or order[0] not in ex.decidable:
                continue
            runner_up = probs[order[1]] if len(order) > 1 else 0.0
            inputs = decision.signals(probs[order[0]], runner_up, none, ex.rows[order[0]],
                                      ex.question)
            samples.append((inputs, 1.0 if order[0] in ex.right else 0.0))
        return samples
    finally:
        ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS = saved


def fit_decision(data: list[Example]) -> list[float]:
    """Weights of bot/decision.py from the ranker's two-fold cross-validated probabilities on
    `data` (how often its top entry is right on questions it was not fitted on)."""
    samples = [s for k in range(DECISION_FOLDS)
               for s in decision_samples([ex for i, ex in enumerate(data)
                                          if i % DECISION_FOLDS != k],
                                         data[k::DECISION_FOLDS])]
    weights = [0.0] * len(decision.DECISION_FEATURES)
    m = [0.0] * len(weights)
    v = [0.0] * len(weights)
    for step in range(1, DECISION_STEPS + 1):
        grad = [0.0] * len(weights)
        for inputs, right in samples:
            utility = sum(w * x for w, x in zip(weights, inputs, strict=True))
            p = 1.0 / (1.0 + math.exp(-max(min(utility, 50.0), -50.0)))
            for k, x in enumerate(inputs):
                grad[k] += (right - p) * x
        for k, g in enumerate(grad):
            g = g / max(len(samples), 1) - DECISION_L2 * weights[k]
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            weights[k] += 0.05 * (m[k] / (1 - 0.9**step)) / (math.sqrt(v[k] / (1 - 0.999**step))
                                                             + 1e-8)
    return weights


def cross_validate(matcher: Matcher, path: Path, others: list[Path]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    folder = Path(tempfile.mkdtemp())
    halves = []
    for k in (0, 1):
        half = {"in_scope": [{"ids": c["ids"], "q": c["q"][k::2]} for c in data["in_scope"]],
                "out_of_scope": data.get("out_of_scope", [])[k::2]}
        halves.append(folder / f"half{k}.yaml")
        halves[-1].write_text(yaml.safe_dump(half, allow_unicode=True), encoding="utf-8")
    fitted = [[ex for p in [*others, halves[1 - k]] for ex in examples(matcher, p)]
              for k in (0, 1)]
    total = eval_matcher.Tally()
    saved = ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS, decision.DECISION_WEIGHTS
    try:
        for k in (0, 1):
            decision_w = fit_decision(fitted[k])
            entry_w, question_w = fit(fitted[k])
            ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS = tuple(entry_w), tuple(question_w)
            decision.DECISION_WEIGHTS = tuple(decision_w)
            total.add(eval_matcher.evaluate(Matcher(matcher.knowledge, Thresholds()), halves[k]))
    finally:
        ranking.ENTRY_WEIGHTS, ranking.QUESTION_WEIGHTS, decision.DECISION_WEIGHTS = saved
    print(total.line(f"{path.name}, two-fold cross-validation"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", nargs="*", type=Path)
    parser.add_argument("--test", nargs="*", type=Path, default=[])
    parser.add_argument("--cross-validate", type=Path)
    parser.add_argument("--write", action="store_true",
                        help="write the fitted weights into bot/ranking.py")
    args = parser.parse_args()
    train_sets = args.train or sorted((ROOT / "tests/data").glob("*.yaml"))
    matcher = Matcher(load_valid_knowledge(ROOT / "knowledge"))
    if args.cross_validate:
        target = args.cross_validate.resolve()
        cross_validate(matcher, target, [p for p in train_sets if p.resolve() != target])
        return
    train = [ex for path in train_sets for ex in examples(matcher, path)]
    decision_w = fit_decision(train)
    entry_w, question_w = fit(train)
    print(f"trained on {len(train)} questions from {', '.join(p.name for p in train_sets)}: "
          f"mean log-likelihood {log_likelihood(train, entry_w, question_w)[0]:.3f}")
    for path in args.test:
        test = examples(matcher, path)
        print(f"  {path.name}: mean log-likelihood "
              f"{log_likelihood(test, entry_w, question_w)[0]:.3f}")
    for module, blocks in (("bot/ranking.py", (("ENTRY_WEIGHTS", entry_w),
                                                ("QUESTION_WEIGHTS", question_w))),
                           ("bot/decision.py", (("DECISION_WEIGHTS", decision_w),))):
        source = (ROOT / module).read_text(encoding="utf-8")
        for name, weights in blocks:
            block = f"{name}: tuple[float, ...] = (\n{_wrapped(weights)}\n)"
            print(block)
            source = re.sub(rf"{name}: tuple\[float, \.\.\.\] = \(\n.*?\n\)", block,
                            source, count=1, flags=re.DOTALL)
        if args.write:
            (ROOT / module).write_text(source, encoding="utf-8")
            print(f"written to {module}")


def _wrapped(weights: list[float]) -> str:
    """The weights as lines of at most 12, indented, each ending with a comma."""
    lines = [weights[i:i + 12] for i in range(0, len(weights), 12)]
    return "\n".join("    " + " ".join(f"{w:.3f}," for w in line) for line in lines)


if __name__ == "__main__":
    main()
