"""The outbox core with a scripted sender (no Telegram): per-destination back-off, the
coordinator chat kept owed or followed to a new id, ended deliveries explained in Polish."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable
from itertools import pairwise

from bot import storage
from bot.outbox import STATE_COORDINATOR_CHAT, Delivery, Outbox, Outcome
from bot.tickets import Person, TicketDesk

GROUP = -100
COORDINATORS = (7, 8)


def now() -> dt.datetime:
    return dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


class ScriptedSender:
    """Answers each delivery with what `script(delivery)` says; records every attempt."""

    def __init__(self, script: Callable[[Delivery], Outcome]) -> None:
        self.script = script
        self.attempts: list[tuple[float, Delivery]] = []
        self.sent: list[Delivery] = []

    async def send(self, delivery: Delivery) -> Outcome:
        self.attempts.append((asyncio.get_running_loop().time(), delivery))
        outcome = self.script(delivery)
        if outcome.kind == "sent":
            self.sent.append(delivery)
        return outcome

    def texts_to(self, chat_id: int) -> list[str]:
        return [d.text for d in self.sent if d.chat_id == chat_id]


def outbox_on(path: str, **options: object) -> Outbox:
    options = {"retry_base": 0.1, "retry_cap": 0.5, "unreachable_cap": 0.5, "idle_check": 0.1,
               **options}
    return Outbox(storage.connect(path), clock=now, coordinator_chat=GROUP,
                  coordinators=COORDINATORS, **options)  # type: ignore[arg-type]


async def until(condition: Callable[[], bool], timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_failing_chat_backs_off_alone_and_honours_retry_after(tmp_path) -> None:
    outbox = outbox_on(str(tmp_path / "db"))
    sender = ScriptedSender(lambda d: Outcome.retry(0.25, "429") if d.chat_id == 1
                            else Outcome.sent([1]))
    outbox.owe_notice(1, "do jedynki")
    outbox.owe_notice(2, "do dwójki")
    outbox.start({"telegram": sender})
    try:
        await until(lambda: sender.texts_to(2) == ["do dwójki"], timeout=0.3)
        await asyncio.sleep(0.6)
        tries = [t for t, d in sender.attempts if d.chat_id == 1]
        assert 2 <= len(tries) <= 3  # every 0.25 s at the earliest, as the 429 asked
        assert all(b - a >= 0.24 for a, b in pairwise(tries))
    finally:
        await outbox.stop()


async def test_an_unreachable_coordinator_chat_is_kept_owed_and_told_once(tmp_path) -> None:
    path = str(tmp_path / "db")
    desk = TicketDesk(storage.connect(path), now)
    for user in (11, 12, 13, 14, 15):
        desk.hand_off(Person(user, user, "X"), "pytanie", (), GROUP)
    kicked = True
    sender = ScriptedSender(lambda d: Outcome.destination_unreachable("kicked")
                            if d.chat_id == GROUP and kicked else Outcome.sent([1]))
    outbox = outbox_on(path)
    outbox.start({"telegram": sender})
    try:
        await until(lambda: all(sender.texts_to(c) for c in COORDINATORS))
        await asyncio.sleep(0.5)  # more failed tries, no more notices
        for coordinator in COORDINATORS:
            [notice] = sender.texts_to(coordinator)
            assert "usunięto mnie z grupy" in notice and "Czeka tam 5 zgłoszeń" in notice
        assert sender.texts_to(GROUP) == []
        kicked = False
        outbox.retry_now(GROUP)
        await until(lambda: len(sender.texts_to(GROUP)) == 5, timeout=0.5)
        await until(lambda: all(len(sender.texts_to(c)) == 2 for c in COORDINATORS))
        assert "znów działa" in sender.texts_to(COORDINATORS[0])[1]
    finally:
        await outbox.stop()


async def test_a_migrated_coordinator_chat_is_followed_and_remembered(tmp_path, caplog) -> None:
    path = str(tmp_path / "db")
    desk = TicketDesk(storage.connect(path), now)
    desk.hand_off(Person(11, 11, "X"), "pytanie", (), GROUP)
    sender = ScriptedSender(lambda d: Outcome.migrated(-2000) if d.chat_id == GROUP
                            else Outcome.sent([5]))
    outbox = outbox_on(path)
    moved: list[tuple[int, int]] = []
    outbox.on_migrated(lambda old, new: moved.append((old, new)))
    outbox.start({"telegram": sender})
    try:
        await until(lambda: sender.texts_to(-2000) == ["pytanie"])
    finally:
        await outbox.stop()
    assert moved == [(GROUP, -2000)] and outbox.coordinator_chat_id == -2000
    assert json.loads(outbox.state.get(STATE_COORDINATOR_CHAT) or "") == {
        "from": GROUP, "to": -2000}
    with caplog.at_level(logging.WARNING, logger="bot.outbox"):
        assert outbox_on(path).coordinator_chat_id == -2000  # the config still says GROUP
    assert "using -2000, not the id in the config file" in caplog.text
    other = Outbox(storage.connect(path), clock=now, coordinator_chat=-3000)
    assert other.coordinator_chat_id == -3000  # a config naming another chat wins


async def test_ended_answers_are_explained_and_announcements_reported(tmp_path) -> None:
    path = str(tmp_path / "db")
    desk = TicketDesk(storage.connect(path), now)
    for user in (21, 22):
        ticket, _ = desk.hand_off(Person(user, user, "X"), "pytanie", (), GROUP)
        desk.answer(ticket.id, "odpowiedź")
    reasons = {21: "blocked", 22: "deleted", 31: "blocked"}
    sender = ScriptedSender(lambda d: Outcome.destination_gone(reasons[d.chat_id])
                            if d.chat_id in reasons else Outcome.sent([9]))
    gone: list[tuple[int, str]] = []
    outbox = outbox_on(path)
    outbox.on_gone(lambda d, reason: gone.append((d.chat_id, reason)))
    outbox.owe_announcement([30, 31, 32], "📢 Hej", report_to=GROUP, batch="b1")
    outbox.start({"telegram": sender})
    try:
        await until(lambda: len(sender.texts_to(GROUP)) >= 5)
    finally:
        await outbox.stop()
    group = sender.texts_to(GROUP)
    assert "Nie dostarczyłem odpowiedzi na zgłoszenie #1: ta osoba zablokowała bota." in group
    assert "Nie dostarczyłem odpowiedzi na zgłoszenie #2: ta osoba usunęła swoje dane." in group
    assert "Ogłoszenie dotarło do 2 osób. 1 osoba zablokowała bota i została wypisana." in group
    assert sorted(gone) == [(21, "blocked"), (22, "deleted"), (31, "blocked")]


async def test_a_ticket_the_api_refuses_gets_a_plain_stand_in_that_routes(tmp_path) -> None:
    path = str(tmp_path / "db")
    TicketDesk(storage.connect(path), now).hand_off(Person(11, 11, "X"), "pytanie", (), GROUP)
    sender = ScriptedSender(lambda d: Outcome.rejected("Can't parse entities")
                            if d.kind == "ticket" else Outcome.sent([3]))
    outbox = outbox_on(path)
    outbox.start({"telegram": sender})
    try:
        await until(lambda: sender.texts_to(GROUP) != [])
    finally:
        await outbox.stop()
    [stand_in] = sender.texts_to(GROUP)
    assert stand_in.startswith("Zgłoszenie #1: Telegram nie przyjął") and "/zgloszenia" in stand_in


async def test_an_interrupted_announcement_resumes_without_repeating_anyone(tmp_path) -> None:
    path = str(tmp_path / "db")
    first = outbox_on(path)
    first.owe_announcement([31, 32, 33, 34], "📢 Hej", report_to=GROUP, batch="b2")
    before = ScriptedSender(lambda d: Outcome.retry(30, "down") if d.chat_id in (33, 34)
                            else Outcome.sent([1]))
    first.start({"telegram": before})
    try:
        await until(lambda: len(before.attempts) >= 4)
    finally:
        await first.stop()  # the process ends here: two copies out, two owed
    after = ScriptedSender(lambda d: Outcome.sent([2]))
    second = outbox_on(path)
    second.start({"telegram": after})
    try:
        await until(lambda: any(t.startswith("Ogłoszenie dotarło") for t in
                                after.texts_to(GROUP)))
    finally:
        await second.stop()
    copies = [d.chat_id for d in before.sent + after.sent if d.kind == "announcement"]
    assert sorted(copies) == [31, 32, 33, 34]
    assert after.texts_to(GROUP) == ["Ogłoszenie dotarło do 4 osób."]
