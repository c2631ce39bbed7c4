#!/usr/bin/env python3
"""Matcher latency and throughput on the bundled knowledge and on synthetic bases of
1,000 and 10,000 entries, next to a naive baseline measured in the same run:
rapidfuzz `process.extractOne` with `WRatio` over the raw canonical questions.

Usage: python bench/match_bench.py [--queries N] [--sizes 1000 10000]
Targets (p99 per query): bundled <= 2 ms, 1,000 entries <= 5 ms, 10,000 entries <= 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge import Category, Entry, KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher
from bot.polish import fold

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = ("ka", "ro", "mi", "sta", "lo", "prze", "wy", "nie", "cz", "dzi", "en", "gmi",
             "po", "kla", "ster", "ow", "ski", "ny", "ra", "ta", "zo", "we", "ce", "la")


def synthetic_knowledge(size: int, seed_words: list[str], rng: random.Random) -> KnowledgeBase:
    """A bigger base in the bundled one's style: real words mixed with made-up ones."""
    invented = {"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(size * 3)}
    words = seed_words + sorted(invented)
    entries = []
    for index in range(size):
        topic = rng.sample(words, 3)
        phrasings = [" ".join(topic + rng.sample(words, rng.randint(1, 3))) for _ in range(9)]
        entries.append(Entry(id=f"syn.{index}", category="syn", question=phrasings[0],
                             answer="-", alternates=tuple(phrasings[1:]), source=("bench",),
                             checked=dt.date(2026, 1, 1)))
    return KnowledgeBase((Category("syn", "Syntetyczne"),), tuple(entries))


def queries_for(knowledge: KnowledgeBase, count: int, rng: random.Random) -> list[str]:
    """Phrasings with typos and dropped words, plus unrelated text: what residents send."""
    phrasings = [p for e in knowledge.entries for p in e.phrasings]
    queries = []
    for _ in range(count):
        words = rng.choice(phrasings).split()
        if len(words) > 2 and rng.random() < 0.5:
            words.pop(rng.randrange(len(words)))
        if rng.random() < 0.4:
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 3:
                j = rng.randrange(len(w) - 1)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        if rng.random() < 0.15:
            words = rng.sample(["pogoda", "pociag", "bilet", "pies", "sklep", "godzina"], 2)
        queries.append(" ".join(words))
    return queries


def timed(run, queries: list[str]) -> tuple[float, float, float]:
    """p50 and p99 latency in ms, and queries per second."""
    latencies = []
    started = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter_ns()
        run(query)
        latencies.append((time.perf_counter_ns() - t0) / 1e6)
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return statistics.median(latencies), p99, len(queries) / elapsed


def bench(name: str, knowledge: KnowledgeBase, queries: list[str], target_ms: float) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    matcher = Matcher(knowledge)
    build_s = time.perf_counter() - t0
    memory_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    for query in queries[:50]:  # warm caches as a running bot would have them
        matcher.match(query)
    p50, p99, qps = timed(matcher.match, queries)

    questions = [fold(e.question) for e in knowledge.entries]
    baseline = lambda q: process.extractOne(fold(q), questions, scorer=fuzz.WRatio)  # noqa: E731
    b50, b99, bqps = timed(baseline, queries)
    verdict = "ok" if p99 <= target_ms else "OVER TARGET"
    print(f"{name:>18} {len(knowledge.entries):>7} {build_s:>8.2f} {memory_mb:>8.1f} "
          f"{p50:>8.3f} {p99:>8.3f} {qps:>9.0f}   {b50:>8.3f} {b99:>8.3f} {bqps:>9.0f}   "
          f"p99 target {target_ms} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args()
    rng = random.Random(20261126)
    bundled = load_valid_knowledge(ROOT / "knowledge")
    seed_words = sorted({w for e in bundled.entries for p in e.phrasings for w in fold(p).split()})
    print(f"{'knowledge':>18} {'entries':>7} {'build s':>8} {'index MB':>8} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'q/s':>9}   {'base p50':>8} {'base p99':>8} "
          f"{'base q/s':>9}")
    bench("bundled", bundled, queries_for(bundled, args.queries, rng), 2.0)
    for size in args.sizes:
        knowledge = synthetic_knowledge(size, seed_words, rng)
        target = 5.0 if size <= 1000 else 50.0
        bench(f"synthetic {size}", knowledge, queries_for(knowledge, args.queries, rng), target)


if __name__ == "__main__":
    main()
