"""Meetings as data: upcoming and past, Polish dates, reminders due, calendar files."""

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from bot.calendar_file import meeting_calendar
from bot.durations import parse_duration, polish_duration
from bot.knowledge import Meeting
from bot.meetings import WARSAW, due_for_reminder, past, upcoming, when_text
from bot.storage import connect
from bot.subscriptions import Subscriber, SubscriptionBook

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


def meeting(mid: str, start: dt.datetime, hours: int = 4, audience: str = "public") -> Meeting:
    return Meeting(id=mid, title=f"Spotkanie {mid}", start=start,
                   end=start + dt.timedelta(hours=hours), all_day=False,
                   place="Starostwo Powiatowe", address="ul. Sobieskiego 9, Częstochowa",
                   description="Plan działań na 2027 r.", audience=audience,  # type: ignore
                   registration="u koordynatora, tel. 533 353 697")


def warsaw(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WARSAW)


MEETINGS = [
    meeting("grudzien", warsaw(2026, 12, 4, 10)),
    meeting("trwa-teraz", warsaw(2026, 11, 26, 11)),
    meeting("dla-czlonkow", warsaw(2026, 12, 10, 9), audience="members"),
    meeting("czerwiec", warsaw(2026, 6, 1, 10)),
]


def test_upcoming_are_those_not_ended_nearest_first_and_past_most_recent_first() -> None:
    assert [m.id for m in upcoming(MEETINGS, NOW)] == ["trwa-teraz", "grudzien", "dla-czlonkow"]
    assert [m.id for m in upcoming(MEETINGS, NOW, member=False)] == ["trwa-teraz", "grudzien"]
    assert [m.id for m in past(MEETINGS, NOW)] == ["czerwiec"]
    many = [meeting(f"m{i}", warsaw(2027, 1, i + 1, 10)) for i in range(8)]
    assert len(upcoming(many, NOW)) == 5


def test_dates_read_as_in_polish() -> None:
    assert when_text(meeting("x", warsaw(2025, 12, 4, 10))) == \
        "czwartek, 4 grudnia 2025, 10:00–14:00"
    whole_days = Meeting("j", "Jaroszowice", warsaw(2022, 6, 20), warsaw(2022, 6, 22), True)
    assert when_text(whole_days) == "poniedziałek, 20 czerwca 2022 – wtorek, 21 czerwca 2022"


def test_reminders_are_due_from_the_lead_until_the_meeting_begins() -> None:
    lead = dt.timedelta(hours=24)
    december = MEETINGS[0]
    assert due_for_reminder([december], december.start - lead - dt.timedelta(minutes=1),
                            lead) == []
    assert due_for_reminder([december], december.start - lead, lead) == [december]
    missed = december.start - dt.timedelta(hours=2)  # the bot was down at the due time
    assert due_for_reminder([december], missed, lead) == [december]
    assert due_for_reminder([december], december.start, lead) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24h", dt.timedelta(hours=24)), ("2d", dt.timedelta(days=2)), ("3h", dt.timedelta(hours=3)),
     ("90s", dt.timedelta(seconds=90)), ("1d12h", dt.timedelta(hours=36)),
     (" 90m ", dt.timedelta(minutes=90))],
)
def test_durations(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "24", "jutro", "0h", "5x", "-3h"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_polish_durations() -> None:
    assert polish_duration(dt.timedelta(hours=24)) == "dzień"
    assert polish_duration(dt.timedelta(days=2)) == "2 dni"
    assert polish_duration(dt.timedelta(hours=1)) == "godzinę"
    assert polish_duration(dt.timedelta(hours=3)) == "3 godziny"
    assert polish_duration(dt.timedelta(hours=36)) == "36 godzin"
    assert polish_duration(dt.timedelta(minutes=90)) == "90 minut"
    assert polish_duration(dt.timedelta(seconds=90)) == "90 sekund"


def test_calendar_file_parses_back_with_the_right_times() -> None:
    december = MEETINGS[0]
    data = meeting_calendar(december, NOW)
    calendar = icalendar.Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == "grudzien@infolinia.klaster-energii-czestochowa"
    assert event.decoded("dtstart") == december.start
    assert event.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)  # CET in December
    assert str(event["dtstart"].params["TZID"]) == "Europe/Warsaw"
    assert event.decoded("dtend") == december.end
    assert event.decoded("dtstamp") == NOW
    assert str(event["summary"]) == december.title
    assert str(event["location"]) == "Starostwo Powiatowe, ul. Sobieskiego 9, Częstochowa"
    assert "Udział: u koordynatora" in str(event["description"])
    assert calendar.walk("VTIMEZONE"), "the time zone is defined in the file"
    assert meeting_calendar(december, NOW) == data  # stable: same meeting, same file


def test_whole_day_meeting_is_a_date_event() -> None:
    days = Meeting("j", "Jaroszowice", warsaw(2022, 6, 20), warsaw(2022, 6, 22), True)
    [event] = icalendar.Calendar.from_ical(meeting_calendar(days, NOW)).walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2022, 6, 20)
    assert event.decoded("dtend") == dt.date(2022, 6, 22)


def test_a_reminder_is_owed_once_per_person_also_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    book = SubscriptionBook(connect(path), lambda: NOW)
    anna, jan = Subscriber(1, 1), Subscriber(2, 2)
    december = MEETINGS[0]
    assert book.owe_reminders(december, [anna, jan]) == 2
    owed = book.owed_reminders()
    book.reminder_sent(owed[0])
    restarted = SubscriptionBook(connect(path), lambda: NOW)
    assert restarted.owe_reminders(december, [anna, jan]) == 0
    assert [o.chat_id for o in restarted.owed_reminders()] == [2]
    moved = meeting("grudzien", warsaw(2026, 12, 5, 10))
    assert restarted.owe_reminders(moved, [anna]) == 1  # a new time is a new reminder
