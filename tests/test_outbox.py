"""The outbox end to end: the real Application against the fake Bot API, with the coordinator
chat migrating, the bot kicked and re-added, residents blocking the bot or deleting their data,
one chat failing, and the API itself flaky or down."""

from __future__ import annotations

import asyncio
import logging

from bot import storage, texts
from bot.config import Settings
from bot.tickets import Person, TicketDesk
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, SEND_TIMEOUT, running_bot
from tests.fakebot import FakeChat, FakeTelegram, FakeUser, Sent
from tests.test_telegram import ask, eventually, open_ask_prompt

NEIGHBOUR = FakeUser(102, "Jan", "Kowalski", username="jkowal")
SUPERGROUP = FakeChat(-100777, "supergroup", title="Zgłoszenia infolinii")


async def hand_off(tg: FakeTelegram, user: FakeUser, question: str, chat_id: int) -> Sent:
    """A resident hands a question off; the ticket as posted in `chat_id`."""
    start = len(tg.sent)
    offer = await ask(tg, question, user)
    assert offer.text == texts.NO_ANSWER
    await tg.press(user, offer, offer.buttons[0][1])
    await tg.wait_for_text(user.id, "Przekazałem pytanie koordynatorowi", start=start)
    return await tg.wait_for(lambda s: s.chat_id == chat_id and s.method == "sendMessage"
                             and (s.plain or "").startswith("Zgłoszenie #"), start=start)


def texts_to(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [s.plain or "" for s in tg.messages_to(chat_id) if s.method == "sendMessage"]


async def test_the_coordinator_chat_becoming_a_supergroup_is_followed_and_remembered(
    tg: FakeTelegram, settings: Settings, caplog
) -> None:
    tg.migrate_chat(COORDINATOR_CHAT.id, SUPERGROUP.id)
    async with running_bot(settings) as application:
        ticket = await hand_off(tg, RESIDENT, "zgubiłem psa na spacerze", SUPERGROUP.id)
        assert application.bot_data["services"].coordinator_chat_id() == SUPERGROUP.id
        await tg.send_text(COORDINATOR, "Odpowiedź z supergrupy.", chat=SUPERGROUP,
                           reply_to=ticket)
        answer = await tg.wait_for_text(RESIDENT.id, "Odpowiedź koordynatora")
        assert answer.text.endswith("Odpowiedź z supergrupy.")
        await tg.wait_for_text(SUPERGROUP.id, "✅ Odpowiedziano")
    assert not any("Przepraszam" in t for t in texts_to(tg, RESIDENT.id))

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.outbox"):
        async with running_bot(settings) as application:  # the config still names the group
            assert application.bot_data["services"].coordinator_chat_id() == SUPERGROUP.id
            failed_before = len(tg.errors)
            await hand_off(tg, NEIGHBOUR, "zgubiłem kota w parku", SUPERGROUP.id)
            assert tg.errors[failed_before:] == []  # straight to the supergroup
            scoped = tg.get_commands({"type": "chat", "chat_id": SUPERGROUP.id})
            assert {"odpowiedz", "zgloszenia"} <= {c["command"] for c in scoped}
    assert f"coordinator chat {COORDINATOR_CHAT.id} became {SUPERGROUP.id}" in caplog.text


async def test_kicked_from_the_coordinator_chat_tickets_wait_and_go_out_when_re_added(
    tg: FakeTelegram, settings: Settings
) -> None:
    # Two tickets stored while the bot was not running; the bot has meanwhile been removed.
    desk = TicketDesk(storage.connect(settings.storage.path))
    for user in (RESIDENT, NEIGHBOUR):
        desk.hand_off(Person(user.id, user.id, user.first_name), f"pytanie {user.id}", (),
                      COORDINATOR_CHAT.id)
    desk.close_storage()
    await tg.kick_bot(COORDINATOR_CHAT.id)
    async with running_bot(settings, retry_cap=20.0):  # long back-off: re-adding must cut it
        notice = await tg.wait_for_text(COORDINATOR.id, "Nie mogę pisać na czacie koordynatorów")
        assert "usunięto mnie z grupy" in notice.text and "Czeka tam 2 zgłoszenia" in notice.text
        await asyncio.sleep(1.2)  # two tries, both failing; the next waits about 2 s
        assert sum("Nie mogę pisać" in t for t in texts_to(tg, COORDINATOR.id)) == 1
        assert [s for s in tg.sent if s.chat_id == COORDINATOR_CHAT.id] == []
        loop = asyncio.get_running_loop()
        back = loop.time()
        await tg.add_bot(COORDINATOR_CHAT.id, by=COORDINATOR)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #2")
        assert loop.time() - back < 1.0
        await tg.wait_for_text(COORDINATOR.id, "znów działa")
    everything = " ".join(s.plain or "" for s in tg.sent)
    assert "zablokowała" not in everything and "Przepraszam" not in everything


async def test_answers_to_people_who_blocked_the_bot_or_deleted_their_data_end_with_a_reason(
    tg: FakeTelegram, settings: Settings
) -> None:
    forgetful = FakeUser(103, "Ewa")
    async with running_bot(settings) as application:
        desk = application.bot_data["services"].desk
        tickets = {}
        for user in (RESIDENT, NEIGHBOUR, forgetful):
            tickets[user.id] = await hand_off(tg, user, f"zgubiłem psa numer {user.id}",
                                              COORDINATOR_CHAT.id)
        tg.block(RESIDENT.id)
        desk.forget_person(NEIGHBOUR.id)       # /usun_dane: the ticket keeps only its number
        tg.forget_chat(forgetful.id)           # Telegram: "chat not found"
        for user in (RESIDENT, NEIGHBOUR, forgetful):
            await tg.send_text(COORDINATOR, f"Odpowiedź dla {user.id}.", chat=COORDINATOR_CHAT,
                               reply_to=tickets[user.id])
        await tg.wait_for_text(COORDINATOR_CHAT.id, "#1: ta osoba zablokowała bota.")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "#2: ta osoba usunęła swoje dane.")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "#3: ta osoba usunęła swoje dane.")
        await eventually(lambda: desk.has_blocked(RESIDENT.id))
        # the rest flows: a new question is answered and handed off as usual
        other = FakeUser(104, "Piotr")
        await hand_off(tg, other, "zgubiłem kota", COORDINATOR_CHAT.id)
    coordinator_texts = " ".join(texts_to(tg, COORDINATOR_CHAT.id))
    assert "not found" not in coordinator_texts.lower() and "Forbidden" not in coordinator_texts


