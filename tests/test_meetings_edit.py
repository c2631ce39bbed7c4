"""Reading dates the way a coordinator types them, and meeting ids."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.meetings import WARSAW
from bot.meetings_edit import WhenError, new_id, parse_one_line, parse_when

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("text", ["2026-12-15 10:00", "15.12.2026 10:00", "15.12 10:00",
                                  "15.12.2026, godz. 10:00", "15.12.2026 o 10.00",
                                  "15 grudnia 2026 10:00", "we wtorek, 15 grudnia, godz. 10:00",
                                  "15 gru 10:00", "wtorek 15.12.2026 10:00"])
def test_the_same_moment_written_differently(text: str) -> None:
    when = parse_when(text, NOW)
    assert when.start == dt.datetime(2026, 12, 15, 10, 0, tzinfo=WARSAW)
    assert when.end - when.start == dt.timedelta(hours=2) and not when.explicit_end


def test_an_end_time_a_whole_day_and_next_year() -> None:
    when = parse_when("15.12.2026 10:00-12:30", NOW)
    assert when.end == dt.datetime(2026, 12, 15, 12, 30, tzinfo=WARSAW) and when.explicit_end
    assert parse_when("20.12.2026", NOW).all_day
    assert parse_when("10.01 9:00", NOW).start.year == 2027  # no year: the next 10 January


@pytest.mark.parametrize(("text", "hint"), [
    ("jutro", "nie rozumiem daty"), ("31.02.2026 10:00", "takiego dnia nie ma"),
    ("15.12.2026 25:00", "od 0:00 do 23:59"), ("15.12.2026 12:00-10:00", "po godzinie"),
])
def test_bad_dates_get_a_polish_hint(text: str, hint: str) -> None:
    with pytest.raises(WhenError, match=hint):
        parse_when(text, NOW)


def test_one_line_and_ids() -> None:
    line = parse_one_line("2026-12-15 10:00 | Warsztaty: OZE w szkole | Kruszyna", NOW)
    assert (line.title, line.place, line.registration) == ("Warsztaty: OZE w szkole",
                                                          "Kruszyna", "")
    with pytest.raises(WhenError, match="minął"):
        parse_one_line("2026-11-01 10:00 | Stare | Tu", NOW)
    taken = {"2026-12-walne-zgromadzenie-czlonkow"}
    assert new_id("Walne zgromadzenie członków", line.when.start, taken) == (
        "2026-12-walne-zgromadzenie-czlonkow-2")
    assert new_id("Łąki, żółw i źdźbło", line.when.start, ()) == "2026-12-laki-zolw-i-zdzblo"
