"""Webhook mode end to end: the fake Bot API server pushes updates to the bot's own server."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from dataclasses import replace

import aiohttp

from bot import texts
from bot.config import Settings, TelegramSettings, WebhookSettings
from bot.tg.app import build_application
from bot.tg.webhook import serve_webhook
from tests.conftest import RESIDENT, running_bot
from tests.fakebot import FakeTelegram

SECRET = "sekret-klastra_123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_webhook_mode(settings: Settings, port: int) -> Settings:
    """The settings with Telegram in webhook mode, listening on `port` at /tg-hook."""
    hook = WebhookSettings(listen="127.0.0.1", port=port, path="/tg-hook",
                           public_url=f"http://127.0.0.1:{port}", secret_token=SECRET)
    return replace(settings, telegram=replace(settings.telegram, mode="webhook", webhook=hook))


async def test_updates_arrive_by_webhook_and_health_is_served(
    tg: FakeTelegram, settings: Settings
) -> None:
    port = free_port()
    webhook_settings = in_webhook_mode(settings, port)
    assert isinstance(webhook_settings.telegram, TelegramSettings)
    application = build_application(webhook_settings, delivery_interval=0.2)
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_webhook(application, webhook_settings, stop))
    try:
        params = await tg.wait_for_call("setWebhook")
        assert params["url"] == f"http://127.0.0.1:{port}/tg-hook"
        assert params["secret_token"] == SECRET
        await tg.send_text(RESIDENT, "/start")
        await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT)
        await tg.send_text(RESIDENT, "jak dolaczyc do klastra")
        await tg.wait_for_text(RESIDENT.id, "Aby dołączyć do klastra")

        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}"
            forged = await http.post(f"{url}/tg-hook", json={"update_id": 99})
            assert forged.status == 403
            wrong = await http.post(f"{url}/tg-hook", json={"update_id": 99},
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "zgadywanie"})
            assert wrong.status == 403
            health = await http.get(f"{url}/healthz")
            assert health.status == 200
            body = await health.json()
            assert body["status"] == "ok"
            assert body["knowledge_entries"] == len(
                application.bot_data["services"].matcher.knowledge.entries)
            assert body["open_tickets"] == 0
            assert body["uptime_seconds"] >= 0
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=10)
    with sqlite3.connect(settings.storage.path) as db:  # each stored before its 200, then done
        rows = db.execute("SELECT count(*), count(done_at) FROM inbox").fetchone()
    assert rows == (2, 2)


async def test_updates_posted_while_the_api_is_down_are_kept_and_answered_later(
    tg: FakeTelegram, settings: Settings
) -> None:
    port = free_port()
    webhook_settings = in_webhook_mode(settings, port)
    application = build_application(webhook_settings, delivery_interval=0.2)
    tg.go_down()  # getMe fails: the bot waits for the API, but its server already listens
    stop = asyncio.Event()
    serving = asyncio.create_task(serve_webhook(application, webhook_settings, stop))
    try:
        message = await tg.send_text(RESIDENT, "kiedy powstał klaster")
        update = tg.pending_updates[-1]
        assert update["message"]["message_id"] == message["message_id"]
        async with aiohttp.ClientSession() as http:
            for _ in range(50):  # until the server listens
                try:
                    sent = await http.post(f"http://127.0.0.1:{port}/tg-hook", json=update,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                    break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            assert sent.status == 200
        with sqlite3.connect(settings.storage.path) as db:  # kept before the 200
            assert db.execute("SELECT count(*) FROM inbox").fetchone() == (1,)
        tg.come_up()
        await tg.wait_for_text(RESIDENT.id, "21 grudnia 2021", timeout=10)
        for _ in range(100):  # Telegram's own delivery of the same update, once registered
            if not tg.pending_updates:
                break
            await asyncio.sleep(0.05)
        assert not tg.pending_updates
        await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=10)
    assert len(tg.messages_to(RESIDENT.id)) == 1  # the webhook's own copy was not doubled


async def test_polling_mode_serves_the_health_check_when_asked(
    tg: FakeTelegram, settings: Settings
) -> None:
    port = free_port()
    with_health = replace(settings, telegram=replace(settings.telegram, health_port=port))
    async with running_bot(with_health), aiohttp.ClientSession() as http:
        await tg.send_text(RESIDENT, "/start")
        await tg.wait_for_text(RESIDENT.id, texts.MENU_PROMPT)
        health = await http.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status == 200
        body = await health.json()
        assert body["status"] == "ok" and body["inbox_pending"] == 0
        # no webhook endpoint in polling mode
        assert (await http.post(f"http://127.0.0.1:{port}/telegram", json={})).status == 404
