"""Handlers for the coordinator: answering tickets, listing and closing them."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.tg.delivery import flush_deliveries
from bot.tg.render import open_tickets_html
from bot.tg.services import coordinators_only, services
from bot.tickets import TELEGRAM

TICKET_HEADER = re.compile(r"Zgłoszenie (?:#|nr )(\d+)")
REPLY_USAGE = "Użycie: /odpowiedz NUMER treść odpowiedzi"
CLOSE_USAGE = "Użycie: /zamknij NUMER"


async def reply_to_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A Telegram reply, in the coordinator chat, to a ticket message answers that ticket."""
    svc = services(context)
    message = update.effective_message
    original = message.reply_to_message
    if original is None:
        return
    ticket = svc.desk.ticket_for_message(message.chat_id, original.message_id)
    by_bot = original.from_user is not None and original.from_user.id == context.bot.id
    if ticket is None and by_bot:
        # A copy of a ticket posted again after a lost reply from Telegram routes by its header.
        header = TICKET_HEADER.match(original.text or "")
        ticket = svc.desk.ticket(int(header.group(1))) if header else None
    if ticket is None:
        return  # a reply to something else: the coordinators talking among themselves
    if not await coordinators_only(update, context):
        return
    if not message.text:
        await message.reply_text("Na razie przekazuję mieszkańcom tylko tekst. Napisz odpowiedź "
                                 "słowami.")
        return
    await _answer(update, context, ticket.id, message.text)


async def reply_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/odpowiedz N tekst, /reply N tekst."""
    if not await coordinators_only(update, context):
        return
    parts = (update.effective_message.text or "").split(maxsplit=2)
    if len(parts) < 3 or not parts[1].lstrip("#").isdigit():
        await update.effective_message.reply_text(REPLY_USAGE)
        return
    await _answer(update, context, int(parts[1].lstrip("#")), parts[2])


async def list_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zgloszenia, /tickets: open tickets, oldest first, with their age."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    await update.effective_message.reply_text(
        open_tickets_html(svc.desk.open_tickets(), svc.now()), parse_mode=ParseMode.HTML)


async def close_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zamknij N, /close N: close a ticket without an answer."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("#").isdigit():
        await update.effective_message.reply_text(CLOSE_USAGE)
        return
    number = int(args[0].lstrip("#"))
    closed = svc.desk.close(number)
    text = (f"Zgłoszenie #{number} zamknięte bez odpowiedzi." if closed
            else f"Nie ma otwartego zgłoszenia #{number}.")
    await update.effective_message.reply_text(text)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
                  ) -> None:
    svc = services(context)
    if svc.desk.answer(number, text) is None:
        await update.effective_message.reply_text(f"Nie ma zgłoszenia #{number}.")
        return
    await flush_deliveries(context.bot, svc)  # confirms, or reports a blocked resident
    if any(d.kind == "answer" and d.ticket_id == number and d.channel == TELEGRAM
           for d in svc.desk.pending_deliveries()):  # the web chat's go out on their own
        await update.effective_message.reply_text(
            f"Odpowiedź na zgłoszenie #{number} zapisana; wyślę ją, gdy tylko Telegram pozwoli.")
