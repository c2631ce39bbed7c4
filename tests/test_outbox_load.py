"""The outbox under faults and load: 30% of calls failing in every way the Bot API fails, and
the coordinator answering a pile of tickets at once while residents keep asking."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bot import storage
from bot.config import KnowledgeSettings, Settings
from bot.tg.ratelimit import OutboxRateLimiter
from bot.tickets import Person, TicketDesk
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, ROOT, SEND_TIMEOUT, running_bot
from tests.fakebot import RANDOM_FAULTS, FakeTelegram, FakeUser, Sent
from tests.test_telegram import ask
from tests.test_telegram_meetings import MEETING_START, MEETINGS_YAML, Clock, announce, subscribe

# What the outbox sends, and what handlers do around a tap (never fatal to them).
FAILING = {"sendMessage", "editMessageText", "sendDocument", "answerCallbackQuery",
           "editMessageReplyMarkup"}


def duplicates_without_excuse(tg: FakeTelegram) -> list[tuple[int, str]]:
    """Messages sent more than once although Telegram's answer to the first was received:
    only a call carried out behind a timeout may be repeated."""
    sent = Counter((s.chat_id, s.text) for s in tg.sent if s.method == "sendMessage")
    excused = Counter((p.get("chat_id"), p.get("text")) for method, p, done in tg.timeouts
                      if done and method == "sendMessage")
    return [key for key, count in sent.items() if count > 1 + excused[key]]


def shows_answered(tg: FakeTelegram, ticket: int) -> bool:
    """The ticket's message was edited to ✅, or a batched confirmation names it."""
    for s in tg.messages_to(COORDINATOR_CHAT.id):
        text = s.plain or ""
        if s.method == "editMessageText" and text.startswith(f"Zgłoszenie #{ticket}\n") \
                and "✅" in text:
            return True
        if text.startswith("✅ Dostarczyłem odpowiedzi") and f"#{ticket}," in text + ",":
            return True
    return False


