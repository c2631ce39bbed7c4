"""End to end through the fake Bot API: the resident knows what happens to their question —
/moje_zgloszenia, a ticket closed with a reason, the answer quoting the question with its
buttons (done, one more question joining the same ticket, a rating) and when to expect it."""

from __future__ import annotations

import sqlite3

from bot import texts
from bot.config import Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, running_bot
from tests.fakebot import FakeTelegram
from tests.test_telegram_conversation import ask_coordinator


async def test_my_tickets_lists_states_and_dates_and_a_closed_ticket_tells_the_reason(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/moje_zgloszenia")
        await tg.wait_for_text(RESIDENT.id, texts.MY_TICKETS_NONE, start=start)

        await ask_coordinator(tg, "czy mogę postawić wiatrak na działce rolnej")
        handed = await tg.wait_for_text(RESIDENT.id, "zgłoszenie nr 1")
        assert "Koordynator odpowiada zwykle w ciągu 2 dni roboczych." in handed.text

        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/moje_zgloszenia")
        listing = await tg.wait_for_text(RESIDENT.id, texts.MY_TICKETS_TITLE, start=start)
        assert "nr 1 z " in listing.text and "otwarte" in listing.text
        assert "„czy mogę postawić wiatrak na działce rolnej”" in listing.text
        date = listing.text.split("nr 1 z ", 1)[1].split(" ", 1)[0]
        day, month, year = date.split(".")
        assert len(day) == 2 and len(month) == 2 and len(year) == 4

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/zamknij 1 to sprawa dla gminy, nie dla klastra",
                           chat=COORDINATOR_CHAT)
        done = await tg.wait_for_text(COORDINATOR_CHAT.id, "zamknięte bez odpowiedzi",
                                      start=start)
        assert "z powodem" in done.text
        notice = await tg.wait_for_text(RESIDENT.id, "Zamknąłem Twoje zgłoszenie nr 1",
                                        start=start)
        assert "Powód: to sprawa dla gminy, nie dla klastra" in notice.text

        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/moje_zgloszenia")
        listing = await tg.wait_for_text(RESIDENT.id, texts.MY_TICKETS_TITLE, start=start)
        assert "zamknięte" in listing.text


async def test_the_answer_quotes_the_question_and_offers_more_done_and_a_rating(
    tg: FakeTelegram, settings: Settings
) -> None:
    long_question = "czy mogę postawić wiatrak na działce rolnej " + "i co z tym dalej " * 12
    async with running_bot(settings):
        ticket = await ask_coordinator(tg, long_question.strip())
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "Tak, po uzyskaniu decyzji o warunkach zabudowy.",
                           chat=COORDINATOR_CHAT, reply_to=ticket)
        answer = await tg.wait_for_text(RESIDENT.id, "na Twoje pytanie „czy mogę",
                                        start=start)
        assert "…”" in answer.text  # a long question is shortened
        assert "po uzyskaniu decyzji" in answer.text
        labels = [label for label, _ in answer.buttons]
        assert labels == [texts.ANSWER_DONE, texts.ANSWER_MORE, texts.RATE_UP, texts.RATE_DOWN]
        data = dict(answer.buttons)

        taps = len(tg.callback_answers)
        await tg.press(RESIDENT, answer, data[texts.RATE_UP])
        await tg.wait_for_callback_answers(taps + 1)
        assert tg.callback_answers[-1].get("text") == texts.RATED
        db = sqlite3.connect(settings.storage.path)
        assert db.execute("SELECT rating FROM tickets WHERE id = 1").fetchone()[0] == 1

        start = len(tg.sent)
        await tg.press(RESIDENT, answer, data[texts.ANSWER_MORE])
        await tg.wait_for_text(RESIDENT.id, texts.ANSWER_MORE_PROMPT.format(number=1),
                               start=start)
        await tg.send_text(RESIDENT, "a jaka wysokość jest dozwolona")
        followup = await tg.wait_for_text(COORDINATOR_CHAT.id, "a jaka wysokość", start=start)
        assert "Zgłoszenie #1, ciąg dalszy" in followup.plain
        assert db.execute("SELECT status FROM tickets WHERE id = 1").fetchone()[0] == "open"
        assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1

        start = len(tg.sent)
        await tg.press(RESIDENT, answer, data[texts.ANSWER_DONE])
        await tg.wait_for_text(RESIDENT.id, texts.ANSWER_DONE_REPLY, start=start)
        db.close()
