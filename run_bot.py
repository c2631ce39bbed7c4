#!/usr/bin/env python3
"""Start the helpline bot: `python run_bot.py [--config PATH]`, `--console` to chat in the
terminal without Telegram, or `--web` to serve the web chat (beside Telegram when a token is
configured)."""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

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
from bot.matcher import matcher_for


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG} if present)")
    parser.add_argument("--console", action="store_true", help="chat in this terminal")
    parser.add_argument("--web", action="store_true",
                        help="serve the web chat (no Telegram token needed)")
    return parser.parse_args(argv)


def run_telegram(settings: Settings, *, web: bool = False) -> int:
    from bot.tg.app import build_application  # the console must work without the channel
    from bot.tg.runner import run_until_signal

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    with InstanceLock(settings.storage.path):  # before the database is opened or migrated
        application = build_application(settings)
        if web:  # the web chat beside Telegram, in the same process
            from bot.web.server import attach_web
            attach_web(application, settings)
        asyncio.run(run_until_signal(application, settings))
    return 0


def run_web(settings: Settings) -> int:
    """The web chat alone: no Telegram; hand-offs wait in the database for a coordinator."""
    from bot.web.server import serve_web

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    with InstanceLock(settings.storage.path):
        asyncio.run(_until_signal(lambda stop: serve_web(
            settings, stop, announce=lambda line: print(line, flush=True))))
    return 0


async def _until_signal(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await run(stop)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):  # not when tests capture the streams
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        settings = load_settings(config_path(args.config))
        if args.console:
            knowledge = load_valid_knowledge(settings.knowledge.path)
            matcher = matcher_for(knowledge, settings.matcher.thresholds())
            return run_console(matcher, sys.stdin, sys.stdout)
        if args.web and not settings.telegram.token:
            return run_web(settings)
        check_telegram_ready(settings)
        return run_telegram(settings, web=args.web or settings.web.enabled)
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
