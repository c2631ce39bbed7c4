"""Meetings added, moved and cancelled without editing YAML by hand; channel-neutral.

Telegram's /dodaj_spotkanie and its buttons call these (a web desk can too). Changes go to
`meetings.yaml` with ruamel.yaml round-trip, so comments and order survive; the result is
validated like any knowledge change and undone when it would break the knowledge.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString as Quoted

from bot.knowledge import Meeting, Problem
from bot.loader import load_knowledge
from bot.meetings import WARSAW
from bot.polish import fold
from bot.yamledit import HAND_WIDTH, dump, read_map, round_trip, write_if_changed

MEETINGS_FILE = Path("meetings.yaml")
DEFAULT_LENGTH = dt.timedelta(hours=2)
SOURCE = "koordynator (z czatu)"
MAX_TITLE = 120
# "2026-12-15 10:00", "15.12.2026 10:00", "15.12 10:00", "15.12.2026, 10:00-12:00", "15.12.2026"
_DATE = re.compile(
    r"^\s*(?:(?P<iso>\d{4}-\d{1,2}-\d{1,2})|(?P<day>\d{1,2})\.(?P<month>\d{1,2})"
    r"(?:\.(?P<year>\d{4}))?)\s*,?\s*(?:(?:godz\.?|o)\s*)?"
    r"(?:(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:\s*[-–]\s*(?P<eh>\d{1,2})[:.](?P<em>\d{2}))?)?\s*$",
    re.IGNORECASE)


# "15 grudnia 2026", "15 grudzień", "15 gru": month names, folded, by their first letters.
_MONTH_STEMS = ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paz", "lis",
                "gru")
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([a-z]{3,})\.?(?:\s+(\d{4}))?")
_WEEKDAY = re.compile(r"^\s*(?:w|we)?\s*(?:pon|wt|sr|czw|pia|sob|nie)[a-z]*\s*,?\s*")


def _numeric_date(text: str) -> str:
    """"we wtorek, 15 grudnia 2026, 10:00" → "15.12.2026, 10:00" (a weekday dropped)."""
    folded = fold_keep_digits(text)
    folded = _WEEKDAY.sub("", folded, count=1)

    def number(match: re.Match[str]) -> str:
        stem = match.group(2)[:3]
        if stem not in _MONTH_STEMS:
            return match.group(0)
        year = f".{match.group(3)}" if match.group(3) else ""
        return f"{match.group(1)}.{_MONTH_STEMS.index(stem) + 1}{year}"

    return _NAMED_DATE.sub(number, folded, count=1)


def fold_keep_digits(text: str) -> str:
    """Lower case without Polish letters, punctuation kept (dates need their dots)."""
    table = str.maketrans("ąćęłńóśźż", "acelnoszz")
    return text.lower().translate(table)


class WhenError(ValueError):
    """A date the bot cannot read; the message is a Polish hint."""


@dataclass(frozen=True)
class When:
    start: dt.datetime
    end: dt.datetime
    all_day: bool = False
    explicit_end: bool = False

    def keeping_length_of(self, meeting: Meeting | None) -> When:
        """A move given only a new start keeps the meeting's length."""
        if self.explicit_end or self.all_day or meeting is None or meeting.all_day:
            return self
        return When(self.start, self.start + (meeting.end - meeting.start))


def parse_when(text: str, now: dt.datetime) -> When:
    """Read a Polish or ISO date with an optional time and end time; times are Warsaw's.

    Without a year the next such date is meant; without an end, two hours; without a time,
    the whole day."""
    match = _DATE.match(text) or _DATE.match(_numeric_date(text))
    if match is None:
        raise WhenError("nie rozumiem daty – napisz np. 15.12.2026 10:00 albo "
                        "2026-12-15 10:00 (godzina zakończenia: 10:00-12:00)")
    today = now.astimezone(WARSAW).date()
    try:
        if match["iso"]:
            day = dt.date.fromisoformat("-".join(p.zfill(2) for p in match["iso"].split("-")))
        else:
            year = int(match["year"]) if match["year"] else today.year
            day = dt.date(year, int(match["month"]), int(match["day"]))
            if not match["year"] and day < today:
                day = day.replace(year=year + 1)
    except ValueError:
        raise WhenError("takiego dnia nie ma w kalendarzu – sprawdź dzień i miesiąc") from None
    if match["h"] is None:
        start = dt.datetime.combine(day, dt.time(), WARSAW)
        return When(start, start + dt.timedelta(days=1), all_day=True)
    try:
        start = dt.datetime.combine(day, dt.time(int(match["h"]), int(match["m"])), WARSAW)
        end = (dt.datetime.combine(day, dt.time(int(match["eh"]), int(match["em"])), WARSAW)
               if match["eh"] else start + DEFAULT_LENGTH)
    except ValueError:
        raise WhenError("godzina powinna być od 0:00 do 23:59") from None
    if end <= start:
        raise WhenError("godzina zakończenia musi być po godzinie rozpoczęcia")
    return When(start, end, explicit_end=bool(match["eh"]))


def check_future(when: When, now: dt.datetime) -> None:
    if when.end <= now:
        raise WhenError("ten termin już minął – podaj przyszłą datę")


@dataclass(frozen=True)
class OneLine:
    when: When
    title: str
    place: str
    registration: str = ""


