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
    # Only what a person writes counts: button taps do not, nor messages that queued up in
    # Telegram while the bot was down (they were not written in a rush, only delivered so).
    message = update.message or update.edited_message
    if message is None or (message.edit_date or message.date) < svc.started_at:
        return
    verdict = svc.flood.check(user.id, svc.now())
    if verdict == "ok":
        return
    if verdict == "notice" and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, texts.TOO_MANY)
    raise ApplicationHandlerStop
