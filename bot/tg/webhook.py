"""Webhook mode: an aiohttp server takes Telegram's updates and serves a health check."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.tg.services import SERVICES_KEY, Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


def web_app(application: Application, settings: Settings) -> web.Application:
    started = time.monotonic()
    hook = settings.telegram.webhook

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), hook.secret_token.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="not JSON")
        update = Update.de_json(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response(text="ok")

    async def health(_: web.Request) -> web.Response:
        svc: Services = application.bot_data[SERVICES_KEY]
        return web.json_response({
            "status": "ok",
            "knowledge_entries": len(svc.matcher.knowledge.entries),
            "open_tickets": len(svc.desk.open_tickets()),
            "uptime_seconds": round(time.monotonic() - started, 1),
        })

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(hook.path, receive)
    app.router.add_get("/healthz", health)
    return app


async def serve_webhook(application: Application, settings: Settings, stop: asyncio.Event
                        ) -> None:
    """Run the bot in webhook mode until `stop` is set."""
    hook = settings.telegram.webhook
    runner = web.AppRunner(web_app(application, settings), access_log=None)  # no chat ids
    await application.initialize()
    try:
        await application.post_init(application)
        await runner.setup()
        await web.TCPSite(runner, hook.listen, hook.port).start()
        await application.start()
        await application.bot.set_webhook(
            url=hook.public_url.rstrip("/") + hook.path, secret_token=hook.secret_token,
            allowed_updates=ALLOWED_UPDATES)
        log.info("webhook mode: listening on %s:%s", hook.listen, hook.port)
        await stop.wait()
    finally:
        if application.running:
            await application.stop()
        await runner.cleanup()
        await application.shutdown()
        await application.post_shutdown(application)
