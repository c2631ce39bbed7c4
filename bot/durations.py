"""Durations written as in the config: "24h", "2d", "90s", "1d12h"."""

from __future__ import annotations

import datetime as dt
import re

from bot.plural import DAYS, HOURS, MINUTES, plural

_PART = re.compile(r"(\d+)\s*([dhms])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> dt.timedelta:
    """Raise ValueError unless `text` is one or more number+unit parts (d, h, m, s)."""
    compact = text.strip().lower()
    parts = _PART.findall(compact)
    if not parts or _PART.sub("", compact).strip():
        raise ValueError(f"not a duration: {text!r} (use e.g. 24h, 2d, 90m, 90s)")
    total = dt.timedelta()
    for number, unit in parts:
        total += dt.timedelta(**{_UNITS[unit]: int(number)})
    if total <= dt.timedelta():
        raise ValueError(f"duration must be positive: {text!r}")
    return total


def polish_duration(delta: dt.timedelta) -> str:
    """How long before something, as in "przypomnę … przed": "dzień", "godzinę", "3 godziny",
    "2 dni", "90 minut"."""
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        return _amount(seconds // 86400, DAYS, "dzień")
    if seconds % 3600 == 0:
        return _amount(seconds // 3600, HOURS, "godzinę")
    if seconds % 60 == 0:
        return _amount(seconds // 60, MINUTES, "minutę")
    return plural(seconds, "sekundę", "sekundy", "sekund")


def _amount(n: int, noun: tuple[str, str, str], single: str) -> str:
    return single if n == 1 else plural(n, *noun)
