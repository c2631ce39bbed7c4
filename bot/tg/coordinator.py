"""Handlers for the coordinator: answering tickets, listing and closing them."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.conversation.service import closed_notice
from bot.tg.delivery import ticket_number
from bot.tg.render import open_tickets_html
from bot.tg.services import coordinators_only, services

REPLY_USAGE = "Użycie: /odpowiedz NUMER treść odpowiedzi"
CLOSE_USAGE = "Użycie: /zamknij NUMER [powód dla mieszkańca]"


async def reply_to_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A Telegram reply, in the coordinator chat, to a ticket message answers that ticket."""
    svc = services(context)
    message = update.effective_message
    original = message.reply_to_message
    if original is None:
        return
    ticket = svc.desk.ticket_for_message(message.chat_id, original.message_id)
    from_bot = original.from_user is not None and original.from_user.id == context.bot.id
    if ticket is None and from_bot:
        # A copy posted twice (a timeout hid the first), or sent before the chat got a new
        # id: its header names the ticket.
        number = ticket_number(original.text or original.caption)
        ticket = svc.desk.ticket(number) if number is not None else None
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
    parts = (update.effective_message.text or "").split(maxsplit=2)
    if len(parts) < 2 or not parts[1].lstrip("#").isdigit():
        await update.effective_message.reply_text(CLOSE_USAGE)
        return
    number = int(parts[1].lstrip("#"))
    reason = parts[2].strip() if len(parts) > 2 else ""
    closed = svc.desk.close(number, reason)
    if closed is None:
        await update.effective_message.reply_text(f"Nie ma otwartego zgłoszenia #{number}.")
        return
    told = ""
    if closed.user_id:  # not anonymised: the resident is told
        svc.owed().owe_notice(closed.chat_id, closed_notice(closed, reason),  # type: ignore[arg-type]
                              channel=closed.channel)
        told = " Mieszkaniec dostanie o tym wiadomość" + (" z powodem." if reason else ".")
    await update.effective_message.reply_text(
        f"Zgłoszenie #{number} zamknięte bez odpowiedzi.{told}")


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
                  ) -> None:
    svc = services(context)
    ticket = svc.desk.ticket(number)
    if ticket is None:
        await update.effective_message.reply_text(f"Nie ma zgłoszenia #{number}.")
        return
    if not ticket.user_id:  # anonymised: the person deleted their data, or retention did
        await update.effective_message.reply_text(
            f"Nie wyślę odpowiedzi na zgłoszenie #{number}: ta osoba usunęła swoje dane.")
        return
    svc.desk.answer(number, text)
    svc.owed().kick()  # the ticket message shows ✅ once the answer is delivered
    if not svc.in_coordinator_chat(update):  # a private chat: no ticket message in sight
        await update.effective_message.reply_text(
            f"Zapisałem odpowiedź na zgłoszenie #{number}; dostarczę ją i oznaczę zgłoszenie ✅.")
