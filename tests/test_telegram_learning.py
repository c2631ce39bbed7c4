"""Learning with a preview, and /nauczone, end to end through the fake Bot API server."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.config import KnowledgeSettings, Settings
from bot.learning import add_phrasing
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeTelegram, FakeUser, Sent
from tests.test_telegram import ask

NEIGHBOUR = FakeUser(202, "Jan", "Sąsiad")
QUESTION = "Czy klaster kupi agregat prądotwórczy dla OSP w Kruszynie?"
PERSONAL = ("Dzień dobry Pani Anno! Nie, klaster nie kupuje sprzętu dla OSP. Zapytaj w "
            "urzędzie gminy.\nPozdrawiam, Mateusz")


@pytest.fixture
def learning_settings(settings: Settings, tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)))


def learned_file(settings: Settings) -> Path:
    return Path(settings.knowledge.path) / "faq" / "nauczone.yaml"


async def answered_ticket(tg: FakeTelegram, question: str, answer: str, *,
                          none_of_these: bool = False) -> Sent:
    """A resident's question handed off and answered; the confirmation with "Dodaj"."""
    offer = await ask(tg, question)
    data = (offer.buttons[-1][1] if none_of_these else
            next(d for _, d in offer.buttons if d and d.startswith("h:")))
    if data.startswith("nh:"):  # answered at once: "Nie pomogło", then pass it on as it is
        start = len(tg.sent)
        await tg.press(RESIDENT, offer, data)
        offer = await tg.wait_for_text(RESIDENT.id, texts.NOT_HELPED_PROMPT, start=start)
        data = offer.buttons[0][1]
    start = len(tg.sent)
    await tg.press(RESIDENT, offer, data)
    ticket = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #", start=start)
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, answer, chat=COORDINATOR_CHAT, reply_to=ticket)
    return await tg.wait_for(lambda s: s.chat_id == COORDINATOR_CHAT.id
                             and "dostarczona" in (s.text or ""), start=start)


async def open_preview(tg: FakeTelegram, confirmation: Sent) -> Sent:
    return await tap(tg, confirmation, "learn:1", "Propozycja wpisu")


def button(message: Sent, prefix: str) -> str:
    return next(d for _, d in message.buttons if d and d.startswith(prefix))


async def targets(tg: FakeTelegram, preview: Sent) -> Sent:
    """"Do istniejącego wpisu…": the preview's buttons become the suggested entries'."""
    start = len(tg.sent)
    await tg.press(COORDINATOR, preview, button(preview, "ltg:"))
    return await tg.wait_for(lambda s: s.method == "editMessageReplyMarkup"
                             and s.message_id == preview.message_id, start=start)


def edit_button(message: Sent, field: str) -> str:
    return next(d for _, d in message.buttons if d and d.startswith("led:")
                and d.endswith(f":{field}"))


async def said(tg: FakeTelegram, expect: str, start: int) -> Sent:
    """The next message the bot sent (not edited) to the coordinator chat containing it."""
    return await tg.wait_for(lambda s: s.chat_id == COORDINATOR_CHAT.id
                             and s.method == "sendMessage" and expect in (s.text or ""),
                             start=start)


async def tap(tg: FakeTelegram, message: Sent, data: str, expect: str,
              user: FakeUser = COORDINATOR) -> Sent:
    start = len(tg.sent)
    await tg.press(user, message, data)
    return await said(tg, expect, start)


async def type_answer(tg: FakeTelegram, prompt: Sent, text: str, expect: str) -> Sent:
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, text, chat=COORDINATOR_CHAT, reply_to=prompt)
    return await said(tg, expect, start)


