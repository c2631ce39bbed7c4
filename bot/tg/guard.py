"""Runs before every other handler: blocked people and floods stop here."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.tg.render import acknowledge
from bot.tg.services import services


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    user = update.effective_user
    if user is None or svc.is_coordinator(user) or svc.in_coordinator_chat(update):
        return
    if svc.desk.is_banned(user.id):
        if update.callback_query:
            await acknowledge(update.callback_query)
        raise ApplicationHandlerStop
    verdict = svc.flood.check(user.id, svc.now())
    if verdict == "ok":
        return
    if update.callback_query:
        await acknowledge(update.callback_query)
    if verdict == "notice" and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.TOO_MANY)
    raise ApplicationHandlerStop
