#!/usr/bin/env python3
"""The outbox against a failing Bot API: 30% of calls failing (500, 502, 429 with
retry_after, timeouts where Telegram did and did not carry the call out) and the API down for
two minutes. The real bot, with its production back-off (at most 60 s) and send timeout
(10 s), against the fake Bot API of the tests.

Owed at the start: 14 tickets (stored, not yet posted), 20 subscribers due a meeting
reminder. While faults run the coordinator answers all 14 and sends an announcement; then the
API goes down (half the time answering 502, half refusing connections). Prints how long
everything took to arrive once the API was back, what arrived, and what was sent twice (only a
call Telegram carried out behind a timeout may be).

The coordinator chat takes 20 posts a minute, failed tries included, so it drains last;
residents' messages go out within seconds of the API's return.

Usage: python bench/outbox_faults.py [--down 120] [--rate 0.3] [--tickets 14]
                                     [--subscribers 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import storage  # noqa: E402
from bot.config import KnowledgeSettings  # noqa: E402
from bot.subscriptions import Subscriber, SubscriptionBook  # noqa: E402
from bot.tickets import Person, TicketDesk  # noqa: E402
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, make_settings, running_bot  # noqa: E402
from tests.fakebot import RANDOM_FAULTS, FakeTelegram  # noqa: E402

OUTBOX_METHODS = {"sendMessage", "editMessageText", "sendDocument"}
SEND_TIMEOUT = 10.0


def meetings_yaml(start: dt.datetime) -> str:
    local = start.astimezone(dt.timezone(dt.timedelta(hours=1)))
    return (
        "meetings:\n"
        "  - id: bench-spotkanie\n"
        '    title: "Spotkanie członków klastra"\n'
        f'    start: "{local:%Y-%m-%dT%H:%M}"\n'
        f'    end: "{local + dt.timedelta(hours=2):%Y-%m-%dT%H:%M}"\n'
        '    place: "Starostwo Powiatowe w Częstochowie"\n'
        '    address: "ul. Sobieskiego 9, Częstochowa"\n'
        '    description: "Plan działań na przyszły rok."\n'
        "    audience: public\n"
        '    registration: "u koordynatora"\n'
    )


def arrived(tg: FakeTelegram, chat_id: int, prefix: str) -> bool:
    return any((s.plain or "").startswith(prefix) for s in tg.messages_to(chat_id))


def missing(tg: FakeTelegram, tickets: list[int], subscribers: list[int]) -> dict[str, int]:
    group = [s for s in tg.messages_to(COORDINATOR_CHAT.id)]
    posted = {n for n in range(1, len(tickets) + 1)
              if any((s.plain or "").startswith(f"Zgłoszenie #{n}\n") for s in group)}
    confirmed = {n for n in range(1, len(tickets) + 1) if any(
        ((s.plain or "").startswith(f"Zgłoszenie #{n}\n") and "✅" in (s.plain or ""))
        or ((s.plain or "").startswith("✅ Dostarczyłem") and f"#{n}," in (s.plain or "") + ",")
        for s in group)}
    return {
        "tickets": len(tickets) - len(posted),
        "answers": sum(not arrived(tg, c, "Odpowiedź koordynatora") for c in tickets),
        "confirmations": len(tickets) - len(confirmed),
        "reminders": sum(not arrived(tg, c, "🔔 Przypomnienie") for c in subscribers),
        "announcements": sum(not arrived(tg, c, "📢 Ogłoszenie") for c in subscribers),
        "announcement report": int(not arrived(tg, COORDINATOR_CHAT.id,
                                               "Ogłoszenie dostarczone")),
    }


def doubled(tg: FakeTelegram) -> tuple[int, int]:
    """(messages doubled behind a timeout Telegram carried out, doubled without excuse)"""
    sent = Counter((s.chat_id, s.text) for s in tg.sent if s.method == "sendMessage")
    excused = Counter((p.get("chat_id"), p.get("text")) for m, p, done in tg.timeouts
                      if done and m == "sendMessage")
    extra = {k: c - 1 for k, c in sent.items() if c > 1}
    with_excuse = sum(min(c, excused[k]) for k, c in extra.items())
    return with_excuse, sum(extra.values()) - with_excuse


async def run(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("telegram").setLevel(logging.CRITICAL)  # polling errors while down
    folder = Path(tempfile.mkdtemp(prefix="outbox-bench-"))
    try:
        async with FakeTelegram() as tg:
            tg.add_chat(COORDINATOR_CHAT)
            settings = make_settings(tg, folder)
            knowledge = folder / "knowledge"
            shutil.copytree(ROOT / "knowledge", knowledge)
            start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
            (knowledge / "meetings.yaml").write_text(meetings_yaml(start), encoding="utf-8")
            settings = replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)))

            connection = storage.connect(settings.storage.path)
            desk, book = TicketDesk(connection), SubscriptionBook(connection)
            tickets = [2000 + i for i in range(args.tickets)]
            subscribers = [3000 + i for i in range(args.subscribers)]
            for chat in tickets:
                desk.hand_off(Person(chat, chat, f"Mieszkaniec {chat}"), f"pytanie {chat}", (),
                              COORDINATOR_CHAT.id)
            for chat in subscribers:
                book.subscribe(Subscriber(chat, chat))
            connection.close()

            tg.fail_randomly(args.rate, OUTBOX_METHODS, seed=1, kinds=RANDOM_FAULTS,
                             delay=SEND_TIMEOUT + 1)
            async with running_bot(settings, retry_cap=60.0, send_timeout=SEND_TIMEOUT,
                                   delivery_interval=15.0, reminder_interval=5.0):
                for number in range(1, args.tickets + 1):
                    await tg.send_text(COORDINATOR, f"/odpowiedz {number} Odpowiedź {number}.",
                                       chat=COORDINATOR_CHAT)
                await tg.send_text(COORDINATOR, "/ogloszenie Zebranie w piątek o 10.",
                                   chat=COORDINATOR_CHAT)
                await asyncio.sleep(5)
                print(f"before the outage (5 s of {args.rate:.0%} faults): "
                      f"{missing(tg, tickets, subscribers)}")
                tg.go_down()  # first half: every call 502; second half: connection refused
                await asyncio.sleep(args.down / 2)
                await tg.refuse_connections()
                await asyncio.sleep(args.down / 2)
                await tg.accept_connections()
                tg.come_up()
                back = time.monotonic()
                print(f"API back after {args.down:.0f} s; still owed: "
                      f"{missing(tg, tickets, subscribers)}")
                done_at: dict[str, float] = {}
                while True:
                    now = missing(tg, tickets, subscribers)
                    for kind, count in now.items():
                        if count == 0:
                            done_at.setdefault(kind, time.monotonic() - back)
                    if not any(now.values()) or time.monotonic() - back > args.max_wait:
                        break
                    await asyncio.sleep(0.5)
                drained = time.monotonic() - back
                print("arrived completely, seconds after the API came back: " + ", ".join(
                    f"{kind} {at:.1f}" for kind, at in sorted(done_at.items(),
                                                               key=lambda i: i[1])))
                await asyncio.sleep(2)  # anything doubled shows up by now
                left = missing(tg, tickets, subscribers)
            tg.stop_failing()
            kinds = Counter(status for _, _, status in tg.errors)
            excused, unexcused = doubled(tg)
            apologies = sum("Przepraszam" in (s.plain or "") for s in tg.sent)
            print(f"everything arrived {drained:.1f} s after the API came back"
                  if not any(left.values()) else f"NOT everything arrived: missing {left}")
            print(f"errors answered: {dict(sorted(kinds.items()))} (502 includes the outage); "
                  f"timeouts: {len(tg.timeouts)} "
                  f"({sum(d for *_, d in tg.timeouts)} carried out by Telegram)")
            print(f"sent twice: {excused} behind a carried-out timeout, {unexcused} otherwise; "
                  f"apologies: {apologies}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--down", type=float, default=120.0, help="seconds the API is down")
    parser.add_argument("--rate", type=float, default=0.3, help="share of calls failing")
    parser.add_argument("--tickets", type=int, default=14)
    parser.add_argument("--subscribers", type=int, default=20)
    parser.add_argument("--max-wait", type=float, default=300.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
