#!/usr/bin/env python3
"""Print the matcher's accuracy on evaluation sets (default: every tests/data/*.yaml).

Per set: right answer given directly; right entry in the answer or the suggestions; wrong
direct answers; out-of-scope questions answered (small talk counts: it is not a hand-off);
direct answers for messages of 16+ words.

With --matcher previous, the same figures for bot/matcher.py at commit a103625 (run on
today's knowledge and normalization); with --matcher naive, for the naive baseline of
bench/match_bench.py (rapidfuzz WRatio against each entry's question: answer at 85 or more,
suggest the best three at 60 or more).

Usage: python bench/eval_matcher.py [EVAL_YAML ...] [--knowledge PATH] [--misses]
                                    [--matcher current|previous|naive]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from match_bench import previous_matcher_module
from rapidfuzz import fuzz, process

from bot.knowledge import KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import NOT_A_QUESTION, Matcher, MatchResult, Suggestion
from bot.polish import fold

ROOT = Path(__file__).resolve().parent.parent
LONG_WORDS = 16
NAIVE_ANSWER = 85.0
NAIVE_SUGGEST = 60.0


class NaiveMatcher:
    """The baseline: the whole question against each entry's canonical question."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.entries = knowledge.entries
        self.questions = [fold(e.question) for e in knowledge.entries]

    def match(self, text: str) -> MatchResult:
        found = process.extract(fold(text), self.questions, scorer=fuzz.WRatio, limit=3)
        if found and found[0][1] >= NAIVE_ANSWER:
            return MatchResult(text, "answer", self.entries[found[0][2]], found[0][1], ())
        choices = tuple(Suggestion(self.entries[i], score) for _, score, i in found
                        if score >= NAIVE_SUGGEST)
        return MatchResult(text, "suggest" if choices else "handoff", None,
                           found[0][1] if found else 0.0, choices)


@dataclass
class Tally:
    cases: int = 0
    right: int = 0
    reachable: int = 0  # right entry answered or suggested
    wrong: int = 0
    long_cases: int = 0
    long_right: int = 0
    unrelated: int = 0
    unrelated_answered: int = 0
    unrelated_smalltalk: int = 0  # "???" or "xD" among them: a small-talk reply
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("cases", "right", "reachable", "wrong", "long_cases", "long_right",
                     "unrelated", "unrelated_answered", "unrelated_smalltalk"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count(self, question: str, ids: Sequence[str], result: MatchResult) -> None:
        """One question's result; `ids` are the entries that answer it (none: out of scope)."""
        if not ids:
            self.unrelated += 1
            # As `python -m bot match` reports them: "???" or "xD" is no answer; a greeting
            # or the help text given to an out-of-scope question is one.
            if result.status == "answer" and result.entry and result.entry.id in NOT_A_QUESTION:
                self.unrelated_smalltalk += 1
            elif result.status == "answer":
                self.unrelated_answered += 1
                self.misses.append(f"  FALSE {question!r}: {_describe(result)}")
            return
        long = len(question.split()) >= LONG_WORDS
        self.cases += 1
        self.long_cases += long
        answered = result.status == "answer" and result.entry is not None
        if answered and result.entry.id in ids:  # type: ignore[union-attr]
            self.right += 1
            self.reachable += 1
            self.long_right += long
            return
        self.wrong += answered
        self.reachable += any(s.entry.id in ids for s in result.suggestions)
        self.misses.append(f"  MISS {question!r} want {ids[0]}: {_describe(result)}")

    def line(self, name: str) -> str:
        def share(part: int, whole: int) -> str:
            return f"{part}/{whole} ({part / whole:.1%})" if whole else "-"
        return (f"{name}: direct {share(self.right, self.cases)}, in answer or suggestions "
                f"{share(self.reachable, self.cases)}, wrong direct {share(self.wrong, self.cases)}"
                f", out-of-scope answered {share(self.unrelated_answered, self.unrelated)} "
                f"(+{self.unrelated_smalltalk} non-questions), "
                f"16+ words direct {share(self.long_right, self.long_cases)}")


def _describe(result: MatchResult) -> str:
    got = result.entry.id if result.entry else None
    sugg = [(s.entry.id, s.score) for s in result.suggestions]
    return f"{result.status} {got} {result.score} {sugg} lang={getattr(result, 'language', None)}"


def evaluate(matcher: Matcher | NaiveMatcher, path: Path) -> Tally:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tally = Tally()
    for case in data.get("in_scope", []):
        for question in case["q"]:
            tally.count(question, case["ids"], matcher.match(question))
    for question in data.get("out_of_scope", []):
        tally.count(question, [], matcher.match(question))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--matcher", choices=("current", "previous", "naive"),
                        default="current")
    args = parser.parse_args()
    knowledge = load_valid_knowledge(args.knowledge)
    matcher: Matcher | NaiveMatcher = Matcher(knowledge)
    if args.matcher == "naive":
        matcher = NaiveMatcher(knowledge)
    elif args.matcher == "previous":
        previous = previous_matcher_module()
        assert previous is not None, "git show of the previous matcher failed"
        matcher = previous.Matcher(knowledge)
    total = Tally()
    for path in args.sets or sorted((ROOT / "tests/data").glob("*.yaml")):
        tally = evaluate(matcher, path)
        if args.misses:
            print("\n".join(tally.misses))
        print(tally.line(path.name))
        total.add(tally)
    print(total.line("all"))


if __name__ == "__main__":
    main()
