"""The coordinator's office hours ("pn-pt 8:00-16:00"), Polish public holidays excluded."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import holidays

from bot.meetings import WARSAW
from bot.plural import clock_time, on_day

_DAYS = {"pn": 0, "pon": 0, "wt": 1, "wto": 1, "sr": 2, "śr": 2, "sro": 2, "śro": 2, "cz": 3,
         "czw": 3, "pt": 4, "pia": 4, "pią": 4, "so": 5, "sob": 5, "nd": 6, "nie": 6, "niedz": 6}
_SHORT = ("pn", "wt", "śr", "cz", "pt", "sob", "nd")
_GROUP = re.compile(
    r"^\s*(?P<first>\w+)(?:\s*-\s*(?P<last>\w+))?\s+"
    r"(?P<open>\d{1,2})(?::(?P<open_m>\d{2}))?\s*-\s*(?P<close>\d{1,2})(?::(?P<close_m>\d{2}))?\s*$"
)


@dataclass(frozen=True)
class Span:
    days: frozenset[int]  # Monday is 0
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class OfficeHours:
    spans: tuple[Span, ...]
    text: str

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(WARSAW)
        if local.date() in _holidays(local.year):
            return False
        return any(local.weekday() in s.days and s.opens <= local.time() < s.closes
                   for s in self.spans)

    def next_opening(self, moment: dt.datetime) -> dt.datetime:
        """When the office is next open: `moment` itself if it is open now."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(WARSAW)
        for offset in range(0, 30):
            day = local.date() + dt.timedelta(days=offset)
            if day in _holidays(day.year):
                continue
            for span in sorted(self.spans, key=lambda s: s.opens):
                opening = dt.datetime.combine(day, span.opens, WARSAW)
                if day.weekday() in span.days and opening > local:
                    return opening
        raise ValueError("no opening within 30 days")  # parse_office_hours rules this out

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much of [start, end) the office was open (holidays left out)."""
        total = dt.timedelta()
        first, last = start.astimezone(WARSAW), end.astimezone(WARSAW)
        day = first.date()
        while day <= last.date():
            if day not in _holidays(day.year):
                for span in self.spans:
                    if day.weekday() not in span.days:
                        continue
                    opens = max(dt.datetime.combine(day, span.opens, WARSAW), first)
                    closes = min(dt.datetime.combine(day, span.closes, WARSAW), last)
                    if closes > opens:
                        total += closes - opens
            day += dt.timedelta(days=1)
        return total

    def expected_reply(self, moment: dt.datetime) -> str | None:
        """Polish note for a hand-off outside office hours; None when the office is open."""
        if self.is_open(moment):
            return None
        opening = self.next_opening(moment)
        return (f"Koordynator odpowiada w godzinach pracy ({self.text}, bez świąt). "
                f"Odpowiedzi spodziewaj się {on_day(opening.date())}, "
                f"od godz. {clock_time(opening)}.")


def parse_office_hours(text: str) -> OfficeHours | None:
    """Parse e.g. "pn-pt 8:00-16:00" or "pn-cz 8-16; pt 8-14"; empty text means none."""
    if not text.strip():
        return None
    spans = []
    for group in re.split(r"[;,]", text):
        match = _GROUP.match(group.casefold())
        if match is None:
            raise ValueError(f"cannot read {group.strip()!r}; write e.g. pn-pt 8:00-16:00")
        first = _day(match["first"])
        last = _day(match["last"]) if match["last"] else first
        days = frozenset(range(first, last + 1)) if first <= last else frozenset(
            [*range(first, 7), *range(0, last + 1)])
        opens = _time(match["open"], match["open_m"])
        closes = _time(match["close"], match["close_m"])
        if closes <= opens:
            raise ValueError(f"closing must be after opening in {group.strip()!r}")
        spans.append(Span(days, opens, closes))
    pretty = "; ".join(_describe(s) for s in spans)
    return OfficeHours(tuple(spans), pretty)


def _day(word: str) -> int:
    try:
        return _DAYS[word]
    except KeyError:
        raise ValueError(f"unknown day {word!r}; use pn wt śr cz pt sob nd") from None


def _time(hours: str, minutes: str | None) -> dt.time:
    try:
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        raise ValueError(f"bad time {hours}:{minutes or '00'}") from None


def _describe(span: Span) -> str:
    days = sorted(span.days)
    names = (_SHORT[days[0]] if len(days) == 1 else f"{_SHORT[days[0]]}–{_SHORT[days[-1]]}")
    return f"{names} {span.opens:%-H:%M}–{span.closes:%-H:%M}"


def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PL", years=year)
