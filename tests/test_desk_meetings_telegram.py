"""The desk beside Telegram, in one process: a meeting cancelled or moved in the desk reaches
Telegram subscribers as the "Odwołaj" / "Przenieś" buttons do, and an announcement from the
desk reaches them with a report of the copies."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import KnowledgeSettings, MeetingSettings, Settings, WebSettings
from tests.conftest import COORDINATOR, RESIDENT, ROOT, Clock
from tests.desk import LOGIN, PASSWORD, with_accounts
from tests.fakebot import FakeTelegram, FakeUser
from tests.test_telegram_meetings import (
    MEETING_START,
    MEETINGS_YAML,
    changes_told_to,
    meetings_listed_to,
    subscribe,
)
from tests.webchat import running_bot_with_web

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
JAN = FakeUser(303, "Jan", username="jan")
KASIA = FakeUser(304, "Kasia", username="kasia")


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def desk_and_bot(settings: Settings, tmp_path: Path) -> Settings:
    """Telegram (the fake Bot API) with the web chat and desk beside it, on a knowledge copy."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    return with_accounts(replace(
        settings, knowledge=KnowledgeSettings(path=str(knowledge)),
        meetings=MeetingSettings(remind_before="24h",
                                 member_user_ids=(JAN.id,)),
        web=WebSettings(enabled=True, port=0)), (LOGIN, PASSWORD))


class Desk:
    """A coordinator's browser session on the running server (cookies kept)."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base

    async def page(self, path: str) -> str:
        async with self.http.get(self.base + path) as response:
            assert response.status == 200, (path, response.status)
            return await response.text()

    async def submit(self, path: str, form_page: str | None = None, **fields: str) -> str:
        """POST with the form's CSRF token; the page the 303 leads to (or the answer)."""
        token = unescape(CSRF.findall(await self.page(form_page or path))[-1])
        async with self.http.post(self.base + path, data={"csrf": token, **fields}) as response:
            assert response.status == 200, (path, response.status, await response.text())
            return await response.text()

    async def sign_in(self) -> None:
        page = await self.page("/koordynator/logowanie")
        token = unescape(CSRF.search(page).group(1))  # type: ignore[union-attr]
        async with self.http.post(self.base + "/koordynator/logowanie", data={
                "login": LOGIN, "haslo": PASSWORD, "csrf": token}) as response:
            assert response.status == 200 and "Wyloguj" in await response.text()


@asynccontextmanager
async def signed_in(channel: Any) -> AsyncIterator[Desk]:
    base = channel.url.removesuffix("/czat")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        desk = Desk(http, base)
        await desk.sign_in()
        yield desk


def visible(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", re.sub(
        r"<style>.*?</style>", "", page, flags=re.S))).split())


async def test_a_cancel_in_the_desk_tells_telegram_subscribers_like_the_button(
        tg: FakeTelegram, desk_and_bot: Settings, clock: Clock) -> None:
    async with running_bot_with_web(desk_and_bot, clock) as (_, channel):
        await subscribe(tg)
        await subscribe(tg, JAN)
        clock.now = MEETING_START - dt.timedelta(hours=23)
        await tg.wait_for_text(RESIDENT.id, "🔔 Przypomnienie")
        await tg.wait_for_text(JAN.id, "🔔 Przypomnienie")
        async with signed_in(channel) as desk:
            form = visible(await desk.page("/koordynator/spotkania/2026-12-walne/przenies"))
            assert "powiadomię 2 osoby" in form
            moved = visible(await desk.submit("/koordynator/spotkania/2026-12-walne/przenies",
                                              when="11.12.2026 10:00"))
            assert "Przeniosłem „Spotkanie członków klastra” na piątek, 11 grudnia 2026, " \
                   "10:00–14:00. Powiadamiam o zmianie 2 osoby" in moved
            notice = await tg.wait_for_text(RESIDENT.id, "📅 Zmiana terminu spotkania")
            assert "(wcześniej: piątek, 4 grudnia 2026, 10:00–14:00)" in notice.text
            await tg.wait_for_text(JAN.id, "📅 Zmiana terminu spotkania")

            await subscribe(tg, KASIA)  # a week before the new date: not reminded, not told
            path = "/koordynator/spotkania/2026-12-walne/odwolaj"
            cancelled = visible(await desk.submit(path))
            assert "Odwołałem „Spotkanie członków klastra”. Powiadamiam o zmianie 2 osoby" \
                in cancelled
            await tg.wait_for_text(RESIDENT.id, "❌ Spotkanie odwołane: Spotkanie członków "
                                   "klastra (piątek, 11 grudnia 2026, 10:00–14:00).")
            await tg.wait_for_text(JAN.id, "❌ Spotkanie odwołane")
            listing = await meetings_listed_to(tg)
            assert "Spotkanie członków klastra" not in listing.text
    assert not changes_told_to(tg, KASIA.id)
    assert "2026-12-walne" not in (Path(desk_and_bot.knowledge.path)
                                   / "meetings.yaml").read_text(encoding="utf-8")


