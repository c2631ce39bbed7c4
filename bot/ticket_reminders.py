"""Tickets waiting too long: which are overdue, and the daily line about them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.office_hours import OfficeHours
from bot.plural import TICKETS, count, out_of
from bot.tickets import Ticket


def waited(ticket: Ticket, now: dt.datetime, office_hours: OfficeHours | None) -> dt.timedelta:
    """How long a ticket has waited: working time with office hours, else plain time."""
    if office_hours is None:
        return now - ticket.created_at
    return office_hours.working_time(ticket.created_at, now)


def overdue(tickets: Sequence[Ticket], now: dt.datetime, after: dt.timedelta,
            office_hours: OfficeHours | None) -> list[Ticket]:
    return [t for t in tickets if t.status == "open" and waited(t, now, office_hours) >= after]


def reminder_text(tickets: Sequence[Ticket], after: dt.timedelta, working: bool) -> str:
    hours = max(int(after.total_seconds() // 3600), 1)
    span = out_of(hours, "godziny", "godzin") + (" roboczych" if working else "")
    if hours == 1 and working:
        span = "1 godziny roboczej"
    listed = ", ".join(f"#{t.id}" for t in tickets)
    who = "; ".join(f"#{t.id}: {t.claimed_by}" for t in tickets if t.claimed_by)
    text = (f"⏰ Na odpowiedź od ponad {span} czeka {count(len(tickets), TICKETS)}: "
            f"{listed}.\nSzczegóły: /zgloszenia albo /zgloszenie NUMER.")
    return f"{text}\nWzięte: {who}." if who else text
