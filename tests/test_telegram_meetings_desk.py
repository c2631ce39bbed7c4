"""Meetings without YAML: /dodaj_spotkanie, "Przenieś" and "Odwołaj", end to end."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.config import KnowledgeSettings, MeetingSettings, Settings
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, ROOT, Clock, running_bot
from tests.fakebot import FakeTelegram, FakeUser, Sent
from tests.test_telegram_meetings import (
    MEETING_START,
    MEETINGS_YAML,
    changes_told_to,
    meetings_listed_to,
    subscribe,
)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def meeting_settings(settings: Settings, tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)),
                   meetings=MeetingSettings(remind_before="24h"))


async def said(tg: FakeTelegram, expect: str, start: int,
               chat_id: int = COORDINATOR_CHAT.id) -> Sent:
    return await tg.wait_for(lambda s: s.chat_id == chat_id and s.method == "sendMessage"
                             and expect in (s.text or ""), start=start)


async def command(tg: FakeTelegram, text: str, expect: str) -> Sent:
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, text, chat=COORDINATOR_CHAT)
    return await said(tg, expect, start)


async def reply(tg: FakeTelegram, prompt: Sent, text: str, expect: str) -> Sent:
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, text, chat=COORDINATOR_CHAT, reply_to=prompt)
    return await said(tg, expect, start)


async def tap(tg: FakeTelegram, message: Sent, data: str, expect: str,
              chat_id: int = COORDINATOR_CHAT.id) -> Sent:
    start = len(tg.sent)
    await tg.press(COORDINATOR, message, data)
    return await said(tg, expect, start, chat_id)


def data_of(message: Sent, prefix: str) -> str:
    return next(d for _, d in message.buttons if d and d.startswith(prefix))


async def test_a_guided_meeting_survives_a_restart_and_lands_in_the_yaml(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    meetings = Path(meeting_settings.knowledge.path) / "meetings.yaml"
    meetings.write_text("# Spotkania – notatka koordynatora\n" +
                        meetings.read_text(encoding="utf-8"), encoding="utf-8")
    async with running_bot(meeting_settings, clock=clock):
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/dodaj_spotkanie")
        await tg.wait_for_text(RESIDENT.id, texts.COORDINATORS_ONLY, start=start)
        prompt = await command(tg, "/dodaj_spotkanie", texts.MEETING_ASK["title"])
        prompt = await reply(tg, prompt, "Warsztaty dla szkół", "Kiedy?")
        bad = await reply(tg, prompt, "31.02.2026 10:00", "Nie rozumiem")
        assert "takiego dnia nie ma" in bad.text
        prompt = await reply(tg, prompt, "15.12.2026 10:00-12:30", "Gdzie?")
    async with running_bot(meeting_settings, clock=clock):  # a restart in the middle
        audience = await reply(tg, prompt, "Starostwo Powiatowe, ul. Sobieskiego 9",
                               texts.MEETING_ASK["audience"])
        prompt = await tap(tg, audience, data_of(audience, "mau:").rsplit(":", 1)[0]
                           + ":members", "Jak się zapisać?")
        preview = await reply(tg, prompt, "Zgłoszenia u koordynatora", "sprawdź, zanim")
        assert "Termin: wtorek, 15 grudnia 2026, 10:00–12:30" in preview.text
        assert "Dla kogo: Tylko dla członków klastra" in preview.text
        done = await tap(tg, preview, data_of(preview, "msv:"), "Dodałem spotkanie")
        assert "przypomnienie dzień przed" in done.text
        start = len(tg.sent)
        await tg.press(COORDINATOR, preview, data_of(preview, "msv:"), check=False)
        await said(tg, texts.MEETING_ALREADY, start)

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/spotkania")
        card = await said(tg, "Warsztaty dla szkół", start, COORDINATOR.id)
        assert ("Przenieś", "mmv:2026-12-warsztaty-dla-szkol") in card.buttons
        await tg.send_text(RESIDENT, "/spotkania")
        await tg.wait_for_text(RESIDENT.id, "Spotkanie członków klastra", start=start)
    assert not any("Warsztaty" in (s.text or "") for s in tg.messages_to(RESIDENT.id))
    text = meetings.read_text(encoding="utf-8")
    assert text.startswith("# Spotkania – notatka koordynatora")
    assert text.index("2026-12-walne") < text.index("2026-12-warsztaty-dla-szkol")
    assert 'start: "2026-12-15 10:00"' in text and "audience: members" in text


async def test_the_one_line_form_asks_only_for_what_is_missing(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await command(tg, "/dodaj_spotkanie", texts.MEETING_ASK["title"])
        await command(tg, "/anuluj", texts.MEETING_DRAFT_CANCELLED)
        await command(tg, "/anuluj", texts.NOTHING_TO_CANCEL)
        refused = await command(tg, "/dodaj_spotkanie jutro | Zebranie", "Nie rozumiem")
        assert "2026-12-15 10:00 | Tytuł | Miejsce" in refused.text
        preview = await command(tg, "/dodaj_spotkanie 2026-12-15 10:00 | Zebranie sołtysów | "
                                "Kruszyna, świetlica", "sprawdź, zanim")
        assert texts.MEETING_NO_REGISTRATION in preview.text
        prompt = await tap(tg, preview, data_of(preview, "msv:"), "Jak się zapisać?")
        preview = await reply(tg, prompt, "Bez zapisów", "sprawdź, zanim")
        await tap(tg, preview, data_of(preview, "msv:"), "Dodałem spotkanie")
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/spotkania")
        card = await tg.wait_for_text(RESIDENT.id, "Zebranie sołtysów", start=start)
        assert "wtorek, 15 grudnia 2026, 10:00–12:00" in card.text
        assert not any(d and d.startswith("mmv:") for _, d in card.buttons)


async def test_moving_and_cancelling_tell_those_who_were_reminded(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    jan = FakeUser(303, "Jan", username="jan")
    kasia = FakeUser(304, "Kasia", username="kasia")
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        await subscribe(tg, jan)
        clock.now = MEETING_START - dt.timedelta(hours=23)
        await tg.wait_for_text(RESIDENT.id, "🔔 Przypomnienie")
        await tg.wait_for_text(jan.id, "🔔 Przypomnienie")

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/spotkania", chat=COORDINATOR_CHAT)
        card = await said(tg, "Spotkanie członków klastra", start)
        prompt = await tap(tg, card, "mmv:2026-12-walne", "Na kiedy przenieść")
        moved = await reply(tg, prompt, "11.12.2026 10:00", "Przeniosłem")
        assert "piątek, 11 grudnia 2026, 10:00–14:00" in moved.text  # it kept its 4 hours
        assert "Powiadamiam o zmianie 2 osoby" in moved.text
        notice = await tg.wait_for_text(RESIDENT.id, "📅 Zmiana terminu spotkania")
        assert "(wcześniej: piątek, 4 grudnia 2026, 10:00–14:00)" in notice.text
        await tg.wait_for_text(jan.id, "📅 Zmiana terminu spotkania")

        await subscribe(tg, kasia)  # a week before the new date: not reminded, not told
        confirm = await tap(tg, card, "mcx:2026-12-walne", "Odwołać")
        cancelled = await tap(tg, confirm, "mcx:y:2026-12-walne", "Odwołałem")
        assert "Powiadamiam o zmianie 2 osoby" in cancelled.text
        await tg.wait_for_text(RESIDENT.id, "❌ Spotkanie odwołane")
        await tg.wait_for_text(jan.id, "❌ Spotkanie odwołane")
        listing = await meetings_listed_to(tg)
        assert "Spotkanie członków klastra" not in listing.text
    assert not changes_told_to(tg, kasia.id)
    assert "2026-12-walne" not in (Path(meeting_settings.knowledge.path)
                                   / "meetings.yaml").read_text(encoding="utf-8")


async def test_a_members_only_meeting_change_reaches_members_only(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        await subscribe(tg, COORDINATOR)  # coordinators count as members
        clock.now = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)  # the narada is due
        await tg.wait_for(lambda s: s.chat_id == COORDINATOR.id and "Narada" in (s.text or ""))
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/spotkania", chat=COORDINATOR_CHAT)
        card = await said(tg, "Narada członków", start)
        prompt = await tap(tg, card, "mmv:2026-12-zarzad", "Na kiedy przenieść")
        moved = await reply(tg, prompt, "10.12.2026 12:00", "Przeniosłem")
        assert "Powiadamiam o zmianie 1 osobę" in moved.text
        await tg.wait_for_text(COORDINATOR.id, "📅 Zmiana terminu spotkania: Narada członków")
    assert not any("Narada" in (s.text or "") for s in tg.messages_to(RESIDENT.id))
