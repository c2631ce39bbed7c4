"""Telegram-specific rendering: HTML for the coordinator chat, keyboards, message splitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress
from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot import texts
from bot.conversation import Choice, Reply, Turn
from bot.conversation.choices import ChoiceKind, encode
from bot.textsplit import split_words
from bot.tickets import Ticket

MESSAGE_LIMIT = 4096
WEB = "web"
WEB_CHANNEL_NAME = "czat na stronie"


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long text into Telegram-sized parts (counted as Telegram counts), at paragraph,
    line or word ends: the one splitter the outbox uses too."""
    return split_words(text, limit)


async def send_turn(message: Message, turn: Turn, bot_username: str | None) -> None:
    """The core's replies as Telegram messages, in the chat of `message`; long texts split,
    the buttons under the last part."""
    for reply in turn.replies:
        parts = split_message(reply.text)
        for part in parts[:-1]:
            await message.reply_text(part)
        await message.reply_text(parts[-1], reply_markup=reply_keyboard(reply, bot_username))


def reply_keyboard(reply: Reply, bot_username: str | None) -> InlineKeyboardMarkup | None:
    rows = [[_button(choice, bot_username)] for choice in reply.choices]
    if reply.meeting_id is not None:
        rows.append([InlineKeyboardButton(texts.ADD_TO_CALENDAR, callback_data=encode(
            ChoiceKind.CALENDAR, reply.meeting_id))])
    return InlineKeyboardMarkup(rows) if rows else None


def _button(choice: Choice, bot_username: str | None) -> InlineKeyboardButton:
    if choice.private_link:  # a deep link: the private chat opens with /start <payload>
        return InlineKeyboardButton(choice.label,
                                    url=f"https://t.me/{bot_username}?start={choice.id}")
    return InlineKeyboardButton(choice.label, callback_data=choice.id)


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )






def who(ticket: Ticket) -> str:
    if ticket.channel == WEB and not ticket.display_name:
        return WEB_CHANNEL_NAME
    name = escape(ticket.display_name or "bez imienia")
    handle = f" (@{escape(ticket.username)})" if ticket.username else ""
    return f"{name}{handle}"


def open_tickets_html(tickets: Sequence[Ticket], now: dt.datetime) -> str:
    if not tickets:
        return "Brak otwartych zgłoszeń."
    lines = [f"<b>Otwarte zgłoszenia: {len(tickets)}</b> (najstarsze pierwsze)"]
    for ticket in tickets:
        question = ticket.question if len(ticket.question) <= 80 else ticket.question[:79] + "…"
        lines.append(f"#{ticket.id} · {age(now - ticket.created_at)} · {who(ticket)}: "
                     f"{escape(question)}")
    return "\n".join(lines)


def age(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} godz."
    return f"{hours // 24} dni"


async def acknowledge(query: CallbackQuery) -> None:
    """Answer the tap first; if Telegram fails to take it the spinner just runs a while longer,
    and the tap is still handled."""
    with suppress(TelegramError):
        await query.answer()


async def remove_buttons(query: CallbackQuery) -> None:
    """A used choice disappears, so a second tap cannot repeat it; tidying only, never fatal."""
    with suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)