async def until(condition, timeout: float, step: float = 0.05) -> float:
    """Wait until `condition()` holds; how long it took."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not condition():
        assert loop.time() - start < timeout, "condition not met in time"
        await asyncio.sleep(step)
    return loop.time() - start


async def test_thirty_percent_faults_every_copy_arrives_none_doubled_without_a_timeout(
    tg: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    settings = replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)))
    clock = Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))
    residents = [FakeUser(400 + i, f"Mieszkaniec {i}") for i in range(3)]
    listeners = [FakeUser(450 + i, f"Słuchacz {i}") for i in range(3)]
    async with running_bot(settings, clock=clock, retry_cap=0.5):
        offers = []
        for resident in residents:
            offers.append(await ask(tg, f"zgubiłem psa numer {resident.id}", resident))
        for person in residents + listeners:
            await subscribe(tg, person)

        tg.fail_randomly(0.3, FAILING, seed=5, kinds=RANDOM_FAULTS,
                         delay=SEND_TIMEOUT + 0.5)
        for resident, offer in zip(residents, offers, strict=True):
            await tg.press(resident, offer, offer.buttons[0][1])
        for number in range(1, len(residents) + 1):
            await tg.send_text(COORDINATOR, f"/odpowiedz {number} Odpowiedź nr {number}.",
                               chat=COORDINATOR_CHAT)
        await announce(tg, "Zebranie w piątek.")
        clock.now = MEETING_START - dt.timedelta(hours=3)  # reminders fall due meanwhile

        def everything_arrived() -> bool:
            for person in residents + listeners:
                got = [s.plain or "" for s in tg.messages_to(person.id)]
                wanted = ["📢 Ogłoszenie", "🔔 Przypomnienie"]
                if person in residents:
                    wanted += ["Przekazałem pytanie koordynatorowi", "Odpowiedź koordynatora"]
                if not all(any(t.startswith(w) for t in got) for w in wanted):
                    return False
            coordinator = [s.plain or "" for s in tg.messages_to(COORDINATOR_CHAT.id)]
            return (all(shows_answered(tg, n) for n in range(1, len(residents) + 1))
                    and any(t.startswith("Ogłoszenie dotarło do 6 osób.") for t in coordinator))

        took = await until(everything_arrived, timeout=40)
        await asyncio.sleep(0.5)  # anything doubled would show up by now
        tg.stop_failing()
    kinds = Counter(status for _, _, status in tg.errors)
    assert kinds[500] and kinds[502] and kinds[429], kinds
    assert any(done for *_, done in tg.timeouts) and any(not d for *_, d in tg.timeouts)
    assert duplicates_without_excuse(tg) == []
    everything = " ".join(s.plain or "" for s in tg.sent)
    assert "Przepraszam" not in everything
    print(f"\n30% faults: everything arrived in {took:.1f} s; {len(tg.errors)} errors, "
          f"{len(tg.timeouts)} timeouts ({sum(d for *_, d in tg.timeouts)} carried out)")


async def test_a_pile_of_answers_drains_while_residents_are_answered_at_once(
    tg: FakeTelegram, settings: Settings
) -> None:
    """30 tickets answered in one go, with the group's pacing sped up 100 times (20 posts in
    0.6 s instead of a minute): everyone has the answer, every ticket shows ✅."""
    count, speedup = 30, 100
    desk = TicketDesk(storage.connect(settings.storage.path))
    for i in range(count):
        desk.hand_off(Person(1000 + i, 1000 + i, f"Osoba {i}"), f"pytanie {i}", (),
                      COORDINATOR_CHAT.id)
    desk.close_storage()
    limiter = OutboxRateLimiter(max_retries=3, group_time_period=60 / speedup)
    asker = FakeUser(600, "Zofia")
    async with running_bot(settings, rate_limiter=limiter):
        posts: dict[int, Sent] = {}

        def all_posted() -> bool:
            for s in tg.messages_to(COORDINATOR_CHAT.id):
                if (s.plain or "").startswith("Zgłoszenie #"):
                    posts[int(s.plain.split("#")[1].split("\n")[0])] = s
            return len(posts) == count

        await until(all_posted, timeout=20)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for number in range(1, count + 1):
            await tg.send_text(COORDINATOR, f"Odpowiedź {number}.", chat=COORDINATOR_CHAT,
                               reply_to=posts[number])
        asked = loop.time()
        answer = await ask(tg, "jak dolaczyc do klastra", asker)
        faq = loop.time() - asked
        await until(lambda: all(
            any((s.text or "").endswith(f"Odpowiedź {n}.") for s in tg.messages_to(999 + n))
            for n in range(1, count + 1)), timeout=20)
        residents_done = loop.time() - started
        await until(lambda: all(shows_answered(tg, n) for n in range(1, count + 1)), timeout=20)
        tickets_done = loop.time() - started
        await until(lambda: sum(s.method == "editMessageText" and "✅" in (s.plain or "")
                                for s in tg.messages_to(COORDINATOR_CHAT.id)) >= count,
                    timeout=20)
        edits_done = loop.time() - started
    assert answer.text.startswith("Aby dołączyć") and faq < 2.0, faq
    batches = [s for s in tg.messages_to(COORDINATOR_CHAT.id)
               if (s.plain or "").startswith("✅ Dostarczyłem")]
    new_posts = sum(s.method == "sendMessage" for s in tg.messages_to(COORDINATOR_CHAT.id))
    assert new_posts - count == len(batches) <= count // 10  # confirmations cost few posts
    print(f"\n{count} answers: every resident answered after {residents_done:.1f} s, every "
          f"ticket confirmed after {tickets_done:.1f} s ({len(batches)} batched posts), every "
          f"ticket message edited after {edits_done:.1f} s; FAQ meanwhile {faq * 1000:.0f} ms; "
          f"group pacing x{speedup}")
