#!/usr/bin/env python3
"""Nothing lost across crashes and stops: residents write while run_bot.py (a real process,
rate limiter on) is killed with SIGKILL or stopped with SIGINT a few times and started again;
then every question must have exactly one answer.

Usage: python bench/crash_recovery.py [--residents 100] [--questions 5] [--restarts 4]
Prints how many questions got no answer, and how many got two (a handler cut off half-way by
a SIGKILL is run again in full: its answer may come twice, never not at all).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput_bench import COORDINATOR_CHAT, QUESTIONS, write_config  # noqa: E402
from tests.fakebot import FakeTelegram, FakeUser  # noqa: E402


async def start(config: Path, log: Path) -> asyncio.subprocess.Process:
    with open(log, "ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), "--config", str(config),
            env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
            stdout=asyncio.subprocess.DEVNULL, stderr=stderr)


async def write(tg: FakeTelegram, residents: list[FakeUser], questions: int,
                seconds: float) -> int:
    """Every resident asks `questions` questions, spread over `seconds`."""
    rng = random.Random(1)
    moments = sorted((rng.uniform(0, seconds), user, number)
                     for user in residents for number in range(questions))
    started = time.monotonic()
    for moment, user, number in moments:
        await asyncio.sleep(max(0.0, started + moment - time.monotonic()))
        await tg.send_text(user, QUESTIONS[(user.id + number) % len(QUESTIONS)])
    return len(moments)


async def main(args: argparse.Namespace) -> int:
    residents = [FakeUser(2000 + i, f"Mieszkaniec {i}") for i in range(args.residents)]
    async with FakeTelegram() as tg:
        tg.add_chat(COORDINATOR_CHAT)
        with tempfile.TemporaryDirectory() as folder:
            config = write_config(Path(folder), tg, limits={"messages_per_minute": 20})
            log = Path(folder) / "bot.log"
            bot = await start(config, log)
            writing = asyncio.create_task(write(tg, residents, args.questions, args.seconds))
            stops = []
            for number in range(args.restarts):
                await asyncio.sleep(args.seconds / (args.restarts + 1))
                how = signal.SIGKILL if number % 2 == 0 else signal.SIGINT
                began = time.monotonic()
                bot.send_signal(how)
                await bot.wait()
                stops.append((how.name, time.monotonic() - began))
                bot = await start(config, log)
            sent = await writing
            chats = {user.id for user in residents}
            deadline = time.monotonic() + 120
            while (sum(s.chat_id in chats for s in tg.sent) < sent
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)  # anything doubled shows up by now
            bot.send_signal(signal.SIGINT)
            await bot.wait()
    answers = {user.id: len(tg.messages_to(user.id)) for user in residents}
    missing = sum(max(0, args.questions - count) for count in answers.values())
    doubled = sum(max(0, count - args.questions) for count in answers.values())
    for how, took in stops:
        print(f"{how}: process gone after {took:.2f} s")
    print(f"{sent} questions, {missing} without an answer, {doubled} answered twice "
          f"({args.restarts} restarts)")
    return 0 if missing == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=100)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--restarts", type=int, default=4)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
