#!/usr/bin/env python3
"""Start the helpline bot: `python run_bot.py [--config PATH]`, or `--console` to chat in
the terminal without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import sys

from bot.config import (
    DEFAULT_CONFIG,
    ConfigError,
    Settings,
    check_telegram_ready,
    config_path,
    load_settings,
)
from bot.console import run_console
from bot.instance_lock import AlreadyRunning, InstanceLock
from bot.loader import KnowledgeError, load_valid_knowledge
from bot.matcher import Matcher


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG} if present)")
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    return parser.parse_args(argv)


def run_telegram(settings: Settings) -> int:
    from bot.tg.app import build_application  # the console must work without the channel
    from bot.tg.runner import run_until_signal

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    with InstanceLock(settings.storage.path):  # before the database is opened or migrated
        application = build_application(settings)
        asyncio.run(run_until_signal(application, settings))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        settings = load_settings(config_path(args.config))
        if args.console:
            knowledge = load_valid_knowledge(settings.knowledge.path)
            matcher = Matcher(knowledge, settings.matcher.thresholds())
            return run_console(matcher, sys.stdin, sys.stdout)
        check_telegram_ready(settings)
        return run_telegram(settings)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        return 1
    except AlreadyRunning as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
