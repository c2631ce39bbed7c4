"""An RFC 5545 calendar file for a meeting, importable by Google, Outlook and Apple."""

from __future__ import annotations

import datetime as dt

import icalendar

from bot.knowledge import Meeting
from bot.meetings import WARSAW

PRODUCT_ID = "-//Klaster Energii Powiatu Czestochowskiego//Infolinia//PL"
UID_DOMAIN = "infolinia.klaster-energii-czestochowa"


def meeting_calendar(meeting: Meeting, stamp: dt.datetime) -> bytes:
    """A VCALENDAR with one VEVENT; the UID is stable so a re-import updates, not duplicates."""
    event = icalendar.Event()
    event.add("uid", f"{meeting.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    if meeting.all_day:
        event.add("dtstart", meeting.start.astimezone(WARSAW).date())
        event.add("dtend", meeting.end.astimezone(WARSAW).date())  # exclusive, as RFC 5545
    else:
        event.add("dtstart", meeting.start.astimezone(WARSAW))
        event.add("dtend", meeting.end.astimezone(WARSAW))
    event.add("summary", meeting.title)
    location = ", ".join(part for part in (meeting.place, meeting.address) if part)
    if location:
        event.add("location", location)
    description = "\n\n".join(part for part in (
        meeting.description, f"Udział: {meeting.registration}" if meeting.registration else "",
    ) if part)
    if description:
        event.add("description", description)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_filename(meeting: Meeting) -> str:
    return f"{meeting.id}.ics"