def parse_one_line(text: str, now: dt.datetime) -> OneLine:
    """"2026-12-15 10:00 | Tytuł | Miejsce [| jak się zapisać]"."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < 3 or not all(parts[:3]):
        raise WhenError("napisz: /dodaj_spotkanie 2026-12-15 10:00 | Tytuł | Miejsce "
                        "(albo samo /dodaj_spotkanie – zapytam o wszystko po kolei)")
    when = parse_when(parts[0], now)
    check_future(when, now)
    return OneLine(when, parts[1], parts[2], parts[3] if len(parts) > 3 else "")


@dataclass
class Change:
    ok: bool
    meeting_id: str
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""
    before: Meeting | None = None  # a moved or cancelled meeting as it was
    after: Meeting | None = None


def add_meeting(root: str | Path, *, title: str, when: When, place: str, registration: str,
                audience: str = "public", address: str = "", description: str = "",
                now: dt.datetime) -> Change:
    root = Path(root)
    data = _read(root)
    meetings = data.setdefault("meetings", CommentedSeq())
    if meetings is None:
        data["meetings"] = meetings = CommentedSeq()
    meeting_id = new_id(title, when.start, {str(m.get("id")) for m in meetings})
    item = CommentedMap()
    item["id"] = meeting_id
    item["title"] = Quoted(" ".join(title.split()))
    item["start"], item["end"] = _times(when)
    item["place"] = Quoted(place.strip())
    item["address"] = Quoted(address.strip())
    item["description"] = Quoted(description.strip())
    item["audience"] = audience
    item["registration"] = Quoted(registration.strip())
    item["source"] = CommentedSeq([Quoted(SOURCE)])
    meetings.append(item)
    return _write_checked(root, data, meeting_id, now)


def move_meeting(root: str | Path, *, meeting_id: str, when: When, now: dt.datetime) -> Change:
    def change(item: CommentedMap) -> None:
        item["start"], item["end"] = _times(when)

    return _edit(Path(root), meeting_id, change, now)


def cancel_meeting(root: str | Path, *, meeting_id: str, now: dt.datetime) -> Change:
    return _edit(Path(root), meeting_id, None, now)


def new_id(title: str, start: dt.datetime, taken: Iterable[str]) -> str:
    """E.g. "2026-12-warsztaty-dla-szkol": month and title, no Polish letters, unique."""
    words = re.sub(r"[^a-z0-9]+", "-", fold(_ascii(title))).strip("-")
    base = f"{start.astimezone(WARSAW):%Y-%m}-{words}"[:44].rstrip("-")
    taken = set(taken)
    candidate, suffix = base, 2
    while candidate in taken:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    return candidate


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _times(when: When) -> tuple[Quoted, Quoted]:
    start = when.start.astimezone(WARSAW)
    if when.all_day:
        last = (when.end - dt.timedelta(days=1)).astimezone(WARSAW)
        return Quoted(f"{start:%Y-%m-%d}"), Quoted(f"{last:%Y-%m-%d}")
    end = when.end.astimezone(WARSAW)
    return Quoted(f"{start:%Y-%m-%d %H:%M}"), Quoted(f"{end:%Y-%m-%d %H:%M}")


def _yaml_style() -> YAML:
    # long descriptions stay on one line and quotes stay as written by hand
    return round_trip(HAND_WIDTH, preserve_quotes=True)


def _read(root: Path) -> CommentedMap:
    data = read_map(root / MEETINGS_FILE, _yaml_style())
    return CommentedMap() if data is None else data


def _edit(root: Path, meeting_id: str, change: Callable[[CommentedMap], None] | None,
          now: dt.datetime) -> Change:
    """Change (or with None remove) one meeting, validated."""
    data = _read(root)
    meetings = data.get("meetings") or []
    index = next((i for i, m in enumerate(meetings) if str(m.get("id")) == meeting_id), None)
    if index is None:
        return Change(False, meeting_id, reason="nie ma już tego spotkania")
    before = _find(root, meeting_id, now)
    if change is None:
        del meetings[index]
    else:
        change(meetings[index])
    result = _write_checked(root, data, meeting_id, now)
    result.before = before
    return result


def _find(root: Path, meeting_id: str, now: dt.datetime) -> Meeting | None:
    return next((m for m in load_knowledge(root, now).knowledge.meetings
                 if m.id == meeting_id), None)


def _write_checked(root: Path, data: CommentedMap, meeting_id: str, now: dt.datetime
                   ) -> Change:
    path = root / MEETINGS_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else None
    write_if_changed(path, dump(_yaml_style(), data))
    result = load_knowledge(root, now)
    if result.ok:
        after = next((m for m in result.knowledge.meetings if m.id == meeting_id), None)
        return Change(True, meeting_id, after=after)
    if before is None:
        path.unlink()
    else:
        write_if_changed(path, before)
    errors = [p for p in result.problems if p.level == "error"]
    return Change(False, meeting_id, errors, "po tej zmianie baza wiedzy miałaby błędy")


def draft_fields(data: dict[str, Any]) -> tuple[str, ...]:
    """What a guided draft still lacks, in the order the bot asks."""
    return tuple(name for name in ("title", "when", "place", "audience", "registration")
                 if not data.get(name))
