#!/usr/bin/env python3
"""The coordinator group's budget (Telegram: 20 posts a minute) under a pile of answers.

300 tickets are posted first (with the group's pacing sped up, to save a quarter of an hour),
then, at the real pacing, the coordinator answers all 300 within a minute while a resident
asks a FAQ question every 2 seconds. The real bot against the fake Bot API of the tests.

Prints: when every resident had the answer, when every ticket showed it was answered (an
edit of the ticket message, or a batched "✅ Dostarczyłem odpowiedzi na zgłoszenia: …"), how
many group posts the confirmations cost, and the FAQ answer times meanwhile. The ✅ edits of
the ticket messages themselves use what is left of the budget afterwards; the script projects
when they finish (or waits for them with --wait-edits).

Usage: python bench/outbox_budget.py [--tickets 300] [--answer-seconds 60] [--wait-edits]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import storage  # noqa: E402
from bot.tg.ratelimit import OutboxRateLimiter  # noqa: E402
from bot.tickets import Person, TicketDesk  # noqa: E402
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, make_settings, running_bot  # noqa: E402
from tests.fakebot import FakeTelegram, FakeUser, Sent  # noqa: E402

GROUP_PERIOD = 60.0  # Telegram: 20 posts a minute to one group
FIRST_RESIDENT = 5000


def ticket_messages(tg: FakeTelegram) -> dict[int, Sent]:
    posts: dict[int, Sent] = {}
    for s in tg.messages_to(COORDINATOR_CHAT.id):
        text = s.plain or ""
        if s.method == "sendMessage" and text.startswith("Zgłoszenie #"):
            posts[int(text.split("#")[1].split("\n")[0])] = s
    return posts


def confirmed(tg: FakeTelegram) -> set[int]:
    shown: set[int] = set()
    for s in tg.messages_to(COORDINATOR_CHAT.id):
        text = s.plain or ""
        if s.method == "editMessageText" and "✅" in text and text.startswith("Zgłoszenie #"):
            shown.add(int(text.split("#")[1].split("\n")[0]))
        elif text.startswith("✅ Dostarczyłem odpowiedzi"):
            shown.update(int(n) for n in text.split(":")[1].split(".")[0]
                         .replace("#", "").split(","))
    return shown


def edited(tg: FakeTelegram) -> int:
    return sum(s.method == "editMessageText" and "✅" in (s.plain or "")
               for s in tg.messages_to(COORDINATOR_CHAT.id))


def answered(tg: FakeTelegram, count: int) -> int:
    return sum(1 for n in range(1, count + 1) if any(
        (s.text or "").endswith(f"Odpowiedź {n}.")
        for s in tg.messages_to(FIRST_RESIDENT + n - 1)))


async def probe_faq(tg: FakeTelegram, stop: asyncio.Event, latencies: list[float]) -> None:
    number = 0
    while not stop.is_set():
        number += 1  # a new person each time: one person asking every 2 s trips the flood limit
        asker = FakeUser(9000 + number, f"Pytająca {number}")
        start = len(tg.sent)
        began = time.monotonic()
        await tg.send_text(asker, "jak dolaczyc do klastra")
        await tg.wait_for(lambda s, chat=asker.id: s.chat_id == chat, start=start, timeout=60)
        latencies.append(time.monotonic() - began)
        await asyncio.sleep(2)


async def until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


async def run(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="outbox-budget-"))
    count = args.tickets
    try:
        async with FakeTelegram() as tg:
            tg.add_chat(COORDINATOR_CHAT)
            settings = make_settings(tg, folder)
            desk = TicketDesk(storage.connect(settings.storage.path))
            for i in range(count):
                chat = FIRST_RESIDENT + i
                desk.hand_off(Person(chat, chat, f"Osoba {i}"), f"pytanie numer {i + 1}", (),
                              COORDINATOR_CHAT.id)
            desk.close_storage()
            limiter = OutboxRateLimiter(max_retries=3, group_time_period=GROUP_PERIOD / 100)
            async with running_bot(settings, rate_limiter=limiter, retry_cap=60.0,
                                   send_timeout=10.0, delivery_interval=15.0):
                began = time.monotonic()
                await until(lambda: len(ticket_messages(tg)) == count, 600)
                print(f"{count} tickets posted in {time.monotonic() - began:.1f} s "
                      "(group pacing sped up 100 times for this part only)")
                # From here on the real pacing: 20 posts a minute to the group.
                limiter._group_time_period = GROUP_PERIOD
                limiter._group_limiters.clear()
                posts = ticket_messages(tg)
                group_posts_before = sum(s.method == "sendMessage"
                                         for s in tg.messages_to(COORDINATOR_CHAT.id))
                stop, latencies = asyncio.Event(), []
                prober = asyncio.create_task(probe_faq(tg, stop, latencies))
                started = time.monotonic()
                for number in range(1, count + 1):
                    await tg.send_text(COORDINATOR, f"Odpowiedź {number}.",
                                       chat=COORDINATOR_CHAT, reply_to=posts[number])
                    await asyncio.sleep(args.answer_seconds / count)
                answering = time.monotonic() - started
                await until(lambda: answered(tg, count) == count, args.max_wait)
                residents_done = time.monotonic() - started
                await until(lambda: len(confirmed(tg)) == count, args.max_wait)
                confirmed_done = time.monotonic() - started
                stop.set()
                await prober
                batches = sum((s.plain or "").startswith("✅ Dostarczyłem")
                              for s in tg.messages_to(COORDINATOR_CHAT.id))
                new_posts = sum(s.method == "sendMessage" for s in
                                tg.messages_to(COORDINATOR_CHAT.id)) - group_posts_before
                print(f"the coordinator answered {count} tickets in {answering:.0f} s")
                print(f"every resident had the answer {residents_done:.0f} s after the first "
                      f"reply ({answered(tg, count)}/{count})")
                print(f"every ticket showed it was answered {confirmed_done:.0f} s after the "
                      f"first reply ({len(confirmed(tg))}/{count}); confirmations cost "
                      f"{new_posts} group posts ({batches} batches) and "
                      f"{edited(tg)} edits so far")
                print(f"FAQ answers meanwhile: {len(latencies)} asked, median "
                      f"{statistics.median(latencies) * 1000:.0f} ms, worst "
                      f"{max(latencies) * 1000:.0f} ms")
                left = count - edited(tg)
                if args.wait_edits:
                    await until(lambda: edited(tg) >= count, 3600)
                    print(f"every ticket message carried ✅ {time.monotonic() - started:.0f} s "
                          "after the first reply")
                else:
                    print(f"{left} ticket messages still to be edited to ✅ with the leftover "
                          f"budget: about {left * GROUP_PERIOD / 20 / 60:.0f} more minutes at "
                          "20 a minute (--wait-edits to watch)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--answer-seconds", type=float, default=60.0)
    parser.add_argument("--max-wait", type=float, default=900.0)
    parser.add_argument("--wait-edits", action="store_true")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
