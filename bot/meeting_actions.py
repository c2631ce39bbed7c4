"""Adding, moving and cancelling a meeting, the same from every channel (Telegram, the desk).

What changes in meetings.yaml is decided in bot.meetings_edit; this module adds who must hear
of a change and says so: a moved or cancelled meeting is owed a notice (an outbox row of kind
`meeting_change`, so it survives a restart and the Telegram outbox sends it) to every
subscriber who was reminded of it, or whose reminder time has come. Reloading the knowledge
is left to the channel, which knows how it serves the bot.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot import meetings_edit, texts
from bot.config import Settings
from bot.knowledge import Meeting
from bot.meetings import visible, when_text
from bot.meetings_edit import Change, When, WhenError
from bot.outbox import OutboxStore
from bot.plural import plural
from bot.subscriptions import SubscriptionBook

NOTICE_KIND = "meeting_change"
AUDIENCES = ("public", "members")
FIELDS = ("title", "when", "place", "audience", "registration")


def is_member(settings: Settings, user_id: int | str) -> bool:
    """Members see members-only meetings; coordinators count as members."""
    try:
        number = int(user_id)
    except (TypeError, ValueError):
        return False
    return (number in settings.meetings.member_user_ids
            or number in settings.coordinator.user_ids)


@dataclass
class MeetingActions:
    """The meeting use cases over one knowledge folder and one database."""

    settings: Settings
    connection: sqlite3.Connection
    clock: Callable[[], dt.datetime]
    root: Path | None = None  # default: settings.knowledge.path

    @property
    def knowledge_root(self) -> Path:
        return Path(self.root if self.root is not None else self.settings.knowledge.path)

    @property
    def subscriptions(self) -> SubscriptionBook:
        return SubscriptionBook(self.connection, self.clock)

    # -- the changes --------------------------------------------------------------------
    def add(self, form: MeetingForm) -> Change:
        return meetings_edit.add_meeting(
            self.knowledge_root, title=form.title, when=form.when, place=form.place,
            registration=form.registration, audience=form.audience, now=self.clock())

    def move(self, meeting: Meeting, when: When) -> Outcome:
        """`meeting` as the bot knows it now; a new start alone keeps its length."""
        when = when.keeping_length_of(meeting)
        change = meetings_edit.move_meeting(self.knowledge_root, meeting_id=meeting.id,
                                            when=when, now=self.clock())
        if not change.ok or change.after is None:
            return Outcome(change)
        notice = texts.MEETING_MOVED_NOTICE.format(
            title=meeting.title, when=when_text(change.after), old=when_text(meeting))
        return Outcome(change, self.notify(meeting, notice))

    def cancel(self, meeting: Meeting) -> Outcome:
        change = meetings_edit.cancel_meeting(self.knowledge_root, meeting_id=meeting.id,
                                              now=self.clock())
        if not change.ok:
            return Outcome(change)
        notice = texts.MEETING_CANCELLED_NOTICE.format(title=meeting.title,
                                                       when=when_text(meeting))
        return Outcome(change, self.notify(meeting, notice))

    # -- who hears of it ----------------------------------------------------------------
    def who_knows(self, meeting: Meeting) -> list[int | str]:
        """Subscribers reminded of the meeting, and, when its reminder time has come (within
        `meetings.remind_before`), every subscriber who may see it."""
        now = self.clock()
        lead = self.settings.meetings.reminder_lead
        book = self.subscriptions
        subscribers = [s for s in book.subscribers()
                       if visible(meeting, is_member(self.settings, s.user_id))]
        reminded = set(book.reminded_of(meeting.id))
        soon = meeting.start - lead <= now < meeting.end
        return [s.chat_id for s in subscribers if soon or s.chat_id in reminded]

    def notify(self, meeting: Meeting, notice: str) -> int:
        """Owe the notice to those who know of the meeting (one transaction); how many."""
        chats = [int(c) for c in self.who_knows(meeting)]
        if not chats:
            return 0
        return OutboxStore(self.connection, self.clock).owe_many(
            NOTICE_KIND, chats, notice, payload={"meeting_id": meeting.id})


@dataclass(frozen=True)
class Outcome:
    change: Change
    notified: int = 0  # notices owed

    @property
    def ok(self) -> bool:
        return self.change.ok


def notified_text(outcome: Outcome) -> str:
    """E.g. "Powiadamiam o zmianie 2 osoby z włączonymi przypomnieniami."."""
    if not outcome.notified:
        return texts.NOBODY_TO_NOTIFY
    return texts.NOTIFIED.format(
        people=plural(outcome.notified, "osobę", "osoby", "osób"))


def failure_text(change: Change, root: Path) -> str:
    """Why a change was not saved, in one Polish line (file and line relative to `root`)."""
    reason = change.reason
    problems = [str(p.relative_to(root)) for p in change.problems]
    if problems:
        reason += f": {problems[0]}"
    return reason


# -- a whole meeting typed into a form (the desk) ------------------------------------------
@dataclass(frozen=True)
class MeetingForm:
    title: str
    when: When
    place: str
    audience: str = "public"
    registration: str = ""


@dataclass
class FormCheck:
    form: MeetingForm | None
    errors: dict[str, str] = field(default_factory=dict)  # field name -> Polish message


def read_form(values: Mapping[str, str], now: dt.datetime) -> FormCheck:
    """Check a whole meeting at once; each problem named by its field, in Polish."""
    title = " ".join(values.get("title", "").split())
    place = " ".join(values.get("place", "").split())
    audience = values.get("audience", "public").strip() or "public"
    registration = " ".join(values.get("registration", "").split())
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Podaj tytuł spotkania."
    elif len(title) > meetings_edit.MAX_TITLE:
        errors["title"] = (f"Tytuł ma {len(title)} znaków, a może mieć najwyżej "
                           f"{meetings_edit.MAX_TITLE}.")
    when: When | None = None
    try:
        when = read_when(values.get("when", ""), now)
    except WhenError as exc:
        errors["when"] = str(exc)
    if not place:
        errors["place"] = "Podaj miejsce spotkania."
    if audience not in AUDIENCES:
        errors["audience"] = "Wybierz, dla kogo jest spotkanie."
    if not registration:
        errors["registration"] = "Napisz, jak się zapisać – albo „bez zapisów”."
    if errors or when is None:
        return FormCheck(None, errors)
    return FormCheck(MeetingForm(title, when, place, audience, registration))


def read_when(text: str, now: dt.datetime) -> When:
    """A date typed by the coordinator, in the future; WhenError with a Polish sentence."""
    if not text.strip():
        raise WhenError("Podaj datę i godzinę, np. 15.12.2026 10:00.")
    try:
        when = meetings_edit.parse_when(" ".join(text.split()), now)
        meetings_edit.check_future(when, now)
    except WhenError as exc:
        raise WhenError(_sentence(str(exc))) from None
    return when


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
