"""Helpers for the web chat tests: the channel alone over a temporary database, a test client,
and a real local SMTP server (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from aiosmtpd.controller import Controller

from bot.config import EmailSettings, Settings, StorageSettings, WebSettings
from bot.web.server import KnowledgeWatch, WebChannel, standalone_conversation, web_channel
from tests.conftest import ROOT, Clock

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


def web_settings(tmp_path: Path, **web: Any) -> Settings:
    return Settings(
        knowledge=replace(Settings().knowledge, path=str(ROOT / "knowledge")),
        storage=StorageSettings(path=str(tmp_path / "data" / "bot.sqlite3")),
        web=WebSettings(enabled=True, port=0, **web))


def with_email(settings: Settings, port: int) -> Settings:
    return replace(settings, email=EmailSettings(host="127.0.0.1", port=port, starttls=False,
                                                 sender="infolinia@klaster.example"),
                   web=replace(settings.web, public_url="https://infolinia.example"))


_BUNDLED: dict[str, KnowledgeWatch] = {}


def knowledge_watch(settings: Settings, clock: Clock) -> KnowledgeWatch:
    """The bundled knowledge is loaded once for all tests (it is only read)."""
    path = settings.knowledge.path
    if path != str(ROOT / "knowledge"):
        return KnowledgeWatch(settings, clock)
    if path not in _BUNDLED:
        _BUNDLED[path] = KnowledgeWatch(settings, clock)
    return _BUNDLED[path]


@asynccontextmanager
async def web_client(settings: Settings, clock: Clock | None = None, poll_seconds: float = 1.0
                     ) -> AsyncIterator[tuple[TestClient, WebChannel]]:
    clock = clock or Clock(NOW)
    core = standalone_conversation(settings, clock, knowledge_watch(settings, clock))
    channel = web_channel(settings, core, clock=clock, poll_seconds=poll_seconds,
                          standalone=True)
    client = TestClient(TestServer(channel.app))
    await client.start_server()
    try:
        yield client, channel
    finally:
        await client.close()
        await channel.postman.stop()
        core.desk.close_storage()


async def post(client: TestClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/czat", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


class Mailbox:
    """Messages the local SMTP server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(  # type: ignore[arg-type]
            envelope.content, _class=EmailMessage, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


@asynccontextmanager
async def running_bot_with_web(settings: Settings, clock: Clock | None = None
                               ) -> AsyncIterator[tuple[Any, WebChannel]]:
    """The Telegram application polling the fake Bot API, with the web chat beside it, run the
    way run_bot.py runs them (conftest.running_bot plus the one hook)."""
    import asyncio

    from bot.tg.app import build_application
    from bot.tg.runner import run
    from bot.tickets import utc_now
    from bot.web.server import WEB_KEY, attach_web
    from tests.conftest import SEND_TIMEOUT

    application = build_application(settings, delivery_interval=0.2, reminder_interval=0.2,
                                     watch_interval=0.2, retry_cap=1.0,
                                     send_timeout=SEND_TIMEOUT, clock=clock or utc_now)
    attach_web(application, settings, poll_seconds=2.0, delivery_interval=0.2)
    stop, ready = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(run(application, settings, stop, ready=ready, poll_timeout=1))
    await asyncio.wait({running, asyncio.create_task(ready.wait())},
                       return_when=asyncio.FIRST_COMPLETED)
    if running.done():
        running.result()
    try:
        yield application, application.bot_data[WEB_KEY]
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=15)
