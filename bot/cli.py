"""`python -m bot check [PATH]`, `match [--knowledge PATH]` and `backup DESTINATION`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, load_settings
from bot.loader import KnowledgeError, load_knowledge, load_valid_knowledge
from bot.matcher import Matcher, MatchResult
from bot.storage import backup

DEFAULT_KNOWLEDGE = "knowledge"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate the knowledge base")
    check.add_argument("path", nargs="?", default=DEFAULT_KNOWLEDGE)
    match = commands.add_parser("match", help="match questions from stdin, JSON lines out")
    match.add_argument("--knowledge", default=DEFAULT_KNOWLEDGE)
    match.add_argument("--config", help="config file with matcher thresholds")
    save = commands.add_parser("backup", help="copy the SQLite database, safely while running")
    save.add_argument("destination")
    save.add_argument("--config", help="config file (default: config.yaml if present)")
    args = parser.parse_args(argv)
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    if args.command == "check":
        return run_check(args.path, sys.stdout)
    if args.command == "backup":
        return run_backup(args.config, args.destination, sys.stdout, sys.stderr)
    return run_match(args.knowledge, args.config, sys.stdin, sys.stdout, sys.stderr)


def run_check(path: str, out: TextIO) -> int:
    result = load_knowledge(path)
    for problem in result.problems:
        print(problem, file=out)
    kb = result.knowledge
    errors = sum(p.level == "error" for p in result.problems)
    if errors:
        print(f"Błędów: {errors}. Bot nie przyjmie tej bazy wiedzy, dopóki ich nie poprawisz.",
              file=out)
        return 1
    print(f"OK: {len(kb.entries)} wpisów w {len(kb.categories)} kategoriach, "
          f"{len(kb.synonyms)} grup synonimów, {len(kb.meetings)} spotkań.", file=out)
    return 0


def run_match(
    knowledge: str, config: str | None, lines: TextIO, out: TextIO, err: TextIO
) -> int:
    try:
        thresholds = load_settings(config, env={}).matcher.thresholds() if config else None
        matcher = Matcher(load_valid_knowledge(knowledge), thresholds)
    except ConfigError as exc:
        print(f"config: {exc}", file=err)
        return 2
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return 1
    for line in lines:
        out.write(json.dumps(result_json(matcher.match(line.rstrip("\r\n"))),
                             ensure_ascii=False) + "\n")
    out.flush()
    return 0


def result_json(result: MatchResult) -> dict[str, object]:
    return {
        "query": result.query,
        "status": result.status,
        "id": result.entry.id if result.entry else None,
        "score": result.score,
        "suggestions": [{"id": s.entry.id, "score": s.score} for s in result.suggestions],
    }


def run_backup(config: str | None, destination: str, out: TextIO, err: TextIO) -> int:
    if config is None and Path("config.yaml").exists():
        config = "config.yaml"
    try:
        source = Path(load_settings(config, env={}).storage.path)
    except ConfigError as exc:
        print(f"config error: {exc}", file=err)
        return 2
    if not source.exists():
        print(f"{source}: no database to back up", file=err)
        return 1
    backup(source, destination)
    print(f"Kopia bazy zapisana: {destination}", file=out)
    return 0
