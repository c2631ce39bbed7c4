#!/usr/bin/env python3
"""Print the matcher's accuracy on evaluation sets (default: tests/data/*.yaml eval files).

Usage: python bench/eval_matcher.py [EVAL_YAML ...] [--knowledge PATH] [--misses]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.loader import load_valid_knowledge
from bot.matcher import Matcher

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [ROOT / "tests/data/dev.yaml", ROOT / "tests/data/holdout.yaml",
                ROOT / "tests/data/fresh.yaml"]


def evaluate(matcher: Matcher, path: Path, show_misses: bool) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [(q, c["ids"]) for c in data["in_scope"] for q in c["q"]]
    right = in_suggestions = 0
    for question, ids in cases:
        result = matcher.match(question)
        if result.status == "answer" and result.entry and result.entry.id in ids:
            right += 1
            continue
        if any(s.entry.id in ids for s in result.suggestions):
            in_suggestions += 1
        if show_misses:
            got = result.entry.id if result.entry else None
            sugg = [(s.entry.id, s.score) for s in result.suggestions]
            print(f"  MISS {question!r} want {ids[0]}: {result.status} {got} {result.score} {sugg}")
    false = 0
    for question in data.get("out_of_scope", []):
        result = matcher.match(question)
        if result.status == "answer":
            false += 1
            if show_misses:
                print(f"  FALSE {question!r}: {result.entry.id} {result.score}")  # type: ignore
    n, m = len(cases), len(data.get("out_of_scope", []))
    print(f"{path.name}: answered right {right}/{n} ({right / n:.1%}), right one suggested "
          f"{in_suggestions}, out-of-scope answered {false}/{m} ({false / max(m, 1):.1%})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sets", nargs="*", type=Path)
    parser.add_argument("--knowledge", default=str(ROOT / "knowledge"))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    matcher = Matcher(load_valid_knowledge(args.knowledge))
    for path in args.sets or [p for p in DEFAULT_SETS if p.exists()]:
        evaluate(matcher, path, args.misses)


if __name__ == "__main__":
    main()
