"""Bans by the coordinator and retention (the person's own data rights are in the core)."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.tg.services import coordinators_only, services


async def ban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/blokuj ID: the bot ignores that person from now on (coordinators)."""
    await _ban_or_unban(update, context, ban=True)


async def unban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/odblokuj ID."""
    await _ban_or_unban(update, context, ban=False)


async def _ban_or_unban(update: Update, context: ContextTypes.DEFAULT_TYPE, *, ban: bool) -> None:
    svc = services(context)
    message = update.effective_message
    if not await coordinators_only(update, context):
        return
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("-").isdigit():
        await message.reply_text(texts.BAN_USAGE if ban else texts.UNBAN_USAGE)
        return
    user_id = int(args[0])
    if ban:
        svc.desk.ban(user_id)
        await message.reply_text(texts.BANNED.format(user_id=user_id))
    elif svc.desk.unban(user_id):
        await message.reply_text(texts.UNBANNED.format(user_id=user_id))
    else:
        await message.reply_text(texts.NOT_BANNED.format(user_id=user_id))


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tickets older than privacy.retention_days lose their texts and identity."""
    svc = services(context)
    age = dt.timedelta(days=svc.settings.privacy.retention_days)
    svc.desk.anonymise_older_than(age)
    svc.questions.forget_texts_older_than(age)
