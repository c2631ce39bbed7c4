"""Polish number agreement and dates, written once for every text the bot shows.

Polish has three forms after a number: 1 osoba, 2-4 osoby (but 12-14 osób), 5+ osób
(and 22-24 osoby again). After "z" (out of) the genitive is needed: "z 1 dnia", "z 2 dni".
"""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela")
# "w poniedziałek", "we wtorek", "w środę": the accusative after "w"
WEEKDAYS_ON = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek",
               "w sobotę", "w niedzielę")
MONTHS = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
          "września", "października", "listopada", "grudnia")


def form(n: int, one: str, few: str, many: str) -> str:
    """The noun form that agrees with `n`: form(1, ...) is `one`, form(22, ...) is `few`."""
    n = abs(n)
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def plural(n: int, one: str, few: str, many: str) -> str:
    """The number with its noun: plural(5, "osoba", "osoby", "osób") is "5 osób"."""
    return f"{n} {form(n, one, few, many)}"


def out_of(n: int, one_genitive: str, many_genitive: str) -> str:
    """After "z": out_of(1, "dnia", "dni") is "1 dnia", out_of(30, ...) is "30 dni".

    Only 1 takes the singular genitive; every other number takes the plural genitive
    ("z 2 ocen", "z 22 ocen")."""
    return f"{n} {one_genitive if abs(n) == 1 else many_genitive}"


# The nouns the bot counts, as (one, few, many) and the genitive singular for "z 1 ...".
PEOPLE = ("osoba", "osoby", "osób")
QUESTIONS = ("pytanie", "pytania", "pytań")
ENTRIES = ("wpis", "wpisy", "wpisów")
MEETINGS = ("spotkanie", "spotkania", "spotkań")
ERRORS = ("błąd", "błędy", "błędów")
DAYS = ("dzień", "dni", "dni")
HOURS = ("godzina", "godziny", "godzin")
MINUTES = ("minuta", "minuty", "minut")
RATINGS = ("ocena", "oceny", "ocen")
TICKETS = ("zgłoszenie", "zgłoszenia", "zgłoszeń")
TIMES = ("raz", "razy", "razy")


def count(n: int, noun: tuple[str, str, str]) -> str:
    """count(2, ENTRIES) is "2 wpisy"."""
    return plural(n, *noun)


def polish_day(day: dt.date, *, year: bool = True) -> str:
    """E.g. "poniedziałek, 30 listopada 2026" (or without the year)."""
    text = f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def on_day(day: dt.date, *, year: bool = False) -> str:
    """E.g. "w poniedziałek, 30 listopada": when something happens."""
    text = f"{WEEKDAYS_ON[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def short_date(day: dt.date | dt.datetime) -> str:
    """E.g. "28.11.2026"."""
    return f"{day:%d.%m.%Y}"


def clock_time(moment: dt.datetime | dt.time) -> str:
    """E.g. "8:00", "14:30" (no leading zero, as Poles write it)."""
    return f"{moment.hour}:{moment.minute:02d}"
