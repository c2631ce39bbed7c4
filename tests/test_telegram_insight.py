"""Statistics end to end through the fake Bot API server (learning: test_telegram_learning)."""

from __future__ import annotations

from bot import texts
from bot.config import Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, running_bot
from tests.fakebot import FakeTelegram
from tests.test_telegram import ask, hand_off_question


async def test_questions_are_counted_and_shown_in_statistics(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        answer = await ask(tg, "jak dolaczyc do klastra")
        await tg.press(RESIDENT, answer, answer.buttons[0][1])  # Pomogło
        await tg.wait_for_text(RESIDENT.id, texts.THANKS_FOR_FEEDBACK)
        await ask(tg, "spółdzielnia")
        await hand_off_question(tg, "zgubiłem psa na spacerze")
        await tg.send_text(RESIDENT, "/statystyki")
        await tg.wait_for_text(RESIDENT.id, texts.COORDINATORS_ONLY)
        await tg.send_text(COORDINATOR, "/statystyki 7", chat=COORDINATOR_CHAT)
        stats = await tg.wait_for_text(COORDINATOR_CHAT.id, "Statystyki z 7 dni")
    assert "Pytania: 3" in stats.text
    assert "odpowiedź od razu: 33%" in stats.text
    assert "przekazane koordynatorowi: 1" in stats.text
    assert "„Pomogło”: 100% (1 z 1 oceny)" in stats.text
    assert "Otwarte zgłoszenia: 1" in stats.text
    assert "zgubiłem psa na spacerze – 1×" in stats.text
    assert "Jak dołączyć do klastra? – 1" in stats.text