async def test_an_announcement_from_the_desk_reaches_subscribers_and_is_counted(
        tg: FakeTelegram, desk_and_bot: Settings) -> None:
    async with running_bot_with_web(desk_and_bot) as (_, channel):
        for user in (RESIDENT, JAN, KASIA):
            await subscribe(tg, user)
        tg.block(KASIA.id)
        async with signed_in(channel) as desk:
            form = visible(await desk.page("/koordynator/ogloszenia"))
            assert "Wszystkim z włączonymi przypomnieniami (3 osoby)" in form
            assert "Tylko członkom klastra (1 osoba)" in form
            preview = await desk.submit("/koordynator/ogloszenia/podglad",
                                        "/koordynator/ogloszenia",
                                        tresc="Zebranie <b>jutro</b>\no 10:00.", odbiorcy="all")
            shown = visible(preview)
            assert "📢 Ogłoszenie Klastra Energii Powiatu Częstochowskiego: Zebranie " \
                   "<b>jutro</b> o 10:00." in shown
            assert "Odbiorcy: Wszystkim z włączonymi przypomnieniami – 3 osoby." in shown
            assert not [s for s in tg.sent if "📢" in (s.text or "")]  # nothing sent yet
            key = re.search(r'name="klucz" value="([0-9a-f]+)"', preview).group(1)  # type: ignore[union-attr]
            token = unescape(CSRF.findall(preview)[0])
            fields = {"csrf": token, "tresc": "Zebranie <b>jutro</b>\no 10:00.",
                      "odbiorcy": "all", "klucz": key}
            async with desk.http.post(desk.base + "/koordynator/ogloszenia/wyslij",
                                      data=fields) as response:
                report = await response.text()
                report_url = str(response.url)
            assert "Wysyłam ogłoszenie do 3 osób." in visible(report)
            async with desk.http.post(desk.base + "/koordynator/ogloszenia/wyslij",
                                      data=fields) as again:  # a second click: sent once
                assert str(again.url) == report_url
            for user in (RESIDENT, JAN):
                copy = await tg.wait_for_text(user.id, "📢 Ogłoszenie")
                assert copy.text.endswith("Zebranie <b>jutro</b>\no 10:00.")
            for _ in range(50):
                async with desk.http.get(report_url) as response:
                    report = visible(await response.text())
                    refresh = response.headers.get("Refresh")
                if "Wysyłanie zakończone" in report:
                    break
                assert refresh == "5"
                await asyncio.sleep(0.2)
            assert "Dostarczone 2" in report and "Jeszcze w drodze 0" in report
            assert "Zablokowali bota (wypisałem ich) 1" in report
            assert refresh is None
            listing = visible(await desk.page("/koordynator/ogloszenia"))
            assert "dostarczone: 2 z 3" in listing
            assert "Wszystkim z włączonymi przypomnieniami (2 osoby)" in listing  # unsubscribed
    copies = [s for s in tg.sent if (s.text or "").startswith("📢")]
    assert sorted(s.chat_id for s in copies) == sorted([RESIDENT.id, JAN.id])
    assert not [s for s in tg.messages_to(COORDINATOR.id) if "Ogłoszenie dotarło" in
                (s.text or "")]  # the desk reads the totals itself