async def test_one_failing_chat_does_not_hold_back_anyone_else(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        first = await hand_off(tg, RESIDENT, "zgubiłem psa", COORDINATOR_CHAT.id)
        second = await hand_off(tg, NEIGHBOUR, "zgubiłem kota", COORDINATOR_CHAT.id)
        tg.fail_chat(RESIDENT.id, 500)  # the oldest delivery will keep failing
        await tg.send_text(COORDINATOR, "Pies się znalazł.", chat=COORDINATOR_CHAT,
                           reply_to=first)
        await asyncio.sleep(0.3)
        await tg.send_text(COORDINATOR, "Kot też.", chat=COORDINATOR_CHAT, reply_to=second)
        await tg.wait_for_text(NEIGHBOUR.id, "Kot też.", timeout=2)
        await asyncio.sleep(0.8)
        assert not any("Pies się znalazł." in t for t in texts_to(tg, RESIDENT.id))
        tg.heal_chat(RESIDENT.id)
        await tg.wait_for_text(RESIDENT.id, "Pies się znalazł.", timeout=3)
        await tg.wait_for(lambda s: s.method == "editMessageText"
                          and s.message_id == first.message_id and "✅" in (s.plain or ""))


async def test_a_ticket_posted_twice_after_a_timeout_routes_from_either_copy(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        tg.time_out_next("sendMessage", chat_id=COORDINATOR_CHAT.id, carried_out=True,
                         delay=SEND_TIMEOUT + 0.5)
        offer = await ask(tg, "zgubiłem psa na spacerze")
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        copies = [await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")]
        copies.append(await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1",
                                             start=tg.sent.index(copies[0]) + 1, timeout=8))
        # the copy whose answer the bot never got: only its header ties it to the ticket
        await tg.send_text(COORDINATOR, "Odpowiedź na pierwszą kopię.", chat=COORDINATOR_CHAT,
                           reply_to=copies[0])
        await tg.wait_for_text(RESIDENT.id, "Odpowiedź na pierwszą kopię.")
    assert [t for t in tg.timeouts if t[2]], "the timeout was injected"


async def test_a_question_longer_than_three_messages_arrives_as_a_file(
    tg: FakeTelegram, settings: Settings
) -> None:
    story = " ".join(f"Zdanie numer {i} o moim liczniku & <fakturze>." for i in range(400))
    async with running_bot(settings):
        await open_ask_prompt(tg)
        await tg.send_text(RESIDENT, story)
        document = await tg.wait_for(lambda s: s.method == "sendDocument")
        assert document.chat_id == COORDINATOR_CHAT.id
        assert document.document == ("zgloszenie-1.txt", story.encode())
        posts = [s for s in tg.messages_to(COORDINATOR_CHAT.id) if s.method == "sendMessage"]
        assert len(posts) == 1 and posts[0].plain.startswith("Zgłoszenie #1\n")
        await tg.send_text(COORDINATOR, "Przeczytałem cały plik.", chat=COORDINATOR_CHAT,
                           reply_to=document)
        await tg.wait_for_text(RESIDENT.id, "Przeczytałem cały plik.")


async def test_the_outbox_survives_the_api_going_down(
    tg: FakeTelegram, settings: Settings
) -> None:
    residents = [FakeUser(300 + i, f"Mieszkaniec {i}") for i in range(3)]
    async with running_bot(settings):
        tickets = [await hand_off(tg, r, f"zgubiłem psa numer {r.id}", COORDINATOR_CHAT.id)
                   for r in residents]
        for number in range(1, len(tickets) + 1):
            await tg.send_text(COORDINATOR, f"/odpowiedz {number} Odpowiedź {number}.",
                               chat=COORDINATOR_CHAT)
        await tg.wait_for_call("getUpdates", start=len(tg.calls))  # the commands were read
        tg.go_down()  # first every call answers 502, then nothing even listens
        await asyncio.sleep(1)
        await tg.refuse_connections()
        await asyncio.sleep(1)
        await tg.accept_connections()
        tg.come_up()
        for number, resident in enumerate(residents, start=1):
            await tg.wait_for_text(resident.id, f"Odpowiedź {number}.", timeout=5)
        for ticket in tickets:
            await tg.wait_for(lambda s, t=ticket: s.method == "editMessageText"
                              and s.message_id == t.message_id, timeout=5)
    assert any(status == 502 for _, _, status in tg.errors)
    for resident in residents:
        assert sum(t.startswith("Odpowiedź koordynatora") for t in texts_to(tg, resident.id)) == 1


async def test_thirty_hand_offs_at_once_do_not_delay_an_unrelated_answer(
    tg: FakeTelegram, settings: Settings
) -> None:
    residents = [FakeUser(500 + i, f"Osoba {i}") for i in range(30)]
    asker = FakeUser(600, "Zofia")
    async with running_bot(settings):  # the real pacing: 20 posts a minute to the group
        start = len(tg.sent)
        for resident in residents:
            await tg.send_text(resident, f"zgubiłem psa numer {resident.id}")
        offers = [await tg.wait_for_text(r.id, "Nie mam gotowej odpowiedzi", start=start)
                  for r in residents]
        loop = asyncio.get_running_loop()
        pressed = loop.time()
        for resident, offer in zip(residents, offers, strict=True):
            await tg.press(resident, offer, offer.buttons[0][1])
        for resident in residents:  # everyone hears their number without waiting for posts
            await tg.wait_for_text(resident.id, "Przekazałem pytanie koordynatorowi", timeout=10)
        acknowledged = loop.time() - pressed
        posted = sum(s.chat_id == COORDINATOR_CHAT.id for s in tg.sent)
        assert posted < 30  # the group's budget is spent: the rest of the tickets wait
        asked = loop.time()
        answer = await ask(tg, "jak dolaczyc do klastra", asker)
        waited = loop.time() - asked
        assert answer.text.startswith("Aby dołączyć") and waited < 2.0, waited
        print(f"\n30 hand-offs acknowledged in {acknowledged:.2f} s with {posted} of 30 "
              f"tickets posted; a FAQ answer meanwhile took {waited * 1000:.0f} ms")
