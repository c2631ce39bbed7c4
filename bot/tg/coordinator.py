"""Handlers for the coordinator: answering tickets, listing and closing them."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import suppress
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.botstate import BotState
from bot.conversation.choices import ChoiceKind, decode, encode
from bot.tg.delivery import LOCAL_TIME, ticket_number
from bot.tg.render import keyboard, open_tickets_html, who
from bot.tg.services import Services, coordinators_only, services
from bot.ticket_reminders import overdue, reminder_text
from bot.tickets import Ticket

REPLY_USAGE = "Użycie: /odpowiedz NUMER treść odpowiedzi"
REMINDED_KEY = "tickets_reminded_on"  # bot_state: the local day of the last reminder
LISTED = 50  # buttons under /zgloszenia (Telegram takes 100)
SHOW_USAGE = "Użycie: /zgloszenie NUMER"
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
        if from_bot and svc.is_coordinator(update.effective_user):
            await message.reply_text(texts.NOT_A_TICKET_HINT)
        return  # otherwise the coordinators talking among themselves
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
    tickets = svc.desk.open_tickets()
    await update.effective_message.reply_text(
        open_tickets_html(tickets, svc.now()), parse_mode=ParseMode.HTML,
        reply_markup=_ticket_buttons(tickets))


def _ticket_buttons(tickets: list[Ticket]) -> InlineKeyboardMarkup | None:
    """A button per ticket (the oldest first, as listed): its history, one tap away."""
    if not tickets:
        return None
    labels = [(f"#{t.id}", encode(ChoiceKind.TICKET_SHOW, t.id)) for t in tickets[:LISTED]]
    return keyboard([labels[i:i + 5] for i in range(0, len(labels), 5)])


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
    closed = close_and_tell(svc, number, reason)
    if closed is None:
        await update.effective_message.reply_text(f"Nie ma otwartego zgłoszenia #{number}.")
        return
    told = (" Mieszkaniec dostanie o tym wiadomość" + (" z powodem." if reason else ".")
            if closed.user_id else "")
    await update.effective_message.reply_text(
        f"Zgłoszenie #{number} zamknięte bez odpowiedzi.{told}")


def close_and_tell(svc: Services, number: int, reason: str = "") -> Ticket | None:
    """Close an open ticket; the resident is told politely (with the reason, if any) and the
    ticket post shows 🔒. None when there is no such open ticket (bot/ticket_actions.py)."""
    return svc.actions.close(number, reason)


async def ticket_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The buttons of the coordinator's desk: "Biorę", "Zamknij", a ticket from the list,
    and the answer to "wysłać drugą?"."""
    svc = services(context)
    query = update.callback_query
    decoded = decode(query.data)
    assert decoded is not None
    kind, value = decoded
    if not svc.is_coordinator(update.effective_user):
        with suppress(TelegramError):
            await query.answer(texts.COORDINATORS_ONLY, show_alert=True)
        return
    if kind is ChoiceKind.TICKET_ANSWER_AGAIN:
        await _answer_again(update, context, value)
        return
    number = number_of(value)
    notice: str | None = None
    if number is None:
        notice = texts.OFFER_EXPIRED
    elif kind is ChoiceKind.TICKET_TAKE:
        user = update.effective_user
        taken = svc.actions.claim(number, user.full_name if user else "koordynator")
        notice = (texts.TICKET_TAKEN if taken else texts.TICKET_NOT_OPEN).format(number=number)
    elif kind is ChoiceKind.TICKET_CLOSE:
        closed = close_and_tell(svc, number)
        notice = (f"Zgłoszenie nr {number} zamknięte." if closed
                  else texts.TICKET_NOT_OPEN.format(number=number))
    elif kind is ChoiceKind.TICKET_SHOW:
        with suppress(TelegramError):
            await query.answer()
        await update.effective_message.reply_text(
            ticket_history(svc, number), parse_mode=ParseMode.HTML)
        return
    with suppress(TelegramError):
        await query.answer(notice)


def ticket_history(svc: Services, number: int) -> str:
    """/zgloszenie N: the question, what the resident added, the answer, who and when."""
    ticket = svc.desk.ticket(number)
    if ticket is None:
        return f"Nie ma zgłoszenia #{number}."
    lines = [f"<b>Zgłoszenie #{ticket.id}</b> – {texts.STATUS[ticket.status]}",
             f"Od: {escape(who(ticket))}",
             f"{_when(ticket.created_at)} pytanie: {escape(ticket.question)}"]
    for item in svc.desk.history_of(number):
        if item.kind == "followup":
            lines.append(f"{_when(item.moment)} dopisane: {escape(item.text)}")
        else:
            by = f" ({escape(item.by)})" if item.by else ""
            lines.append(f"{_when(item.moment)} odpowiedź{by}: {escape(item.text)}")
    if ticket.claimed_by and ticket.status == "open":
        lines.append(f"👤 Bierze: {escape(ticket.claimed_by)}")
    return "\n".join(lines)


