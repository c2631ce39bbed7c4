#!/usr/bin/env python3
"""Matcher latency and throughput on the bundled knowledge and on synthetic bases of
1,000 and 10,000 entries, next to two references measured in the same run: a naive baseline
(rapidfuzz `process.extractOne` with `WRatio` over the raw canonical questions) and the
previous matcher (bot/matcher.py at commit a103625, loaded from git into a temporary module,
so no old code is kept in the tree; it runs on today's normalization). Start-up is loading
the bundled knowledge plus indexing, each in a fresh process: once with the phrasing
classifier's model stored from an earlier start (any restart), once without (the first start
after the phrasings changed, or a fresh install: it trains the classifier).

Usage: python bench/match_bench.py [--queries N] [--sizes 1000 10000]
Targets: bundled mean <= 1.5 ms and p99 <= 5 ms per query, start-up <= 2 s;
1,000 entries p99 <= 5 ms; 10,000 entries p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge import Category, Entry, KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher
from bot.polish import fold

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS_COMMIT = "a103625"  # the matcher before "Matcher v2"
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


def previous_matcher_module() -> ModuleType | None:
    """bot/matcher.py as it was at PREVIOUS_COMMIT, imported from a temporary file."""
    try:
        source = subprocess.run(["git", "show", f"{PREVIOUS_COMMIT}:bot/matcher.py"], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "previous_matcher.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("previous_matcher", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def timed(run: Callable[[str], object], queries: list[str]) -> tuple[float, float, float]:
    """Mean and p99 latency in ms, and queries per second."""
    latencies = []
    started = time.perf_counter()
    for query in queries:
        t0 = time.perf_counter_ns()
        run(query)
        latencies.append((time.perf_counter_ns() - t0) / 1e6)
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return statistics.fmean(latencies), p99, len(queries) / elapsed


def bench(name: str, knowledge: KnowledgeBase, queries: list[str], target_ms: float,
          previous: ModuleType | None) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    matcher = Matcher(knowledge)
    build_s = time.perf_counter() - t0
    memory_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    for query in queries[:50]:  # warm caches as a running bot would have them
        matcher.match(query)
    mean, p99, qps = timed(matcher.match, queries)

    questions = [fold(e.question) for e in knowledge.entries]
    baseline = lambda q: process.extractOne(fold(q), questions, scorer=fuzz.WRatio)  # noqa: E731
    b_mean, b99, _ = timed(baseline, queries)
    old = "       -        -"
    if previous is not None:
        old_matcher = previous.Matcher(knowledge)
        for query in queries[:50]:
            old_matcher.match(query)
        o_mean, o99, _ = timed(old_matcher.match, queries)
        old = f"{o_mean:>8.3f} {o99:>8.3f}"
    verdict = "ok" if p99 <= target_ms else "OVER TARGET"
    print(f"{name:>18} {len(knowledge.entries):>7} {build_s:>8.2f} {memory_mb:>8.1f} "
          f"{mean:>8.3f} {p99:>8.3f} {qps:>9.0f}   {b_mean:>8.3f} {b99:>8.3f}   {old}   "
          f"p99 target {target_ms} ms: {verdict}")


_STARTUP = """
import time
t0 = time.perf_counter()
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher
t1 = time.perf_counter()
Matcher(load_valid_knowledge("knowledge"))
print(time.perf_counter() - t1)
"""


def startup_seconds(cache: str) -> float:
    """Load and index the bundled knowledge in a fresh process (imports not counted)."""
    done = subprocess.run([sys.executable, "-c", _STARTUP], cwd=ROOT, check=True,
                          capture_output=True, text=True,
                          env={**os.environ, "INFOLINIA_CACHE": cache})
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args()
    rng = random.Random(20261126)
    bundled = load_valid_knowledge(ROOT / "knowledge")
    with tempfile.TemporaryDirectory() as cache:
        first_start_s = startup_seconds(cache)
        restart_s = startup_seconds(cache)
    previous = previous_matcher_module()
    seed_words = sorted({w for e in bundled.entries for p in e.phrasings for w in fold(p).split()})
    print(f"start-up (load + index) of the bundled knowledge: {restart_s:.2f} s on a restart, "
          f"{first_start_s:.2f} s after its phrasings changed (target <= 2 s)")
    print(f"{'knowledge':>18} {'entries':>7} {'build s':>8} {'index MB':>8} "
          f"{'mean ms':>8} {'p99 ms':>8} {'q/s':>9}   {'naive mn':>8} {'naive 99':>8}   "
          f"{'prev mn':>8} {'prev p99':>8}")
    bench("bundled", bundled, queries_for(bundled, args.queries, rng), 5.0, previous)
    for size in args.sizes:
        knowledge = synthetic_knowledge(size, seed_words, rng)
        target = 5.0 if size <= 1000 else 50.0
        bench(f"synthetic {size}", knowledge, queries_for(knowledge, args.queries, rng), target,
              previous)


if __name__ == "__main__":
    main()
