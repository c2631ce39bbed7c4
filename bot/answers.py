"""Answer text for an entry, in plain text; channels add their own markup."""

from __future__ import annotations

import datetime as dt

from bot.knowledge import Entry, KnowledgeBase, Meeting
from bot.meetings import past, upcoming, when_text


def answer_text(
    entry: Entry, knowledge: KnowledgeBase, now: dt.datetime, *, member: bool = True
) -> str:
    """The entry's answer; meeting entries list the meetings as they stand at `now`, those
    for members only when the person is one."""
    if entry.dynamic == "upcoming_meetings":
        meetings = upcoming(knowledge.meetings, now, member=member)
        if meetings:
            return "Najbliższe spotkania:\n\n" + "\n\n".join(meeting_text(m) for m in meetings)
    elif entry.dynamic == "past_meetings":
        meetings = past(knowledge.meetings, now, member=member)
        if meetings:
            return "Spotkania, które się odbyły:\n\n" + "\n\n".join(
                meeting_text(m, with_registration=False) for m in meetings)
    return entry.answer


def meeting_text(meeting: Meeting, *, with_registration: bool = True) -> str:
    title = meeting.title + (" (dla członków klastra)" if meeting.audience == "members" else "")
    lines = [title, when_text(meeting)]
    where = ", ".join(part for part in (meeting.place, meeting.address) if part)
    if where:
        lines.append(where)
    if meeting.description:
        lines.append(meeting.description)
    if with_registration and meeting.registration:
        lines.append(f"Udział: {meeting.registration}")
    return "\n".join(lines)
