"""/panel through the fake Bot API: a coordinator's one-time link to the web desk, in a
private chat only, valid 10 minutes and once."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import replace

import aiohttp

from bot.config import Settings, WebSettings
from bot.tg.panel import NO_DESK, PRIVATE_ONLY
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT, Clock, running_bot
from tests.desk import text_of
from tests.fakebot import FakeTelegram
from tests.webchat import running_bot_with_web

LINK = re.compile(r"(http://\S+/koordynator/link/[A-Za-z0-9_-]{40,})")


def with_web(settings: Settings, **web: object) -> Settings:
    return replace(settings, web=WebSettings(enabled=True, port=0, **web))  # type: ignore[arg-type]


async def test_panel_gives_a_one_time_link_in_a_private_chat(
        tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot_with_web(with_web(settings)) as (_, channel):
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/panel", chat=COORDINATOR_CHAT)
        await tg.wait_for_text(COORDINATOR_CHAT.id, PRIVATE_ONLY, start=start)
        await tg.send_text(RESIDENT, "/panel")
        await tg.wait_for_text(RESIDENT.id, "tylko dla koordynatorów", start=start)

        await tg.send_text(COORDINATOR, "/panel")
        sent = await tg.wait_for_text(COORDINATOR.id, "Twój link do biurka", start=start)
        assert sent.params.get("link_preview_options", {}).get("is_disabled") is True
        link = LINK.search(sent.text or "")
        assert link is not None and link.group(1).startswith(channel.url.removesuffix("/czat"))
        url = link.group(1)
        assert not [s for s in tg.sent[start:] if s.chat_id == COORDINATOR_CHAT.id
                    and "koordynator/link" in (s.text or "")]

        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as browser:
            # Opening the link (or a link preview fetching it) uses nothing up.
            for _ in range(2):
                page = await browser.get(url)
                assert page.status == 200
                assert "Mateusz Koordynator" in text_of(await page.text())
            response = await browser.post(url, allow_redirects=False)
            assert response.status == 303 and response.headers["Location"] == "/koordynator"
            inbox = await browser.get(url.split("/koordynator")[0] + "/koordynator")
            assert "Zalogowano: Mateusz Koordynator" in text_of(await inbox.text())
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other:
            again = await other.post(url, allow_redirects=False)  # used once already
            assert again.status == 410
            assert "/panel" in text_of(await again.text())
            assert (await other.get(url)).status == 410
            wrong = await other.post(url[:-3] + "abc", allow_redirects=False)
            assert wrong.status == 410


async def test_a_panel_link_expires_after_ten_minutes(tg: FakeTelegram,
                                                      settings: Settings) -> None:
    clock = Clock(dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC))
    settings = with_web(settings, public_url="https://infolinia.example")
    async with running_bot_with_web(settings, clock) as (_, channel):
        start = len(tg.sent)
        await tg.send_text(COORDINATOR, "/panel")
        sent = await tg.wait_for_text(COORDINATOR.id, "Twój link do biurka", start=start)
        found = re.search(r"https://infolinia\.example/koordynator/link/(\S+)", sent.text or "")
        assert found is not None
        local = f"{channel.url.removesuffix('/czat')}/koordynator/link/{found.group(1)}"
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            clock.now += dt.timedelta(minutes=9, seconds=59)
            assert (await browser.get(local)).status == 200
            clock.now += dt.timedelta(seconds=2)
            assert (await browser.get(local)).status == 410
            assert (await browser.post(local, allow_redirects=False)).status == 410


async def test_panel_without_the_web_chat_says_how_to_turn_it_on(
        tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot(settings):
        await tg.send_text(COORDINATOR, "/panel")
        await tg.wait_for_text(COORDINATOR.id, NO_DESK)
        for _ in range(50):
            commands = tg.get_commands({"type": "chat", "chat_id": COORDINATOR.id})
            if commands:
                break
            await asyncio.sleep(0.1)
        assert "panel" in [c["command"] for c in commands]
