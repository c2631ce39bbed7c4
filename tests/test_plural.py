"""Polish number agreement and dates: the one helper every count in the bot goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import texts
from bot.insights import duration_text
from bot.office_hours import parse_office_hours
from bot.plural import (
    DAYS,
    ENTRIES,
    ERRORS,
    MEETINGS,
    PEOPLE,
    QUESTIONS,
    clock_time,
    count,
    on_day,
    out_of,
    plural,
    polish_day,
    short_date,
)


@pytest.mark.parametrize(("n", "expected"), [
    (0, "0 osób"), (1, "1 osoba"), (2, "2 osoby"), (4, "4 osoby"), (5, "5 osób"),
    (11, "11 osób"), (12, "12 osób"), (14, "14 osób"), (21, "21 osób"), (22, "22 osoby"),
    (104, "104 osoby"), (112, "112 osób"), (1000, "1000 osób"),
])
def test_people(n: int, expected: str) -> None:
    assert plural(n, "osoba", "osoby", "osób") == expected


def test_the_nouns_the_bot_counts() -> None:
    assert count(42, ENTRIES) == "42 wpisy"
    assert count(2, MEETINGS) == "2 spotkania"
    assert count(1, ERRORS) == "1 błąd"
    assert count(5, ERRORS) == "5 błędów"
    assert count(4, QUESTIONS) == "4 pytania"
    assert count(20, QUESTIONS) == "20 pytań"
    assert count(1, DAYS) == "1 dzień"
    assert count(2, DAYS) == "2 dni"
    assert count(3, PEOPLE) == "3 osoby"


def test_after_z_the_genitive() -> None:
    assert out_of(1, "dnia", "dni") == "1 dnia"
    assert out_of(2, "dnia", "dni") == "2 dni"
    assert out_of(30, "dnia", "dni") == "30 dni"
    assert out_of(1, "oceny", "ocen") == "1 oceny"
    assert out_of(22, "oceny", "ocen") == "22 ocen"


def test_dates_as_people_write_them() -> None:
    monday = dt.date(2026, 11, 30)
    assert short_date(monday) == "30.11.2026"
    assert polish_day(monday) == "poniedziałek, 30 listopada 2026"
    assert on_day(monday) == "w poniedziałek, 30 listopada"
    assert on_day(dt.date(2026, 12, 1)) == "we wtorek, 1 grudnia"
    assert on_day(dt.date(2026, 12, 2)) == "w środę, 2 grudnia"
    assert clock_time(dt.time(8, 0)) == "8:00"


def test_expected_reply_after_a_friday_evening() -> None:
    hours = parse_office_hours("pn-pt 8:00-16:00")
    assert hours is not None
    friday_evening = dt.datetime(2026, 11, 27, 20, 0, tzinfo=dt.UTC)
    note = hours.expected_reply(friday_evening)
    assert note is not None
    assert note.endswith("Odpowiedzi spodziewaj się w poniedziałek, 30 listopada, od godz. 8:00.")


def test_texts_with_counts() -> None:
    assert texts.announce_started(1) == (
        "Wysyłam ogłoszenie do 1 osoby z włączonymi przypomnieniami…")
    assert texts.announce_report(2, 1, 0) == (
        "Ogłoszenie dotarło do 2 osób. 1 osoba zablokowała bota i została wypisana.")
    assert "3 osoby zablokowały bota i zostały wypisane" in texts.announce_report(0, 3, 0)
    assert "5 osób zablokowało bota i zostało wypisane" in texts.announce_report(0, 5, 0)
    assert texts.reloaded("na polecenie", 42, 2).endswith("42 wpisy, 2 spotkania.")
    assert "1 błąd" in texts.reload_failed("na polecenie", 1)
    assert duration_text(dt.timedelta(hours=3, minutes=5)) == "3 godziny 5 min"
    assert duration_text(dt.timedelta(days=3)) == "3 dni"
