"""`python -m bot check [PATH]`, `match`, `report`, `backup` and `haslo`: see README."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import json
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings, config_path, load_settings
from bot.insights import compute_stats
from bot.loader import KnowledgeError, load_knowledge, load_valid_knowledge
from bot.matcher import NOT_A_QUESTION, MatchResult, matcher_for
from bot.normalize import Normalizer
from bot.plural import ENTRIES, ERRORS, MEETINGS, QUESTIONS, count, out_of, plural
from bot.question_log import QuestionLog
from bot.report import render_report, unanswered_csv
from bot.storage import backup, connect
from bot.tickets import TicketDesk

REMEMBERED_LINES = 10_000  # distinct lines of `match` whose answers are kept

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
    report = commands.add_parser("report", help="HTML report of the questions, for the coordinator")
    report.add_argument("--days", type=int, default=30)
    report.add_argument("--out", default="raport.html")
    report.add_argument("--csv", help="also write the unanswered questions to this CSV file")
    report.add_argument("--config", help="config file (default: config.yaml if present)")
    commands.add_parser("haslo", help="hash a password for desk.accounts (read from stdin)")
    args = parser.parse_args(argv)
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    if args.command == "check":
        return run_check(args.path, sys.stdout)
    if args.command == "backup":
        return run_backup(args.config, args.destination, sys.stdout, sys.stderr)
    if args.command == "haslo":
        return run_password(sys.stdin, sys.stdout, sys.stderr)
    if args.command == "report":
        return run_report(args.config, args.days, args.out, args.csv, sys.stdout, sys.stderr)
    return run_match(args.knowledge, args.config, sys.stdin, sys.stdout, sys.stderr)


def run_check(path: str, out: TextIO) -> int:
    result = load_knowledge(path, near_duplicates=True)
    for problem in result.problems:
        print(problem, file=out)
    kb = result.knowledge
    errors = sum(p.level == "error" for p in result.problems)
    if errors:
        print(f"{count(errors, ERRORS).capitalize()}. Bot nie przyjmie tej bazy wiedzy, dopóki "
              "ich nie poprawisz.", file=out)
        return 1
    categories = len(kb.categories)
    print(f"OK: {count(len(kb.entries), ENTRIES)} w {categories} "
          f"{'kategorii' if categories == 1 else 'kategoriach'}, "
          f"{plural(len(kb.synonyms), 'grupa', 'grupy', 'grup')} synonimów, "
          f"{count(len(kb.meetings), MEETINGS)}.", file=out)
    return 0


def run_match(
    knowledge: str, config: str | None, lines: TextIO, out: TextIO, err: TextIO
) -> int:
    try:
        thresholds = load_settings(config, env={}).matcher.thresholds() if config else None
        matcher = matcher_for(load_valid_knowledge(knowledge), thresholds)
    except ConfigError as exc:
        print(f"config: {exc}", file=err)
        return 2
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return 1
    # A log of residents' questions repeats many of them word for word: each distinct line
    # is matched once.
    answered = lru_cache(maxsize=REMEMBERED_LINES)(
        lambda text: json.dumps(result_json(matcher.match(text)), ensure_ascii=False))
    for line in lines:
        out.write(answered(line.rstrip("\r\n")) + "\n")
    out.flush()
    return 0


def result_json(result: MatchResult) -> dict[str, object]:
    entry = result.entry
    smalltalk = entry.id if entry is not None and entry.is_smalltalk else None
    # "ok", "???": a short reply, no answer from the FAQ (issue #10 lets `match` report these
    # as `handoff`); greetings, thanks and "what can you do" are FAQ entries and stay answers.
    # Small talk never carries suggestions.
    no_answer = smalltalk in NOT_A_QUESTION
    return {
        "query": result.query,
        "status": "handoff" if no_answer else result.status,
        "id": entry.id if entry is not None and not no_answer else None,
        "score": result.score,
        "suggestions": [{"id": s.entry.id, "score": s.score} for s in result.suggestions],
        "language": result.language,  # "en", "uk", "ru", "de" or null (Polish)
        "smalltalk": smalltalk,  # the small-talk entry the bot replies with, else null
    }


def _settings(config: str | None, err: TextIO) -> Settings | None:
    try:
        return load_settings(config_path(config), env={})
    except ConfigError as exc:
        print(f"config error: {exc}", file=err)
        return None


def run_report(config: str | None, days: int, out_path: str, csv_path: str | None,
               out: TextIO, err: TextIO) -> int:
    settings = _settings(config, err)
    if settings is None:
        return 2
    if days < 1:
        print("--days: must be at least 1", file=err)
        return 2
    try:
        knowledge = load_valid_knowledge(settings.knowledge.path)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        return 1
    connection = connect(settings.storage.path)
    now = dt.datetime.now(dt.UTC)
    stats = compute_stats(QuestionLog(connection), TicketDesk(connection),
                          Normalizer(knowledge.synonyms), now, days)
    page = render_report(stats, knowledge, now, cluster_of=settings.cluster.name_genitive,
                         cluster=settings.cluster.name)
    Path(out_path).write_text(page, encoding="utf-8")
    print(f"Raport zapisany: {out_path} ({count(stats.questions, QUESTIONS)} z "
          f"{out_of(days, 'dnia', 'dni')})", file=out)
    if csv_path:
        # utf-8-sig: Excel then shows Polish letters right
        Path(csv_path).write_text(unanswered_csv(stats), encoding="utf-8-sig")
        print(f"Pytania bez odpowiedzi: {csv_path}", file=out)
    return 0


MIN_PASSWORD = 10


def run_password(lines: TextIO, out: TextIO, err: TextIO) -> int:
    """Read a password (without echo when typed at a terminal) and print its hash for
    `desk.accounts[].password_hash`."""
    from bot.desk.passwords import hash_password

    if lines.isatty():
        password = getpass.getpass("Hasło: ")
        if getpass.getpass("Powtórz hasło: ") != password:
            print("Hasła się różnią. Nic nie zapisałem.", file=err)
            return 1
    else:
        password = lines.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        print(f"Hasło musi mieć co najmniej {MIN_PASSWORD} znaków.", file=err)
        return 1
    print(hash_password(password), file=out)
    if lines.isatty():
        print("Wpisz ten skrót w config.yaml (desk.accounts), np.:\n  desk:\n    accounts:\n"
              "      - login: anna\n        password_hash: \"<skrót>\"\ni uruchom bota "
              "ponownie.", file=err)
    return 0


def run_backup(config: str | None, destination: str, out: TextIO, err: TextIO) -> int:
    settings = _settings(config, err)
    if settings is None:
        return 2
    source = Path(settings.storage.path)
    if not source.exists():
        print(f"{source}: no database to back up", file=err)
        return 1
    backup(source, destination)
    print(f"Kopia bazy zapisana: {destination}", file=out)
    return 0