async def test_a_new_entry_is_previewed_cleaned_and_saved_once(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    async with running_bot(learning_settings):
        confirmation = await answered_ticket(tg, QUESTION, PERSONAL)
        await tg.press(NEIGHBOUR, confirmation, "learn:1")  # not a coordinator
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.COORDINATORS_ONLY)
        preview = await open_preview(tg, confirmation)
        assert not learned_file(learning_settings).exists()  # nothing written yet
        assert f"Pytanie: {QUESTION}" in preview.text and "Kategoria:" in preview.text
        assert "powitania „Dzień dobry Pani Anno!”" in preview.text
        assert "podpisem „Pozdrawiam, Mateusz”" in preview.text

        warning = await tap(tg, preview, button(preview, "lsv:"), texts.LEARN_FLAGS)
        assert "Pani Anno" in warning.text and not learned_file(learning_settings).exists()
        start = len(tg.sent)
        await tg.press(COORDINATOR, preview, button(preview, "lst:"))
        cleaned = await tg.wait_for(lambda s: s.method == "editMessageText"
                                    and s.message_id == preview.message_id, start=start)
        assert "Dzień dobry" not in cleaned.text and "Pozdrawiam" not in cleaned.text
        assert "Nie, klaster nie kupuje sprzętu dla OSP." in cleaned.text

        prompt = await tap(tg, cleaned, edit_button(cleaned, "button"),
                           "krótki napis na przycisk")
        too_long = await type_answer(tg, prompt, "x" * 41, "Nie przyjmę tego")
        assert "41 znaków" in too_long.text
        fresh = await type_answer(tg, prompt, "Agregat dla OSP", "Propozycja wpisu")
        assert "Napis na przycisku: Agregat dla OSP" in fresh.text
        saved = await tap(tg, fresh, button(fresh, "lsv:"), "Dodałem wpis")
        assert "faq/nauczone.yaml" in saved.text and str(ROOT) not in saved.text
        start = len(tg.sent)  # a double tap: the second arrives before the buttons went
        await tg.press(COORDINATOR, fresh, "lsv:1", check=False)
        again = await said(tg, "już zapisałem", start)
        assert again.text.startswith("Tę propozycję już zapisałem")

        answer = await ask(tg, QUESTION, user=NEIGHBOUR)
        assert answer.text == "Nie, klaster nie kupuje sprzętu dla OSP. Zapytaj w urzędzie gminy."
    text = learned_file(learning_settings).read_text(encoding="utf-8")
    assert text.count("  - id: ") == 1 and "button: Agregat dla OSP" in text
    assert not any("wczytana (automatycznie" in (s.text or "") for s in tg.sent)


