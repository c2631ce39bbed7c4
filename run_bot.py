#!/usr/bin/env python3
"""Start the helpline: `python run_bot.py --console` chats in the terminal, no token needed."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        settings = read_settings(args.config)
        knowledge = load_valid_knowledge(settings.knowledge.path)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        return 1
    if args.console:
        return run_console(Matcher(knowledge, settings.matcher.thresholds()), sys.stdin, sys.stdout)
    if not settings.telegram.token:
        print("config error: telegram.token: missing (set it in the config or in "
              "TELEGRAM_BOT_TOKEN); to try the bot without Telegram run: "
              "python run_bot.py --console", file=sys.stderr)
        return 2
    print("The Telegram channel is not built yet; use --console.", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
