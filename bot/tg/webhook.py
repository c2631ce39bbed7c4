"""Webhook mode: an aiohttp server takes Telegram's updates (stored in the inbox before the
200 that tells Telegram they arrived) and serves a health check."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.tg.inbox import Inbox, InboxWorker, payload
from bot.tg.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def health_app(application: Application, inbox: Inbox) -> web.Application:
    """Only GET /healthz: for polling mode (telegram.health_port)."""
    app = web.Application()
    app.router.add_get("/healthz", _health_handler(application, inbox))
    return app


def _health_handler(application: Application, inbox: Inbox
                    ) -> Callable[[web.Request], Awaitable[web.Response]]:
    started = time.monotonic()

    async def health(_: web.Request) -> web.Response:
        svc: Services = application.bot_data[SERVICES_KEY]
        return web.json_response({
            "status": "ok",
            "knowledge_entries": len(svc.matcher.knowledge.entries),
            "open_tickets": len(svc.desk.open_tickets()),
            "inbox_pending": inbox.pending_count(),  # grows when handling stalls
            "uptime_seconds": round(time.monotonic() - started, 1),
        })

    return health


def web_app(application: Application, settings: Settings, inbox: Inbox, worker: InboxWorker
            ) -> web.Application:
    hook = settings.telegram.webhook

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), hook.secret_token.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        try:
            update = Update.de_json(data, application.bot)
        except Exception:  # never handled, whatever we do: Telegram need not send it again
            log.exception("update %s cannot be read; skipped", data["update_id"])
            return web.Response(text="ok")
        worker.submit(inbox.accept([(update, payload(data))]))  # fsync'd before the 200
        return web.Response(text="ok")

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(hook.path, receive)
    app.router.add_get("/healthz", _health_handler(application, inbox))
    return app


async def serve_webhook(application: Application, settings: Settings, stop: asyncio.Event
                        ) -> None:
    """Run the bot in webhook mode until `stop` is set (settings.telegram.mode decides)."""
    from bot.tg.runner import run  # the runner starts this module's server

    await run(application, settings, stop)
