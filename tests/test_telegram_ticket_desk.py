"""End to end through the fake Bot API: a ticket's status everywhere — "Biorę" / "Zamknij" on
the ticket post, a second answer only once confirmed, a hint for a reply to something that is
not a ticket, one ticket's history and the list with a button per ticket."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import Settings
from bot.office_hours import parse_office_hours
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, Clock, running_bot
from tests.fakebot import FakeTelegram, FakeUser
from tests.test_telegram_conversation import ask_coordinator

STRANGER = FakeUser(303, "Zenon", "Obcy")
NAME = f"{COORDINATOR.first_name} {COORDINATOR.last_name}"


async def test_take_and_close_buttons_edit_the_ticket_post_and_tell_the_resident(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        post = await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        assert [label for label, _ in post.buttons] == [texts.TICKET_TAKE, texts.TICKET_CLOSE]
        data = dict(post.buttons)

        await tg.press(STRANGER, post, data[texts.TICKET_TAKE])  # not a coordinator: refused
        await tg.press(COORDINATOR, post, data[texts.TICKET_TAKE])
        taken = await tg.wait_for(lambda s: s.method == "editMessageText"
                                  and s.message_id == post.message_id and "Biorę:" in s.text)
        assert f"👤 Biorę: {NAME}" in taken.text
        assert [label for label, _ in taken.buttons] == [texts.TICKET_CLOSE]

        start = len(tg.sent)
        await tg.press(COORDINATOR, post, data[texts.TICKET_CLOSE], check=False)
        closed = await tg.wait_for(lambda s: s.method == "editMessageText"
                                   and "🔒 Zamknięte" in s.text, start=start)
        assert closed.buttons == []
        await tg.wait_for_text(RESIDENT.id, "Zamknąłem Twoje zgłoszenie nr 1", start=start)


async def test_a_second_answer_is_sent_only_once_confirmed(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        post = await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        await tg.send_text(COORDINATOR, "Energa.", chat=COORDINATOR_CHAT, reply_to=post)
        await tg.wait_for_text(RESIDENT.id, "Energa.")

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/odpowiedz 1 Jednak Tauron.", chat=COORDINATOR_CHAT)
        ask = await tg.wait_for_text(
            COORDINATOR_CHAT.id, "Zgłoszenie nr 1 ma już odpowiedź – wysłać drugą?", start=start)
        await tg.press(COORDINATOR, ask, ask.buttons[1][1])  # "Nie"
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.ANSWER_AGAIN_DROPPED, start=start)
        assert not [s for s in tg.messages_to(RESIDENT.id) if "Tauron" in (s.text or "")]

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "Jednak Tauron.", chat=COORDINATOR_CHAT, reply_to=post)
        ask = await tg.wait_for_text(COORDINATOR_CHAT.id, "wysłać drugą?", start=start)
        await tg.press(COORDINATOR, ask, ask.buttons[0][1])  # "Tak, wyślij"
        await tg.wait_for_text(RESIDENT.id, "Jednak Tauron.", start=start)

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/zgloszenie 1", chat=COORDINATOR_CHAT)
        history = await tg.wait_for_text(COORDINATOR_CHAT.id, "<b>Zgłoszenie #1</b>",
                                         start=start)
        assert "pytanie: kto wymienia liczniki" in history.text
        assert f"odpowiedź ({NAME}): Energa." in history.text
        assert history.text.index("Energa.") < history.text.index("Jednak Tauron.")


async def test_a_reply_to_a_bot_message_that_is_no_ticket_gets_a_hint(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/zgloszenia", chat=COORDINATOR_CHAT)
        listing = await tg.wait_for_text(COORDINATOR_CHAT.id, "Otwarte zgłoszenia", start=start)
        assert listing.buttons == [("#1", "ts:1")]
        await tg.press(COORDINATOR, listing, "ts:1")
        history = await tg.wait_for_text(COORDINATOR_CHAT.id, "<b>Zgłoszenie #1</b> – otwarte",
                                         start=start)
        assert "pytanie: kto wymienia liczniki" in history.text
        await tg.send_text(COORDINATOR, "a to co?", chat=COORDINATOR_CHAT, reply_to=listing)
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.NOT_A_TICKET_HINT, start=start)


async def test_tickets_waiting_too_long_are_reminded_once_a_day(
    tg: FakeTelegram, settings: Settings
) -> None:
    clock = Clock(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))  # a Tuesday
    async with running_bot(settings, clock=clock):
        await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        await asyncio.sleep(0.5)
        assert not [s for s in tg.messages_to(COORDINATOR_CHAT.id) if "⏰" in (s.text or "")]
        clock.now += dt.timedelta(hours=25)
        reminder = await tg.wait_for_text(COORDINATOR_CHAT.id, "⏰ Na odpowiedź od ponad "
                                          "24 godzin czeka 1 zgłoszenie: #1.")
        clock.now += dt.timedelta(hours=2)
        await asyncio.sleep(0.6)  # the job runs every 0.2 s: still one reminder that day
        assert [s for s in tg.messages_to(COORDINATOR_CHAT.id) if "⏰" in (s.text or "")] == [
            reminder]


def test_working_time_leaves_out_nights_weekends_and_holidays() -> None:
    hours = parse_office_hours("pn-pt 8:00-16:00")
    assert hours is not None
    warsaw = ZoneInfo("Europe/Warsaw")
    friday = dt.datetime(2026, 11, 6, 15, 0, tzinfo=warsaw)
    monday = dt.datetime(2026, 11, 9, 9, 0, tzinfo=warsaw)
    assert hours.working_time(friday, monday) == dt.timedelta(hours=2)
    # Wednesday 11 November is Independence Day
    tuesday = dt.datetime(2026, 11, 10, 8, 0, tzinfo=warsaw)
    thursday = dt.datetime(2026, 11, 12, 16, 0, tzinfo=warsaw)
    assert hours.working_time(tuesday, thursday) == dt.timedelta(hours=16)


async def test_an_answer_given_in_a_private_chat_is_confirmed_there_and_names_who(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        post = await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/odpowiedz 1 Energa.")  # the coordinator's own chat
        await tg.wait_for_text(COORDINATOR.id, "Zapisałem odpowiedź na zgłoszenie #1",
                               start=start)
        await tg.wait_for_text(RESIDENT.id, "Energa.", start=start)
        await tg.wait_for_text(COORDINATOR.id, "✅ Odpowiedź na zgłoszenie #1 dostarczona.",
                               start=start)
        edited = await tg.wait_for(lambda s: s.method == "editMessageText"
                                   and s.message_id == post.message_id
                                   and "✅ Odpowiedziano" in s.text, start=start)
        assert f"({NAME})" in edited.text
