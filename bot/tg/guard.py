"""Runs before every other handler: blocked people and floods stop here."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts
from bot.conversation.choices import ChoiceKind, decode
from bot.tg.render import acknowledge
from bot.tg.services import services


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    user = update.effective_user
    if user is None or svc.is_coordinator(user) or svc.in_coordinator_chat(update):
        return
    if svc.desk.is_banned(user.id) and not _data_rights(update):
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


DATA_COMMANDS = ("/moje_dane", "/usun_dane", "/my_data", "/forget_me")


def _data_rights(update: Update) -> bool:
    """A banned person still sees and deletes their data (RODO)."""
    if update.callback_query is not None:
        decoded = decode(update.callback_query.data)
        return decoded is not None and decoded[0] in (ChoiceKind.FORGET_YES,
                                                      ChoiceKind.FORGET_NO)
    message = update.message
    text = (message.text or "").split(maxsplit=1)[0].split("@")[0] if message else ""
    return text in DATA_COMMANDS or (text == "/start" and bool(message) and any(
        message.text.split()[1:2] == [p] for p in ("dane", "usun")))
