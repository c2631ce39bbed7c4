"""RODO: what is stored about me, and forgetting it; bans by the coordinator."""

from __future__ import annotations

import datetime as dt
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import texts
from bot.tg.render import acknowledge, keyboard, remove_buttons, split_message
from bot.tg.services import coordinators_only, services


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moje_dane: everything stored about the person."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    tickets = svc.desk.tickets_of(user.id)
    reminders = "włączone" if svc.subscriptions.is_subscribed(chat.id) else "wyłączone"
    lines = [f"<b>{texts.MY_DATA_TITLE}</b>", f"Identyfikator: {user.id}",
             f"Przypomnienia: {reminders}"]
    if not tickets:
        lines.append(texts.MY_DATA_NO_TICKETS)
    for ticket in tickets:
        lines += ["", f"<b>Zgłoszenie #{ticket.id}</b> ({ticket.created_at:%Y-%m-%d}, "
                      f"{texts.STATUS[ticket.status]})",
                  f"Imię i nazwa: {escape(ticket.display_name)}"
                  + (f" (@{escape(ticket.username)})" if ticket.username else ""),
                  f"Pytanie: {escape(ticket.question)}"]
        if ticket.answer:
            lines.append(f"Odpowiedź: {escape(ticket.answer)}")
    lines += ["", texts.MY_DATA_FOOTER.format(days=svc.settings.privacy.retention_days)]
    for part in split_message("\n".join(lines)):
        await update.effective_message.reply_text(part, parse_mode=ParseMode.HTML)


async def forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/usun_dane: asks for a confirmation first."""
    await update.effective_message.reply_text(texts.FORGET_CONFIRM, reply_markup=keyboard(
        [[(texts.FORGET_YES, "forget:yes")], [(texts.FORGET_NO, "forget:no")]]))


async def forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(query)
    if query.data != "forget:yes":
        await remove_buttons(query)
        await query.message.reply_text(texts.FORGET_CANCELLED)
        return
    svc = services(context)
    count = svc.desk.forget_person(update.effective_user.id)
    svc.subscriptions.forget_chat(update.effective_chat.id)
    context.user_data.clear()
    await remove_buttons(query)
    await query.message.reply_text(texts.FORGOTTEN.format(count=count))


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