def _when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(LOCAL_TIME):%d.%m.%Y %H:%M}"


async def show_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/zgloszenie N: one ticket's history."""
    if not await coordinators_only(update, context):
        return
    args = context.args or []
    if len(args) != 1 or number_of(args[0].lstrip("#")) is None:
        await update.effective_message.reply_text(SHOW_USAGE)
        return
    await update.effective_message.reply_text(
        ticket_history(services(context), int(args[0].lstrip("#"))), parse_mode=ParseMode.HTML)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
                  ) -> None:
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    elsewhere = not svc.in_coordinator_chat(update)
    outcome = svc.actions.answer(number, text, by=user.full_name if user else None,
                                 acted_in=message.chat_id if elsewhere else None)
    if outcome.kind == "missing":
        await message.reply_text(f"Nie ma zgłoszenia #{number}.")
    elif outcome.kind == "anonymised":  # the person deleted their data, or retention did
        await message.reply_text(
            f"Nie wyślę odpowiedzi na zgłoszenie #{number}: ta osoba usunęła swoje dane.")
    elif outcome.kind == "confirm":  # a second answer, or one to a closed ticket: ask first
        assert outcome.ticket is not None
        BotState(svc.desk.connection, svc.clock).set(
            _pending_key(message.chat_id, message.message_id), json.dumps(
                {"ticket": number, "text": text, "user": update.effective_user.id}))
        ask = f"{number}:{message.message_id}"
        await message.reply_text(
            texts.ANSWER_AGAIN[outcome.ticket.status].format(number=number),
            reply_markup=keyboard([[
                (texts.ANSWER_AGAIN_YES, encode(ChoiceKind.TICKET_ANSWER_AGAIN, f"{ask}:y")),
                (texts.ANSWER_AGAIN_NO, encode(ChoiceKind.TICKET_ANSWER_AGAIN, f"{ask}:n"))]]))
    elif elsewhere:  # a private chat: no ticket message in sight
        await message.reply_text(
            f"Zapisałem odpowiedź na zgłoszenie #{number}; dostarczę ją i oznaczę zgłoszenie ✅.")


async def _answer_again(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str
                        ) -> None:
    svc = services(context)
    query = update.callback_query
    _, message_text, decision = [*value.split(":"), "", "", ""][:3]
    state = BotState(svc.desk.connection, svc.clock)
    key = _pending_key(update.effective_chat.id, number_of(message_text) or 0)
    stored = state.get(key)
    with suppress(TelegramError):
        await query.answer(None if stored else texts.OFFER_EXPIRED)
    with suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    if stored is None:
        return
    state.delete(key)
    pending = json.loads(stored)
    if decision != "y":
        await update.effective_message.reply_text(texts.ANSWER_AGAIN_DROPPED)
        return
    number = int(pending["ticket"])
    user = update.effective_user
    elsewhere = not svc.in_coordinator_chat(update)
    outcome = svc.actions.answer(number, pending["text"], by=user.full_name if user else None,
                                 again=True, acted_in=update.effective_chat.id if elsewhere
                                 else None)
    if outcome.kind == "anonymised":
        await update.effective_message.reply_text(
            f"Nie wyślę odpowiedzi na zgłoszenie #{number}: ta osoba usunęła swoje dane.")
    elif outcome.kind == "owed" and elsewhere:
        await update.effective_message.reply_text(
            f"Zapisałem odpowiedź na zgłoszenie #{number}; dostarczę ją i oznaczę zgłoszenie ✅.")


def _pending_key(chat_id: int, message_id: int) -> str:
    return f"answer_again:{chat_id}:{message_id}"


def number_of(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


async def overdue_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Once a day (while the office is open, if it has hours): the tickets waiting longer
    than `coordinator.remind_after`, in one line to the coordinator chat."""
    svc = services(context)
    after = svc.settings.coordinator.remind_after_delta
    if after is None or svc.outbox is None:
        return
    now = svc.now()
    if svc.office_hours is not None and not svc.office_hours.is_open(now):
        return
    state = BotState(svc.desk.connection, svc.clock)
    today = f"{now.astimezone(LOCAL_TIME):%Y-%m-%d}"
    if state.get(REMINDED_KEY) == today:
        return
    waiting = overdue(svc.desk.open_tickets(), now, after, svc.office_hours)
    if not waiting:
        return
    state.set(REMINDED_KEY, today)
    svc.owed().owe_notice(svc.coordinator_chat_id(), reminder_text(
        waiting, after, working=svc.office_hours is not None))
