#!/usr/bin/env python3
"""Start the helpline bot: `python run_bot.py [--config PATH]`, or `--console` to chat in
the terminal without Telegram."""

from __future__ import annotations

import argparse
import io
import logging
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, check_telegram_ready, load_settings
from bot.console import run_console
from bot.loader import KnowledgeError, load_valid_knowledge
from bot.matcher import Matcher

DEFAULT_CONFIG = "config.yaml"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG} if present)")
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    return parser.parse_args(argv)


def read_settings(config: str | None) -> Settings:
    if config is None and Path(DEFAULT_CONFIG).exists():
        config = DEFAULT_CONFIG
    return load_settings(config)


def run_telegram(settings: Settings) -> int:
    from bot.tg.app import build_application  # the console must work without the channel

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    build_application(settings).run_polling(allowed_updates=["message", "callback_query"])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        settings = read_settings(args.config)
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


if __name__ == "__main__":
    raise SystemExit(main())
