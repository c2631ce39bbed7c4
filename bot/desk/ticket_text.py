"""How a ticket is named on the desk's pages: channel, who asked, how long it waits."""

from __future__ import annotations

import datetime as dt

from bot import texts
from bot.meetings import WARSAW
from bot.plural import DAYS, HOURS, MINUTES, count
from bot.tickets import TELEGRAM, Ticket

CHANNELS = {TELEGRAM: "Telegram", "web": "czat na stronie"}
STATUS = texts.STATUS


def channel_name(ticket: Ticket) -> str:
    return CHANNELS.get(ticket.channel, ticket.channel)


def who(ticket: Ticket) -> str:
    if not ticket.user_id:
        return "dane usunięte"
    if ticket.channel != TELEGRAM and not ticket.display_name:
        return "mieszkaniec z czatu na stronie"
    name = ticket.display_name or "bez imienia"
    return f"{name} (@{ticket.username})" if ticket.username else name


def waiting(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return count(minutes, MINUTES)
    hours = minutes // 60
    if hours < 48:
        return count(hours, HOURS)
    return count(hours // 24, DAYS)


def when(moment: dt.datetime) -> str:
    return f"{moment.astimezone(WARSAW):%d.%m.%Y %H:%M}"


def short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
