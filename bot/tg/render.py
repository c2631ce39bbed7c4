"""Telegram-specific rendering: HTML for the coordinator chat, keyboards, message splitting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import suppress
from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot import texts
from bot.knowledge import Entry, KnowledgeBase
from bot.tickets import Ticket

MESSAGE_LIMIT = 4096


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long text into Telegram-sized parts, at paragraph or line ends where possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = max(rest.rfind("\n\n", 0, limit), rest.rfind("\n", 0, limit))
        if cut <= limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [p for p in parts if p]


def keyboard(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def menu_keyboard(knowledge: KnowledgeBase) -> InlineKeyboardMarkup:
    rows = [[(c.name, f"cat:{c.id}")] for c in knowledge.menu_categories()]
    rows.append([(texts.ASK_COORDINATOR, "ask")])
    return keyboard(rows)


def questions_keyboard(entries: Sequence[Entry], extra: Sequence[tuple[str, str]] = ()
                       ) -> InlineKeyboardMarkup:
    rows = [[(e.question, f"q:{e.id}")] for e in entries]
    rows.extend([item] for item in extra)
    return keyboard(rows)


def who(ticket: Ticket) -> str:
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
