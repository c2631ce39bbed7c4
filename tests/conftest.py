"""Shared fixtures: a fake Bot API server and the real bot Application pointed at it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import CoordinatorSettings, Settings, StorageSettings, TelegramSettings
from bot.tg.app import build_application
from bot.tg.runner import run
from tests.fakebot import FakeChat, FakeTelegram, FakeUser

ROOT = Path(__file__).parent.parent
COORDINATOR = FakeUser(900, "Mateusz", "Koordynator", username="koordynator")
COORDINATOR_CHAT = FakeChat(-100500, "supergroup", title="Zgłoszenia infolinii")
RESIDENT = FakeUser(101, "Anna", "Nowak", username="anowak")
SEND_TIMEOUT = 1.5  # the outbox's per-call timeout in tests; fake timeouts answer later


class Clock:
    """A clock the test moves by setting `now`."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        server.add_chat(COORDINATOR_CHAT)
        yield server


@pytest.fixture
def settings(tg: FakeTelegram, tmp_path: Path) -> Settings:
    return make_settings(tg, tmp_path)


def make_settings(tg: FakeTelegram, tmp_path: Path) -> Settings:
    """The bot pointed at the fake server, with a fresh SQLite file under `tmp_path`."""
    return Settings(
        telegram=TelegramSettings(token=tg.token, base_url=tg.base_url,
                                  base_file_url=tg.base_file_url),
        coordinator=CoordinatorSettings(chat_id=COORDINATOR_CHAT.id, user_ids=(COORDINATOR.id,)),
        knowledge=replace(Settings().knowledge, path=str(ROOT / "knowledge")),
        storage=StorageSettings(path=str(tmp_path / "data" / "bot.sqlite3")),
    )


@asynccontextmanager
async def running_bot(settings: Settings, **options: object) -> AsyncIterator[object]:
    """The real Application, polling the fake server, run the way run_bot.py runs it."""
    # Retries back off at most 1 s (60 s in service); a send gives up after 1.5 s (10 s).
    options = {"delivery_interval": 0.2, "reminder_interval": 0.2, "watch_interval": 0.2,
               "retry_cap": 1.0, "send_timeout": SEND_TIMEOUT, **options}
    application = build_application(settings, **options)
    stop, ready = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(run(application, settings, stop, ready=ready, poll_timeout=1))
    await asyncio.wait({running, asyncio.create_task(ready.wait())},
                       return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()  # start-up failed: show why
    try:
        yield application
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=15)
