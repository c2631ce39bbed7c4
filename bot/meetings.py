"""Meetings from `meetings.yaml`: parsing, upcoming and past ones, Polish dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation import choices
from bot.knowledge import Meeting

WARSAW = ZoneInfo("Europe/Warsaw")
AUDIENCES = ("public", "members")
REQUIRED = ("id", "title", "start", "end")
NEEDED_WHEN_UPCOMING = ("place", "registration")  # a resident must know where and how
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,47}$")
TEXT_FIELDS = ("place", "address", "description", "registration")
KNOWN_FIELDS = frozenset({*REQUIRED, *TEXT_FIELDS, "audience", "source"})

_WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
_MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
           "września", "października", "listopada", "grudnia")

ErrorSink = Callable[[int, str | None, str], None]


def parse_meetings(data: Any, error: ErrorSink, now: dt.datetime | None = None) -> list[Meeting]:
    """Build meetings from the parsed YAML, reporting each problem with its line and id.

    Meetings that have not ended by `now` must say where they are and how to register.
    """
    now = now or dt.datetime.now(dt.UTC)
    if data is None:
        return []
    items = data.get("meetings") if isinstance(data, dict) else None
    if items is None:
        return []
    if not isinstance(items, list):
        error(getattr(data, "line", 1), None, "„meetings:” powinno być listą spotkań")
        return []
    meetings: list[Meeting] = []
    for item in items:
        meeting = _parse_one(item, error)
        if meeting is None:
            continue
        if meeting.end > now:
            missing = [key for key in NEEDED_WHEN_UPCOMING if not getattr(meeting, key)]
            for key in missing:
                error(item.line_of(key), meeting.id, f"nadchodzące spotkanie musi mieć pole "
                      f"„{key}”")
            if missing:
                continue
        if any(m.id == meeting.id for m in meetings):
            error(item.line, meeting.id, "powtórzony id spotkania")
            continue
        meetings.append(meeting)
    return meetings


def _parse_one(item: Any, error: ErrorSink) -> Meeting | None:
    if not isinstance(item, dict):
        error(1, None, "spotkanie powinno być zestawem pól (id:, title:, start:, end: ...)")
        return None
    line_of = item.line_of
    mid = str(item.get("id") or "").strip() or None
    ok = True
    if mid is not None and not choices.fits(choices.ChoiceKind.CALENDAR, mid):
        error(line_of("id"), mid, f"id spotkania za długi: przycisk „Dodaj do kalendarza” "
              f"mieści najwyżej {choices.CALLBACK_DATA_LIMIT} bajty danych")
    if mid is not None and not ID_PATTERN.match(mid):
        error(line_of("id"), mid, "id spotkania: małe litery bez polskich znaków, cyfry, - _ . "
              "(najwyżej 48 znaków)")
        ok = False
    for key in sorted(set(item) - KNOWN_FIELDS):
        error(line_of(key), mid, f"nieznane pole „{key}”")
        ok = False
    for key in REQUIRED:
        if not str(item.get(key) or "").strip():
            error(line_of(key), mid, f"brak pola „{key}”")
            ok = False
    start = _when(item.get("start"), "start", line_of("start"), mid, error)
    end = _when(item.get("end"), "end", line_of("end"), mid, error)
    audience = str(item.get("audience") or "public")
    if audience not in AUDIENCES:
        error(line_of("audience"), mid, "„audience” może mieć wartość public albo members")
        ok = False
    if not ok or start is None or end is None or mid is None:
        return None
    (start_at, start_all_day), (end_at, end_all_day) = start, end
    if end_all_day:
        end_at += dt.timedelta(days=1)  # a whole-day end date includes that day
    if end_at <= start_at:
        error(line_of("end"), mid, "koniec spotkania musi być po jego początku")
        return None
    return Meeting(
        id=mid, title=str(item["title"]).strip(), start=start_at, end=end_at,
        all_day=start_all_day and end_all_day, audience=audience,  # type: ignore[arg-type]
        **{key: str(item.get(key) or "").strip() for key in TEXT_FIELDS},
    )


def _when(
    value: Any, key: str, line: int, mid: str | None, error: ErrorSink
) -> tuple[dt.datetime, bool] | None:
    """An aware datetime and whether the value was a bare date (a whole-day meeting)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), WARSAW), True
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), WARSAW), True
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            error(line, mid, f"„{key}” nie jest datą ISO 8601 (np. 2026-12-04T10:00)")
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=WARSAW)
    return parsed, False


def visible(meeting: Meeting, member: bool) -> bool:
    return meeting.audience == "public" or member


def upcoming(
    meetings: Iterable[Meeting], now: dt.datetime, limit: int = 5, *, member: bool = True
) -> list[Meeting]:
    """Meetings that have not ended yet, nearest first, that this person may see."""
    found = (m for m in meetings if m.end > now and visible(m, member))
    return sorted(found, key=lambda m: m.start)[:limit]


def past(meetings: Iterable[Meeting], now: dt.datetime, *, member: bool = True) -> list[Meeting]:
    """Meetings that have ended, most recent first."""
    found = (m for m in meetings if m.end <= now and visible(m, member))
    return sorted(found, key=lambda m: m.start, reverse=True)


def due_for_reminder(
    meetings: Iterable[Meeting], now: dt.datetime, lead: dt.timedelta
) -> list[Meeting]:
    """Meetings whose reminder time has come and which have not begun: also the reminders
    that fell due while the bot was down."""
    return [m for m in meetings if m.start - lead <= now < m.start]


def find(meetings: Iterable[Meeting], meeting_id: str) -> Meeting | None:
    return next((m for m in meetings if m.id == meeting_id), None)


def polish_date(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def when_text(meeting: Meeting) -> str:
    """E.g. "czwartek, 4 grudnia 2025, 10:00–14:00" or "20–21 czerwca 2022" style ranges."""
    start = meeting.start.astimezone(WARSAW)
    end = meeting.end.astimezone(WARSAW)
    if meeting.all_day:
        last = (end - dt.timedelta(days=1)).date()
        if last == start.date():
            return polish_date(start.date())
        return f"{polish_date(start.date())} – {polish_date(last)}"
    if start.date() == end.date():
        return f"{polish_date(start.date())}, {start:%H:%M}–{end:%H:%M}"
    return f"{polish_date(start.date())}, {start:%H:%M} – {polish_date(end.date())}, {end:%H:%M}"
