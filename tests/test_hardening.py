"""Production behaviour end to end: reload, floods, bans, ticket limits, privacy, office hours."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.config import CoordinatorSettings, KnowledgeSettings, LimitSettings, Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, running_bot
from tests.fakebot import FakeTelegram
from tests.test_telegram import ask, hand_off_question


@pytest.fixture
def own_knowledge(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge))), knowledge


NEW_ENTRY = """
  - id: klaster.godziny
    category: klaster
    question: "W jakich godzinach pracuje infolinia klastra?"
    alternates: ["godziny pracy infolinii", "kiedy dziala infolinia", "infolinia godziny",
                 "do ktorej czynna infolinia", "od ktorej godziny infolinia"]
    answer: "Bot odpowiada całą dobę."
    source: ["strona klastra"]
    checked: 2026-11-26
"""


async def test_a_valid_edit_is_picked_up_and_a_broken_one_is_rejected(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    faq = knowledge / "faq" / "klaster.yaml"
    async with running_bot(settings):
        faq.write_text(faq.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Baza wiedzy wczytana (automatycznie")
        answer = await ask(tg, "w jakich godzinach działa infolinia klastra")
        assert answer.text == "Bot odpowiada całą dobę."

        faq.write_text(faq.read_text(encoding="utf-8") + "  - id: [zepsute\n", encoding="utf-8")
        report = await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie wczytano nowej bazy wiedzy")
        assert "klaster.yaml:" in report.text and "Bot dalej używa poprzedniej" in report.text
        answer = await ask(tg, "w jakich godzinach działa infolinia klastra")
        assert answer.text == "Bot odpowiada całą dobę."  # the last good knowledge stays

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/przeladuj", chat=COORDINATOR_CHAT)
        manual = await tg.wait_for_text(COORDINATOR_CHAT.id, "na polecenie", start=start)
        assert "Nie wczytano" in manual.text


async def test_a_flood_gets_one_notice_then_silence(
    tg: FakeTelegram, settings: Settings
) -> None:
    limited = replace(settings, limits=LimitSettings(messages_per_minute=3))
    async with running_bot(limited):
        for _ in range(6):
            await tg.send_text(RESIDENT, "jak dolaczyc do klastra")
        await tg.wait_for_text(RESIDENT.id, texts.TOO_MANY)
        await asyncio.sleep(0.5)
        replies = [s.text for s in tg.messages_to(RESIDENT.id)]
        assert replies.count(texts.TOO_MANY) == 1
        assert len(replies) == 4  # three answers and the notice


async def test_open_tickets_per_resident_are_capped(tg: FakeTelegram, settings: Settings) -> None:
    capped = replace(settings, limits=LimitSettings(open_tickets_per_user=2))
    async with running_bot(capped):
        for number in range(3):
            start = len(tg.sent)
            await tg.send_text(RESIDENT, "/start")
            menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT, start=start)
            await tg.press(RESIDENT, menu, "ask")
            await tg.wait_for_text(RESIDENT.id, texts.ASK_PROMPT, start=start)
            await tg.send_text(RESIDENT, f"pytanie numer {number}")
            await tg.wait_for_text(RESIDENT.id, "zgłoszen", start=start)
        await asyncio.sleep(0.3)
        tickets = [s.text for s in tg.messages_to(COORDINATOR_CHAT.id)]
        assert any("Zgłoszenie #2" in t for t in tickets)
        assert not any("Zgłoszenie #3" in t for t in tickets)
        assert any("Zgłoszenie #2, ciąg dalszy" in t and "pytanie numer 2" in t for t in tickets)


async def test_a_very_long_question_is_kept_whole_in_the_ticket(
    tg: FakeTelegram, settings: Settings
) -> None:
    story = "Opiszę dokładnie mój problem z licznikiem. " * 95  # about 4,000 characters
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "/start")
        menu = await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT)
        await tg.press(RESIDENT, menu, "ask")
        await tg.wait_for_text(RESIDENT.id, texts.ASK_PROMPT)
        await tg.send_text(RESIDENT, story.strip())
        await tg.wait_for_text(RESIDENT.id, "zgłoszenie nr 1")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #1, dalsza część")
        first, rest = (s.plain for s in tg.messages_to(COORDINATOR_CHAT.id))
        question = (first.split("\n\n")[1] + " "
                    + rest.removeprefix("Zgłoszenie #1, dalsza część\n\n"))
        assert question == story.strip()  # cut between words, nothing lost


async def test_blocked_people_are_ignored_until_unblocked(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await tg.send_text(RESIDENT, "/blokuj 555")
        await tg.wait_for_text(RESIDENT.id, texts.COORDINATORS_ONLY)
        await tg.send_text(COORDINATOR, f"/blokuj {RESIDENT.id}", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, f"Użytkownik {RESIDENT.id} zablokowany")
        before = len(tg.messages_to(RESIDENT.id))
        await tg.send_text(RESIDENT, "jak dolaczyc do klastra")
        await asyncio.sleep(0.5)
        assert len(tg.messages_to(RESIDENT.id)) == before
        await tg.send_text(COORDINATOR, f"/odblokuj {RESIDENT.id}", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "odblokowany")
        await ask(tg, "jak dolaczyc do klastra")


async def test_my_data_shows_everything_and_forget_me_removes_it(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings) as application:
        ticket_post, _ = await hand_off_question(tg, "zgubiłem psa na spacerze")
        await ask(tg, "mój PESEL 80010112345, proszę o telefon")  # joins the open ticket
        followup = await tg.wait_for_text(COORDINATOR_CHAT.id, "80010112345")
        await tg.send_text(RESIDENT, "/moje_dane")
        data = await tg.wait_for_text(RESIDENT.id, texts.MY_DATA_TITLE)
        assert "Zgłoszenie nr 1" in data.text and "zgubiłem psa na spacerze" in data.text
        assert "Anna Nowak" in data.text and "@anowak" in data.text
        assert "Dopisane: mój PESEL 80010112345" in data.text

        await tg.send_text(RESIDENT, "/usun_dane")
        confirm = await tg.wait_for_text(RESIDENT.id, "Usunąć wszystkie Twoje dane?")
        await tg.press(RESIDENT, confirm, confirm.buttons[0][1])
        await tg.wait_for_text(RESIDENT.id, "Usunięte.")
        svc = application.bot_data["services"]
        ticket = svc.desk.ticket(1)
        assert ticket is not None and ticket.question == "" and ticket.display_name == ""
        assert ticket.status == "closed"
        # the coordinator chat no longer shows the question, the name or the PESEL
        await tg.wait_for_text(COORDINATOR_CHAT.id, "ta osoba usunęła swoje dane")
        for post in (ticket_post, followup):
            await tg.wait_for(lambda s, post=post: s.method == "editMessageText"
                              and s.message_id == post.message_id)
        for post in (ticket_post, followup):
            shown = tg.current_text(COORDINATOR_CHAT.id, post.message_id) or ""
            assert "dane usunięte" in shown
            assert "80010112345" not in shown and "Anna Nowak" not in shown
        texts_logged = [q.text for q in svc.questions.since(ticket.created_at)]
        assert not any(t and "80010112345" in t for t in texts_logged)
        # an answer to the erased ticket is not sent anywhere, and the coordinator knows why
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/odpowiedz 1 Oddzwonię jutro.", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie wyślę odpowiedzi", start=start)
        assert not any("Oddzwonię" in (m.text or "") for m in tg.messages_to(RESIDENT.id))
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/moje_dane")
        after = await tg.wait_for_text(RESIDENT.id, texts.MY_DATA_TITLE, start=start)
        assert texts.MY_DATA_NO_TICKETS in after.text


async def test_outside_office_hours_the_hand_off_says_when_to_expect_an_answer(
    tg: FakeTelegram, settings: Settings
) -> None:
    friday_evening = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)
    with_hours = replace(settings, coordinator=replace(
        settings.coordinator, office_hours="pn-pt 8:00-16:00"))
    assert isinstance(with_hours.coordinator, CoordinatorSettings)
    async with running_bot(with_hours, clock=lambda: friday_evening):
        offer = await ask(tg, "zgubiłem psa")
        await tg.press(RESIDENT, offer, offer.buttons[0][1])
        confirmation = await tg.wait_for_text(RESIDENT.id, "zgłoszenie nr 1")
        assert "pn–pt 8:00–16:00" in confirmation.text
        assert "poniedziałek, 30 listopada 2026, 8:00" in confirmation.text


async def test_retention_anonymises_old_tickets_at_start(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):
        await hand_off_question(tg)
    next_year = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    async with running_bot(settings, clock=lambda: next_year) as application:
        desk = application.bot_data["services"].desk
        for _ in range(50):
            if desk.ticket(1).question == "":
                break
            await asyncio.sleep(0.05)
        assert desk.ticket(1).question == "" and desk.ticket(1).user_id == 0


async def test_logs_at_info_hold_no_message_text_and_no_names(
    tg: FakeTelegram, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO")
    async with running_bot(settings):
        ticket, _ = await hand_off_question(tg, "Sekretna sprawa Zenobii z Lelowa")
        await tg.send_text(COORDINATOR, "Poufna odpowiedź", chat=COORDINATOR_CHAT,
                           reply_to=ticket)
        await tg.wait_for_text(RESIDENT.id, "Poufna odpowiedź")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for private in ("Sekretna", "Zenobii", "Poufna", "Anna", "Nowak", "anowak", tg.token):
        assert private not in logged
