#!/usr/bin/env python3
"""Updates per second through the real bot and the fake Bot API (tests/fakebot.py).

The fake server and the load run in this process; the bot runs in a child process, the way
run_bot.py runs it (polling, durable inbox, SQLite file), with the rate limiter off so the bot's
own cost is measured, not Telegram's limits. Every resident asks FAQ questions at once; the
clock runs from the first question to the last answer.

Usage: python bench/throughput_bench.py [--residents 200] [--questions 5] [--rounds 3]
       [--rate-limit] [--profile FILE]
Targets: at least 150 updates a second on 2 cores; with --rate-limit and 500 residents
writing at once, Telegram's own limit of about 30 messages a second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakebot import FakeChat, FakeTelegram, FakeUser  # noqa: E402

# Questions answered with exactly one message (checked in a warm-up round).
QUESTIONS = (
    "kiedy powstał klaster",
    "jak dolaczyc do klastra",
    "kto należy do klastra",
    "jaka jest misja klastra",
    "gdzie znajdę aktualności klastra",
)
COORDINATOR_CHAT = FakeChat(-100500, "supergroup", title="Zgłoszenia")


def write_config(folder: Path, tg: FakeTelegram, **changes: object) -> Path:
    config: dict[str, object] = {
        "telegram": {"token": tg.token, "base_url": tg.base_url,
                     "base_file_url": tg.base_file_url},
        "coordinator": {"chat_id": COORDINATOR_CHAT.id, "user_ids": [900]},
        "knowledge": {"path": str(ROOT / "knowledge")},
        "storage": {"path": str(folder / "bot.sqlite3")},
        "limits": {"messages_per_minute": 1000},
        **changes,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def run_child(config: str, profile: str | None, rate_limit: bool) -> int:
    """The bot as run_bot.py runs it, without the rate limiter unless asked."""
    from bot.config import load_settings
    from bot.tg.app import build_application
    from bot.tg.runner import run_until_signal

    settings = load_settings(config)
    application = build_application(settings, rate_limit=rate_limit)
    if profile is None:
        asyncio.run(run_until_signal(application, settings))
        return 0
    import cProfile

    with cProfile.Profile() as profiler:
        asyncio.run(run_until_signal(application, settings))
    profiler.dump_stats(profile)
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU time of a process so far (Linux): a figure the machine's other load hardly moves."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def answered(tg: FakeTelegram, chats: set[int]) -> int:
    return sum(1 for sent in tg.sent if sent.chat_id in chats and sent.method == "sendMessage")


async def one_round(tg: FakeTelegram, residents: list[FakeUser], questions: int,
                    pid: int) -> tuple[float, float]:
    """Updates per second of wall time and per second of the bot's CPU time."""
    chats = {user.id for user in residents}
    before = await answered(tg, chats)
    expected = before + len(residents) * questions
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    for number in range(questions):
        for user in residents:
            await tg.send_text(user, QUESTIONS[(user.id + number) % len(QUESTIONS)])
    while await answered(tg, chats) < expected:
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    count = len(residents) * questions
    return count / elapsed, count / (cpu_seconds(pid) - cpu)


async def main(args: argparse.Namespace) -> int:
    async with FakeTelegram() as tg:
        tg.add_chat(COORDINATOR_CHAT)
        with tempfile.TemporaryDirectory() as folder:
            config = write_config(Path(folder), tg)
            extra = ["--profile", args.profile] if args.profile else []
            extra += ["--rate-limit"] if args.rate_limit else []
            child = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--child", str(config), *extra,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            try:
                warm = FakeUser(10, "Rozgrzewka")
                for question in QUESTIONS:
                    start = len(tg.sent)
                    await tg.send_text(warm, question)
                    await tg.wait_for(lambda s: s.chat_id == warm.id, timeout=60, start=start)
                await asyncio.sleep(0.5)
                if len(tg.messages_to(warm.id)) != len(QUESTIONS):
                    print("a bench question is not answered with exactly one message",
                          file=sys.stderr)
                    return 1
                rates, per_cpu = [], []
                for number in range(args.rounds):
                    base = 1000 + number * args.residents
                    residents = [FakeUser(base + i, f"Mieszkaniec {i}")
                                 for i in range(args.residents)]
                    rate, cpu_rate = await one_round(tg, residents, args.questions, child.pid)
                    rates.append(rate)
                    per_cpu.append(cpu_rate)
                    print(f"round {number + 1}: {rate:.0f} updates/s, "
                          f"{cpu_rate:.0f} per CPU-second of the bot")
            finally:
                child.terminate()
                await child.wait()
    print(f"median: {statistics.median(rates):.0f} updates/s, "
          f"{statistics.median(per_cpu):.0f} per CPU-second of the bot "
          f"({args.residents} residents x {args.questions} questions, rate limiter "
          f"{'on' if args.rate_limit else 'off'})")
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child_args = sys.argv[3:]
        profile_to = child_args[child_args.index("--profile") + 1] \
            if "--profile" in child_args else None
        raise SystemExit(run_child(sys.argv[2], profile_to, "--rate-limit" in child_args))
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="write a cProfile of the bot process to this file")
    parser.add_argument("--rate-limit", action="store_true",
                        help="with PTB's rate limiter, as in production (Telegram: ~30/s)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