async def test_a_phrasing_keeps_the_entrys_answer_and_replacing_is_a_separate_choice(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    question = "gdzie was szukać w Częstochowie"
    contact = (Path(learning_settings.knowledge.path) / "faq" / "kontakt.yaml")
    async with running_bot(learning_settings):
        confirmation = await answered_ticket(tg, question, "Biuro: ul. Szymanowskiego 1.",
                                             none_of_these=True)
        preview = await open_preview(tg, confirmation)
        assert texts.LEARN_PHRASING_NOTE in preview.text
        preview = await targets(tg, preview)
        labels = [label for label, _ in preview.buttons]
        assert any(label.startswith("Jako pytanie do:") for label in labels)
        assert any(label.startswith("Zastąp odpowiedź:") for label in labels)
        target = button(preview, "lph:")
        done = await tap(tg, preview, target, "Dodałem pytanie do wpisu")
        assert "odpowiedź się nie zmieniła" in done.text
        answer = await ask(tg, question, user=NEIGHBOUR)
        assert "Szymanowskiego 1." not in answer.text  # the entry's own answer stays

    async with running_bot(learning_settings):
        second = await answered_ticket(tg, "a gdzie macie siedzibę w mieście",
                                       "Siedziba: ul. Szymanowskiego 1, pokój 12.",
                                       none_of_these=True)
        assert second.buttons == [(texts.LEARN, "learn:2")]
        preview = await targets(tg, await tap(tg, second, "learn:2", "Propozycja wpisu"))
        replace_data = button(preview, "lrp:")
        confirm = await tap(tg, preview, replace_data, "Obecna odpowiedź")
        replaced = await tap(tg, confirm, replace_data + ":y", "Zastąpiłem odpowiedź")
        assert "faq/kontakt.yaml" in replaced.text
        answer = await ask(tg, "jaki jest adres biura klastra", user=NEIGHBOUR)
        assert answer.text == "Siedziba: ul. Szymanowskiego 1, pokój 12."  # reloaded at once
    assert contact.read_text(encoding="utf-8").startswith("# Dane kontaktowe")
    assert "pokój 12" in contact.read_text(encoding="utf-8")


async def test_over_long_and_colliding_questions_get_one_clear_line(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    long_question = "Mam pytanie o " + "bardzo długą sprawę " * 12 + "czy to możliwe?"
    async with running_bot(learning_settings):
        confirmation = await answered_ticket(tg, long_question, "Tak, to możliwe.")
        preview = await open_preview(tg, confirmation)
        assert "skróć je" in preview.text
        refused = await tap(tg, preview, button(preview, "lsv:"), "Nie zapisałem")
        assert "najwyżej 200" in refused.text and "\n" not in refused.text
        prompt = await tap(tg, preview, edit_button(preview, "question"),
                           "Napisz pytanie")
        fresh = await type_answer(tg, prompt, "Jak dołączyć do klastra?", "Propozycja wpisu")
        failed = await tap(tg, fresh, button(fresh, "lsv:"), "Nie zapisałem")
        assert "takie pytanie ma już wpis czlonkostwo.jak_dolaczyc" in failed.text
        assert str(Path(learning_settings.knowledge.path)) not in failed.text
        assert "\n" not in failed.text
        prompt = await tap(tg, fresh, edit_button(fresh, "question"),
                           "Napisz pytanie")
        fixed = await type_answer(tg, prompt, "Czy długie sprawy są możliwe?", "Propozycja")
        await tap(tg, fixed, button(fixed, "lsv:"), "Dodałem wpis")
    assert not any("wczytana (automatycznie" in (s.text or "") for s in tg.sent)


async def test_learned_entries_are_listed_edited_and_removed(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    async with running_bot(learning_settings):
        await tg.send_text(COORDINATOR, "/nauczone", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.LEARNED_LIST_EMPTY)
        confirmation = await answered_ticket(tg, QUESTION, "Nie kupuje.")
        preview = await open_preview(tg, confirmation)
        await tap(tg, preview, button(preview, "lsv:"), "Dodałem wpis")

        add_phrasing(learning_settings.knowledge.path, entry_id="kontakt.adres",
                     text="gdzie was szukać w Częstochowie")
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/nauczone", chat=COORDINATOR_CHAT)
        listing = await tg.wait_for_text(COORDINATOR_CHAT.id, "Wpisy dodane z czatu (2)",
                                         start=start)
        label, data = listing.buttons[1]
        assert label.startswith("➕ 1 pytanie do: ") and data == "nsh:kontakt.adres"
        phrasings = await tap(tg, listing, "nsh:kontakt.adres", "Pytania dopisane do wpisu")
        await tap(tg, phrasings, "nup:0:kontakt.adres", "Usunąłem pytanie „gdzie was szukać")
        entry = listing.buttons[0][1].removeprefix("nsh:")
        shown = await tap(tg, listing, f"nsh:{entry}", f"Wpis {entry}")
        prompt = await tap(tg, shown, f"ned:answer:{entry}", "Napisz nową odpowiedź")
        # colleagues talk in the group: only a reply to the bot's question is taken
        await tg.send_text(COORDINATOR, "zaraz to poprawię", chat=COORDINATOR_CHAT)
        await type_answer(tg, prompt, "Nie, ale gmina może pomóc.", "Poprawiłem wpis")
        answer = await ask(tg, QUESTION, user=NEIGHBOUR)
        assert answer.text == "Nie, ale gmina może pomóc."

        confirm = await tap(tg, shown, f"nrm:{entry}", "Usunąć wpis")
        await tap(tg, confirm, f"nrm:y:{entry}", "Usunąłem wpis")
        answer = await ask(tg, QUESTION, user=NEIGHBOUR)
        assert answer.text != "Nie, ale gmina może pomóc."


async def test_a_preview_survives_a_restart(
    tg: FakeTelegram, learning_settings: Settings
) -> None:
    async with running_bot(learning_settings):
        confirmation = await answered_ticket(tg, QUESTION, "Nie kupuje.")
        preview = await open_preview(tg, confirmation)
        start = len(tg.sent)  # a button of the version before previews, still in the chat
        await tg.press(COORDINATOR, confirmation, "lc:1:inne", check=False)
        await said(tg, texts.LEARN_OUTDATED, start)
        assert not learned_file(learning_settings).exists()
        prompt = await tap(tg, preview, edit_button(preview, "answer"),
                           "Napisz nową odpowiedź")
    async with running_bot(learning_settings):
        fresh = await type_answer(tg, prompt, "Nie kupuje sprzętu dla OSP.", "Propozycja")
        await tap(tg, fresh, button(fresh, "lsv:"), "Dodałem wpis")
