"""Meetings end to end with a controllable clock: list, calendar file, reminders, announcements."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import icalendar
import pytest

from bot import texts
from bot.config import KnowledgeSettings, MeetingSettings, Settings
from tests.conftest import (
    COORDINATOR,
    COORDINATOR_CHAT,
    RESIDENT,
    ROOT,
    Clock,
    running_bot,
)
from tests.fakebot import FakeTelegram, FakeUser, Sent

MEETINGS_YAML = """
meetings:
  - id: 2026-12-walne
    title: "Spotkanie członków klastra"
    start: "2026-12-04T10:00"
    end: "2026-12-04T14:00"
    place: "Starostwo Powiatowe w Częstochowie"
    address: "ul. Sobieskiego 9, Częstochowa"
    description: "Plan działań na 2027 r."
    audience: public
    registration: "u koordynatora, tel. 533 353 697"
  - id: 2026-12-zarzad
    title: "Narada członków"
    start: "2026-12-10T09:00"
    end: "2026-12-10T11:00"
    place: "Biuro Związku"
    address: "ul. Szymanowskiego 1, Częstochowa"
    description: "Tylko dla członków."
    audience: members
    registration: "e-mail do koordynatora"
"""
MEETING_START = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # 10:00 in Warsaw


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


async def subscribe(tg: FakeTelegram, user: FakeUser = RESIDENT) -> None:
    start = len(tg.sent)
    await tg.send_text(user, "/przypomnienia")
    state = await tg.wait_for_text(user.id, "Przypomnienia są wyłączone", start=start)
    await tg.press(user, state, "rem:on")
    await tg.wait_for(lambda s: s.chat_id == user.id and s.method == "editMessageText"
                      and "włączone" in (s.text or ""), start=start)


async def meetings_listed_to(tg: FakeTelegram, user: FakeUser = RESIDENT) -> Sent:
    """What /spotkania answers `user` now."""
    start = len(tg.sent)
    await tg.send_text(user, "/spotkania")
    return await tg.wait_for(lambda s: s.chat_id == user.id, start=start)


def changes_told_to(tg: FakeTelegram, chat_id: int) -> list[str]:
    """The move (📅) and cancel (❌) notices that reached a chat."""
    return [s.text or "" for s in tg.messages_to(chat_id)
            if "📅" in (s.text or "") or "❌" in (s.text or "")]


def reminders_to(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [s.text for s in tg.messages_to(chat_id)
            if s.method == "sendMessage" and (s.text or "").startswith("🔔 Przypomnienie")]


async def test_upcoming_meetings_with_polish_dates_and_a_calendar_file(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await tg.send_text(RESIDENT, "/spotkania")
        card = await tg.wait_for_text(RESIDENT.id, "Spotkanie członków klastra")
        assert "piątek, 4 grudnia 2026, 10:00–14:00" in card.text
        assert "Udział: u koordynatora" in card.text
        assert not any("Narada" in (s.text or "") for s in tg.messages_to(RESIDENT.id))
        await tg.press(RESIDENT, card, "ics:2026-12-walne")
        sent = await tg.wait_for(lambda s: s.method == "sendDocument")
        filename, content = sent.document
        assert filename == "2026-12-walne.ics"
        [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
        assert event.decoded("dtstart") == MEETING_START
        assert str(event["uid"]).startswith("2026-12-walne@")


async def test_members_see_members_only_meetings(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await tg.send_text(COORDINATOR, "kiedy najbliższe spotkanie?")
        await tg.wait_for_text(COORDINATOR.id, "Narada członków (dla członków klastra)")


async def test_no_meetings_planned_says_so_and_offers_reminders(
    tg: FakeTelegram, settings: Settings
) -> None:
    async with running_bot(settings):  # the bundled knowledge has only past meetings
        await tg.send_text(RESIDENT, "kiedy najbliższe spotkanie klastra?")
        reply = await tg.wait_for(lambda s: s.chat_id == RESIDENT.id)
        assert "Facebook" in reply.text
        assert reply.buttons == [(texts.REMINDERS_ON, "rem:on")]
        await tg.press(RESIDENT, reply, "rem:on")
        await tg.wait_for_text(RESIDENT.id, "Przypomnienia są włączone")
        assert tg.current_text(RESIDENT.id, reply.message_id) == reply.text  # the answer stays


async def test_reminder_arrives_once_and_not_again_after_a_restart(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        await asyncio.sleep(0.4)
        assert reminders_to(tg, RESIDENT.id) == []  # a week early
        clock.now = MEETING_START - dt.timedelta(hours=23)
        reminder = await tg.wait_for_text(RESIDENT.id, "🔔 Przypomnienie")
        assert "Spotkanie członków klastra" in reminder.text
        assert reminder.buttons == [(texts.ADD_TO_CALENDAR, "ics:2026-12-walne")]
        await asyncio.sleep(0.6)  # several more checks
    async with running_bot(meeting_settings, clock=clock):
        await asyncio.sleep(0.6)
    assert len(reminders_to(tg, RESIDENT.id)) == 1


async def test_a_reminder_missed_while_the_bot_was_down_is_sent_at_start(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
    clock.now = MEETING_START - dt.timedelta(hours=2)  # due 22 hours ago, not begun
    async with running_bot(meeting_settings, clock=clock):
        await tg.wait_for_text(RESIDENT.id, "🔔 Przypomnienie")
    clock.now = MEETING_START + dt.timedelta(minutes=5)
    async with running_bot(meeting_settings, clock=clock):
        await asyncio.sleep(0.5)
    assert len(reminders_to(tg, RESIDENT.id)) == 1


async def test_a_moved_meeting_is_reminded_at_its_new_time(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        clock.now = MEETING_START - dt.timedelta(hours=20)
        await tg.wait_for_text(RESIDENT.id, "🔔 Przypomnienie")
    meetings = Path(meeting_settings.knowledge.path) / "meetings.yaml"
    meetings.write_text(MEETINGS_YAML.replace("2026-12-04T", "2026-12-05T"), encoding="utf-8")
    async with running_bot(meeting_settings, clock=clock):
        await asyncio.sleep(0.4)
        assert len(reminders_to(tg, RESIDENT.id)) == 1  # the new time is not due yet
        clock.now = MEETING_START + dt.timedelta(hours=4)  # 20 hours before the new start
        second = await tg.wait_for(
            lambda s: (s.text or "").startswith("🔔") and "5 grudnia" in s.text)
        assert second.chat_id == RESIDENT.id


async def test_members_only_meeting_is_not_reminded_to_others(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        await subscribe(tg, COORDINATOR)
        clock.now = dt.datetime(2026, 12, 9, 12, 0, tzinfo=dt.UTC)  # only the narada is due
        await tg.wait_for(lambda s: s.chat_id == COORDINATOR.id and "Narada" in (s.text or ""))
        await asyncio.sleep(0.4)
    assert reminders_to(tg, RESIDENT.id) == []


async def test_announcement_reaches_subscribers_and_reports_blocked_ones(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    jan = FakeUser(303, "Jan", username="jan")
    async with running_bot(meeting_settings, clock=clock) as application:
        await subscribe(tg)
        await subscribe(tg, jan)
        tg.block(jan.id)
        preview = await announce(tg, "Zebranie przeniesione na piątek.")
        assert "wszyscy – 2 osoby" in preview.text
        announcement = await tg.wait_for_text(RESIDENT.id, "📢 Ogłoszenie")
        assert announcement.text.endswith("Zebranie przeniesione na piątek.")
        report = await tg.wait_for_text(COORDINATOR_CHAT.id, "Ogłoszenie dotarło do 1 osoby.")
        assert "1 osoba zablokowała bota i została wypisana." in report.text
        book = application.bot_data["services"].subscriptions
        assert [s.chat_id for s in book.subscribers()] == [RESIDENT.id]
        await tg.send_text(RESIDENT, "/ogloszenie ja też chcę")
        await tg.wait_for_text(RESIDENT.id, texts.COORDINATORS_ONLY)


async def test_reminders_toggle_off(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    async with running_bot(meeting_settings, clock=clock):
        await subscribe(tg)
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/reminders")
        state = await tg.wait_for_text(RESIDENT.id, "Przypomnienia są włączone", start=start)
        assert "przypomnę dzień przed każdym spotkaniem" in state.text
        await tg.press(RESIDENT, state, "rem:off")
        await tg.wait_for(lambda s: s.method == "editMessageText"
                          and "wyłączone" in (s.text or ""), start=start)
        clock.now = MEETING_START - dt.timedelta(hours=1)
        await asyncio.sleep(0.5)
    assert reminders_to(tg, RESIDENT.id) == []


async def announce(tg: FakeTelegram, text: str, audience: str = "all") -> Sent:
    """/ogloszenie with its preview: the audience is chosen with a button. Returns the
    preview."""
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, f"/ogloszenie {text}", chat=COORDINATOR_CHAT)
    preview = await tg.wait_for_text(COORDINATOR_CHAT.id, "Tak będzie wyglądać ogłoszenie",
                                     start=start)
    [data] = [d for _, d in preview.buttons if d and d.endswith(f":{audience}")]
    await tg.press(COORDINATOR, preview, data)
    return preview


async def test_an_announcement_is_previewed_with_its_audiences_and_sent_once(
    tg: FakeTelegram, meeting_settings: Settings, clock: Clock
) -> None:
    member = FakeUser(404, "Maria", username="maria")
    settings = replace(meeting_settings, meetings=replace(
        meeting_settings.meetings, member_user_ids=(member.id,)))
    async with running_bot(settings, clock=clock):
        await subscribe(tg)
        await subscribe(tg, member)
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/ogloszenie Zebranie członków w piątek.",
                           chat=COORDINATOR_CHAT)
        preview = await tg.wait_for_text(COORDINATOR_CHAT.id, "Tak będzie wyglądać",
                                         start=start)
        assert "📢 Ogłoszenie" in preview.text and "Zebranie członków w piątek." in preview.text
        assert "wszyscy – 2 osoby, tylko członkowie – 1 osoba" in preview.text
        assert [label for label, _ in preview.buttons] == [
            "Wszystkim (2)", "Członkom (1)", texts.ANNOUNCE_CANCEL]
        await asyncio.sleep(0.3)
        assert not [s for s in tg.messages_to(member.id) if "📢" in (s.text or "")]

        members = dict(preview.buttons)["Członkom (1)"]
        await tg.press(COORDINATOR, preview, members)
        await tg.press(COORDINATOR, preview, members, check=False)  # a double tap
        await tg.wait_for_text(member.id, "Zebranie członków w piątek.")
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Ogłoszenie dotarło do 1 osoby.")
        await asyncio.sleep(0.3)
        assert len([s for s in tg.messages_to(member.id) if "📢" in (s.text or "")]) == 1
        assert not [s for s in tg.messages_to(RESIDENT.id) if "📢" in (s.text or "")]

        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/ogloszenie Jednak nie.", chat=COORDINATOR_CHAT)
        preview = await tg.wait_for_text(COORDINATOR_CHAT.id, "Tak będzie wyglądać",
                                         start=start)
        await tg.press(COORDINATOR, preview, dict(preview.buttons)[texts.ANNOUNCE_CANCEL])
        await tg.wait_for_text(COORDINATOR_CHAT.id, texts.ANNOUNCE_CANCELLED, start=start)
        await asyncio.sleep(0.3)
        assert not [s for s in tg.sent[start:] if "Jednak nie." in (s.text or "")
                    and s.chat_id != COORDINATOR_CHAT.id]
