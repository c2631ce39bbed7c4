"""Statistics and learning from replies, end to end through the fake Bot API server."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.config import KnowledgeSettings, Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeTelegram, FakeUser
from tests.test_telegram import ask, hand_off_question

NEIGHBOUR = FakeUser(202, "Jan", "Sąsiad")


@pytest.fixture
def learning_settings(settings: Settings, tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)))


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
    assert "„Pomogło”: 100% (1 z 1 ocen)" in stats.text
    assert "Otwarte zgłoszenia: 1" in stats.text
    assert "zgubiłem psa na spacerze – 1×" in stats.text
    assert "Jak dołączyć do klastra? – 1" in stats.text


async def coordinator_answers(tg: FakeTelegram, ticket, text: str):
    await tg.send_text(COORDINATOR, text, chat=COORDINATOR_CHAT, reply_to=ticket)
    return await tg.wait_for(lambda s: s.chat_id == COORDINATOR_CHAT.id
                             and "dostarczona" in (s.text or ""))


async def test_an_answer_becomes_a_new_entry_for_the_next_resident(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    question = "Czy klaster kupi agregat prądotwórczy dla OSP w Kruszynie?"
    reply = "Nie, klaster nie kupuje sprzętu dla OSP. Zapytaj w urzędzie gminy."
    async with running_bot(learning_settings):
        offer = await ask(tg, question)
        hand_off = next(data for _, data in offer.buttons if data and data.startswith("h:"))
        await tg.press(RESIDENT, offer, hand_off)
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        confirmation = await coordinator_answers(tg, ticket, reply)
        assert confirmation.buttons == [(texts.LEARN, "learn:1")]
        await tg.press(NEIGHBOUR, confirmation, "learn:1")  # a group member, not a coordinator
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.COORDINATORS_ONLY)
        await tg.press(COORDINATOR, confirmation, "learn:1")
        how = await tg.wait_for(lambda s: s.method == "editMessageReplyMarkup"
                                and any(d == "ln:1" for _, d in s.buttons))
        await tg.press(COORDINATOR, how, "ln:1")
        categories = await tg.wait_for(lambda s: s.method == "editMessageReplyMarkup"
                                       and any(d == "lc:1:inne" for _, d in s.buttons))
        await tg.press(COORDINATOR, categories, "lc:1:inne")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Dodano do bazy wiedzy (inne.odpowiedz_1")

        answer = await ask(tg, question, user=NEIGHBOUR)
        assert answer.text == reply
    learned = Path(learning_settings.knowledge.path) / "faq" / "nauczone.yaml"
    assert "odpowiedź koordynatora" in learned.read_text(encoding="utf-8")


async def test_an_answer_becomes_a_new_phrasing_of_a_suggested_entry(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    question = "gdzie wy siedzicie"
    async with running_bot(learning_settings):
        choices = await ask(tg, question)
        assert any(data == "q:kontakt.adres" for _, data in choices.buttons)
        await tg.press(RESIDENT, choices, choices.buttons[-1][1])  # Żadne z tych
        ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1")
        confirmation = await coordinator_answers(tg, ticket, "Biuro: ul. Szymanowskiego 1.")
        await tg.press(COORDINATOR, confirmation, "learn:1")
        how = await tg.wait_for(lambda s: s.method == "editMessageReplyMarkup"
                                and any(d.startswith("la:1:") for _, d in s.buttons if d))
        target = next(d for _, d in how.buttons if d and d.startswith("la:1:kontakt.adres"))
        await tg.press(COORDINATOR, how, target)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Dodano do bazy wiedzy (kontakt.adres")
        answer = await ask(tg, question, user=NEIGHBOUR)
    assert "Szymanowskiego 1" in answer.text
