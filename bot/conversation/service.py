"""The conversation use cases: every channel calls these and renders what they return."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import texts
from bot.answers import answer_text, meeting_text
from bot.conversation import choices
from bot.conversation.choices import ChoiceKind
from bot.conversation.model import Choice, Reply, Sender, Turn
from bot.conversation.state import ConversationStates, StateName
from bot.degraded import storage_down_text
from bot.knowledge import Entry, KnowledgeBase
from bot.matcher import Matcher
from bot.meetings import upcoming
from bot.office_hours import OfficeHours
from bot.polish import fold
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tickets import Clock, HandOff, Offer, Person, Ticket, TicketDesk

log = logging.getLogger(__name__)

CONTACT_ENTRY = "kontakt.ogolny"
UPCOMING_MEETINGS = "upcoming_meetings"
UPCOMING_ENTRY = "spotkania.najblizsze"  # its answer says there are none planned
# "kiedy dostane odpowiedz?", "czy jest juz odpowiedz": asking after one's own ticket.
_ASKS_AFTER_TICKET = re.compile(r"\b(kiedy|czy|jeszcze|nadal|dalej|gdzie)\b.*\bodpowiedz")
# Deep-link payloads (Telegram /start parameter): letters, digits, _ and -, at most 64.
START_HANDOFF = "h"
START_ASK = "ask"
START_MY_DATA = "dane"
START_FORGET = "usun"
START_REMINDERS = "przyp"
LOCAL_TIME = ZoneInfo("Europe/Warsaw")


@dataclass(frozen=True)
class ConversationSettings:
    retention_days: int = 365
    open_tickets_per_user: int = 3
    privacy_notice_url: str = ""
    controller: str = ""
    cluster_of: str = texts.DEFAULT_CLUSTER_OF  # the cluster's name in the genitive
    coordinator_org: str = ""
    # When to expect an answer, said at a hand-off when no office hours tell it better.
    reply_expectation: str = texts.DEFAULT_REPLY_EXPECTATION


class Conversation:
    """Answer, suggest or hand off; follow-ups, feedback and the person's data rights."""

    def __init__(
        self,
        matcher: Callable[[], Matcher],
        desk: TicketDesk,
        questions: QuestionLog,
        subscriptions: SubscriptionBook,
        states: ConversationStates,
        *,
        coordinator_chat: Callable[[], int],
        settings: ConversationSettings,
        clock: Clock,
        office_hours: OfficeHours | None = None,
        is_member: Callable[[Sender], bool] = lambda sender: False,
        owed: Callable[[], None] = lambda: None,
    ) -> None:
        self._matcher = matcher
        self.desk = desk
        self.questions = questions
        self.subscriptions = subscriptions
        self.states = states
        self._coordinator_chat = coordinator_chat
        self.settings = settings
        self._clock = clock
        self._office_hours = office_hours
        self._is_member = is_member
        self._owed = owed  # wakes the outbox: something new is owed

    # -- entry points ---------------------------------------------------------------------
    def start(self, sender: Sender, payload: str = "") -> Turn:
        """/start (also from a deep link out of a group, carrying what was asked there)."""
        if payload.startswith(START_HANDOFF) and (offer_id := choices.number(payload[1:])):
            offer = self.desk.offer(offer_id)
            if offer is not None and self._owns(offer, sender):
                text = texts.CONFIRM_PENDING_QUESTION.format(question=_shorten(offer.question))
                return Turn.of(Reply(text, self._pass_on_choices(offer), "offer"))
        if payload == START_ASK:
            return self.ask_coordinator(sender)
        if payload == START_MY_DATA:
            return self.my_data(sender)
        if payload == START_FORGET:
            return self.forget_request(sender)
        greeting = texts.greeting(self.settings.cluster_of, self.settings.coordinator_org)
        return Turn.of(Reply(f"{greeting}\n\n{self.privacy_note()}", kind="greeting"),
                       self.menu_reply())

    def menu(self, sender: Sender) -> Turn:
        return Turn.of(self.menu_reply())

    def contact(self, sender: Sender) -> Turn:
        entry = self.knowledge.entry(CONTACT_ENTRY)
        return Turn.of(Reply(entry.answer if entry else texts.NO_ANSWER, kind="answer",
                             entry_id=CONTACT_ENTRY))

    def message(self, sender: Sender, text: str, *, message_id: str | None = None,
                reply_to: str | None = None) -> Turn:
        """Free text from a person."""
        text = text.strip()
        if not text:
            return Turn.of(Reply(texts.NOT_TEXT, kind="prompt"))
        self._guarded(lambda: self.desk.record_active(self._stored_id(sender),
                                                      sender.person.channel))
        if sender.private:
            if reply_to is not None:
                ticket = self.desk.ticket_of_resident_message(
                    sender.chat.channel, self._stored_chat(sender), reply_to)
                if ticket is not None and self._owns_ticket(ticket, sender):
                    return self._follow_up(sender, ticket, text, message_id, reopen=True)
            state = self.states.pop(sender)
            if state is not None and state.name == "awaiting_question":
                self._log(sender, text, "direct")
                return self._hand_off(sender, text, (), message_id=message_id, new=True)
            if state is not None and state.name == "awaiting_followup":
                ticket = self.desk.ticket(int(state.data.get("ticket", 0)))
                if ticket is not None and self._owns_ticket(ticket, sender):
                    return self._follow_up(sender, ticket, text, message_id, reopen=True)
            if state is not None and state.name == "awaiting_missing":
                offer = self.desk.offer(int(state.data.get("offer", 0)))
                if offer is not None:
                    combined = f"{offer.question}\n\n{texts.MISSING_PREFIX}: {text}"
                    return self._hand_off(sender, combined, offer.suggestions,
                                          message_id=message_id, new=True)
        result = self.knowledge_matcher.match(text)
        entry = result.entry if result.status == "answer" else None
        question_id = self._log(sender, text, result.status, entry.id if entry else None,
                                result.score)
        suggestions = tuple(s.entry.id for s in result.suggestions)
        # An answer's suggestions are siblings it may have been instead: "see also" buttons.
        see_also = tuple(s.entry for s in result.suggestions) if entry is not None else ()
        if sender.private:
            latest = self.desk.latest_ticket_of(self._stored_id(sender), sender.person.channel)
            if latest is not None and latest.status == "open":
                if entry is not None:
                    return self._answer(sender, entry, text, question_id, see_also)
                if _ASKS_AFTER_TICKET.search(fold(text)) and len(text.split()) <= 10:
                    return Turn.of(Reply(texts.TICKET_WAITING.format(number=latest.id),
                                         kind="info"))
                self._handed_off(question_id)
                return self._follow_up(sender, latest, text, message_id)
        language = getattr(result, "language", None)
        if language in texts.FOREIGN_LANGUAGE and entry is None:
            offer = self._remember_offer(sender, text, suggestions, question_id)
            return Turn.of(Reply(texts.FOREIGN_LANGUAGE[language], kind="info"),
                           self._no_answer_reply(sender, offer))
        if entry is not None:
            return self._answer(sender, entry, text, question_id, see_also)
        offer = self._remember_offer(sender, text, suggestions, question_id)
        if result.status == "suggest":
            options = [Choice(choices.encode(ChoiceKind.QUESTION, s.entry.id), _label(s.entry))
                       for s in result.suggestions]
            if offer is not None:  # without a stored offer there is nothing to hand off
                options.append(Choice(choices.encode(ChoiceKind.HAND_OFF, offer.id),
                                      texts.NONE_OF_THESE) if sender.private else
                               self._private_link(f"{START_HANDOFF}{offer.id}"))
            return Turn.of(Reply(texts.SUGGEST_INTRO, tuple(options), "suggest"))
        return Turn.of(self._no_answer_reply(sender, offer))

    def choose(self, sender: Sender, data: str) -> Turn | None:
        """A tapped button. None for choices that are not the conversation's (channels'
        own buttons, e.g. calendar files or the coordinator's)."""
        decoded = choices.decode(data)
        if decoded is None:
            return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"))
        kind, value = decoded
        if kind is ChoiceKind.MENU:
            return self.menu(sender)
        if kind is ChoiceKind.CATEGORY:
            return self._category(value)
        if kind is ChoiceKind.QUESTION:
            entry = self.knowledge.entry(value)
            if entry is None:
                return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"))
            return self._answer(sender, entry, entry.question, None)
        if kind is ChoiceKind.ASK:
            return self.ask_coordinator(sender)
        if kind is ChoiceKind.NO_THANKS:
            self.states.clear(sender)
            return Turn.of(Reply(texts.NO_THANKS_REPLY, kind="ack"), retire_buttons=True)
        if kind in (ChoiceKind.HAND_OFF, ChoiceKind.HELPED, ChoiceKind.NOT_HELPED):
            return self._offer_choice(sender, kind, value)
        if kind in (ChoiceKind.FORGET_YES, ChoiceKind.FORGET_NO):
            if value != sender.person.id:
                return Turn(notice=texts.NOT_YOUR_BUTTON)
            if kind is ChoiceKind.FORGET_NO:
                return Turn.of(Reply(texts.FORGET_CANCELLED, kind="ack"), retire_buttons=True)
            return self.forget(sender)
        if kind in (ChoiceKind.PHONE_YES, ChoiceKind.PHONE_NO):
            return self._phone_choice(sender, kind is ChoiceKind.PHONE_YES)
        if kind in (ChoiceKind.ANSWER_DONE, ChoiceKind.ANSWER_MORE, ChoiceKind.ANSWER_RATE):
            return self._answer_choice(sender, kind, value)
        return None

    def ask_coordinator(self, sender: Sender) -> Turn:
        """"Zapytaj koordynatora": the next message goes to the coordinator as it is."""
        if not sender.private:
            return Turn.of(Reply(texts.PRIVATE_ONLY["ask"], (self._private_link(START_ASK),),
                                 "refused"))
        if not self._wait_for(sender, "awaiting_question"):
            return self._storage_down()
        return Turn.of(Reply(texts.ASK_PROMPT, kind="prompt"))

    def attachment(self, sender: Sender, kind: str, caption: str,
                   reference: dict[str, object], *, message_id: str | None = None) -> Turn:
        """A photo, file or voice message: read by its caption; copied into a ticket when one
        is open or the person asked to write to the coordinator."""
        what = texts.ATTACHMENT_NAMES.get(kind, "plik")
        if not sender.private:
            return (self.message(sender, caption, message_id=message_id) if caption.strip()
                    else Turn.of(Reply(texts.NOT_TEXT, kind="prompt")))
        state = self.states.get(sender)
        if state is not None and state.name == "awaiting_question":
            self.states.clear(sender)
            turn = self._hand_off(sender, caption.strip() or f"[{what}]", (),
                                  message_id=message_id, new=True)
        elif caption.strip():
            turn = self.message(sender, caption, message_id=message_id)
        else:
            latest = self._open_ticket(sender)
            if latest is None:
                return Turn.of(Reply(texts.ATTACHMENT_NO_TICKET.format(what=what),
                                     kind="prompt"))
            turn = Turn(handed_off_ticket=latest.id,
                        replies=(Reply(texts.ATTACHED.format(what=what, number=latest.id),
                                       kind="handed_off"),))
        if turn.handed_off_ticket is not None:
            self._guarded(lambda: self.desk.copy_into(
                turn.handed_off_ticket, self._coordinator_chat(), reference))
            self._owed()
        return turn

    def shared_contact(self, sender: Sender, phone: str) -> Turn:
        """A shared phone number joins the open ticket, once the person agrees."""
        latest = self._open_ticket(sender) if sender.private else None
        if latest is None:
            return Turn.of(Reply(texts.PHONE_NO_TICKET, kind="prompt"))
        if not self._wait_for(sender, "awaiting_phone", phone=phone, ticket=latest.id):
            return self._storage_down()
        return Turn.of(Reply(
            texts.PHONE_CONSENT.format(phone=phone, number=latest.id),
            (Choice(choices.encode(ChoiceKind.PHONE_YES, latest.id), texts.PHONE_YES),
             Choice(choices.encode(ChoiceKind.PHONE_NO), texts.PHONE_NO)), "confirm"))

    def edited(self, sender: Sender, message_id: str, text: str) -> Turn:
        """An edited message: a handed-off one corrects its ticket; an answered or offered
        one is not answered again."""
        ticket = self.desk.ticket_of_resident_message(
            sender.chat.channel, self._stored_chat(sender), message_id)
        if ticket is None or not text.strip() or not self._owns_ticket(ticket, sender):
            return Turn()
        self._guarded(lambda: self.desk.add_followup(
            ticket.id, f"poprawione: {text.strip()}", self._coordinator_chat()))
        self._owed()
        return Turn.of(Reply(texts.CORRECTED_TICKET.format(number=ticket.id), kind="info"))

    # -- the person's data ----------------------------------------------------------------
    def my_data(self, sender: Sender) -> Turn:
        if not sender.private:
            return Turn.of(Reply(texts.PRIVATE_ONLY["my_data"],
                                 (self._private_link(START_MY_DATA),), "refused"))
        tickets = self.desk.tickets_of(self._stored_id(sender), sender.person.channel)
        subscribed = self.subscriptions.is_subscribed(self._stored_chat(sender),
                                                      sender.chat.channel)
        lines = [texts.MY_DATA_TITLE, f"Identyfikator: {sender.person.id}",
                 f"Przypomnienia: {'włączone' if subscribed else 'wyłączone'}"]
        if not tickets:
            lines.append(texts.MY_DATA_NO_TICKETS)
        for ticket in tickets:
            lines += ["", f"Zgłoszenie nr {ticket.id} ({ticket.created_at:%d.%m.%Y}, "
                          f"{texts.STATUS[ticket.status]})",
                      f"Imię i nazwa: {ticket.display_name}"
                      + (f" (@{ticket.username})" if ticket.username else ""),
                      f"Pytanie: {ticket.question}"]
            lines += [f"Dopisane: {text}" for text in self.desk.followups_of(ticket.id)]
            if ticket.answer:
                lines.append(f"Odpowiedź: {ticket.answer}")
        lines += ["", texts.MY_DATA_FOOTER.format(days=self.settings.retention_days)]
        return Turn.of(Reply("\n".join(lines), kind="my_data"))

    def my_tickets(self, sender: Sender) -> Turn:
        """/moje_zgloszenia: the person's tickets, newest first, with their state."""
        if not sender.private:
            return Turn.of(Reply(texts.PRIVATE_ONLY["my_data"],
                                 (self._private_link(START_MY_DATA),), "refused"))
        tickets = self.desk.tickets_of(self._stored_id(sender), sender.person.channel)
        if not tickets:
            return Turn.of(Reply(texts.MY_TICKETS_NONE, kind="info"))
        lines = [texts.MY_TICKETS_TITLE]
        lines += [texts.MY_TICKETS_LINE.format(
            number=t.id, date=f"{t.created_at.astimezone(LOCAL_TIME):%d.%m.%Y}",
            status=texts.STATUS[t.status], question=_shorten(t.question, 80))
            for t in reversed(tickets)]
        if any(t.status == "open" for t in tickets):
            lines += ["", texts.MY_TICKETS_HINT]
        return Turn.of(Reply("\n".join(lines), kind="info"))

    def forget_request(self, sender: Sender) -> Turn:
        if not sender.private:
            return Turn.of(Reply(texts.PRIVATE_ONLY["forget"],
                                 (self._private_link(START_FORGET),), "refused"))
        return Turn.of(Reply(texts.FORGET_CONFIRM, (
            Choice(choices.encode(ChoiceKind.FORGET_YES, sender.person.id), texts.FORGET_YES),
            Choice(choices.encode(ChoiceKind.FORGET_NO, sender.person.id), texts.FORGET_NO),
        ), "confirm"))

    def forget(self, sender: Sender) -> Turn:
        """Everything stored about the person goes; their ticket posts are redacted."""
        channel = sender.person.channel
        forgotten = self.desk.forget_person(self._stored_id(sender), channel,
                                            coordinator_chat=self._coordinator_chat())
        self.questions.forget_asker(sender.person.key)
        self.subscriptions.forget_chat(self._stored_chat(sender), channel)
        self.states.forget_person(channel, sender.person.id)
        self._owed()
        return Turn.of(Reply(texts.FORGOTTEN.format(count=forgotten.tickets), kind="info"),
                       retire_buttons=True)

    # -- pieces ---------------------------------------------------------------------------
    @property
    def knowledge_matcher(self) -> Matcher:
        return self._matcher()

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._matcher().knowledge

    def privacy_note(self) -> str:
        note = texts.PRIVACY_NOTE.format(days=self.settings.retention_days)
        if self.settings.controller:
            note += f" Administrator danych: {self.settings.controller}."
        if self.settings.privacy_notice_url:
            note += f"\nWięcej: {self.settings.privacy_notice_url}"
        return note

    def menu_reply(self) -> Reply:
        options = [Choice(choices.encode(ChoiceKind.CATEGORY, c.id), c.name)
                   for c in self.knowledge.menu_categories()]
        options.append(Choice(choices.encode(ChoiceKind.ASK), texts.ASK_COORDINATOR))
        return Reply(texts.MENU_PROMPT, tuple(options), "menu")

    def _category(self, category_id: str) -> Turn:
        category = next((c for c in self.knowledge.menu_categories() if c.id == category_id),
                        None)
        if category is None:
            return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"))
        options = [Choice(choices.encode(ChoiceKind.QUESTION, e.id), _label(e))
                   for e in self.knowledge.entries_in(category_id)]
        options.append(Choice(choices.encode(ChoiceKind.MENU), texts.BACK_TO_MENU))
        return Turn.of(Reply(texts.CHOOSE_QUESTION.format(category=category.name),
                             tuple(options), "menu"))

    def _answer(self, sender: Sender, entry: Entry, asked: str, question_id: int | None,
                see_also: tuple[Entry, ...] = ()) -> Turn:
        if entry.offers_handoff:  # "I want a human": ask for the question, then hand it off
            if not sender.private:
                return Turn.of(Reply(texts.PRIVATE_ONLY["ask"],
                                     (self._private_link(START_ASK),), "refused"))
            if not self._wait_for(sender, "awaiting_question"):
                return self._storage_down()
            return Turn.of(Reply(f"{entry.answer.strip()}\n\n{texts.ASK_PROMPT}", kind="prompt",
                                 entry_id=entry.id))
        if entry.dynamic == UPCOMING_MEETINGS:
            return self._upcoming(sender, entry)
        body = answer_text(entry, self.knowledge, self._clock(), member=self._is_member(sender))
        if entry.is_smalltalk:
            return Turn.of(Reply(body, kind="ack", entry_id=entry.id))
        offer = self._remember_offer(sender, asked, (entry.id,), question_id)
        # A sibling that may be what was meant comes before "did not help" (a hand-off).
        others = tuple(Choice(choices.encode(ChoiceKind.QUESTION, e.id),
                              texts.SEE_ALSO.format(label=_label(e))) for e in see_also)
        feedback: tuple[Choice, ...] = ()
        if offer is not None:
            feedback = (Choice(choices.encode(ChoiceKind.HELPED, offer.id), texts.HELPED),
                        Choice(choices.encode(ChoiceKind.NOT_HELPED, offer.id),
                               texts.NOT_HELPED))
        return Turn.of(Reply(body, (*feedback[:1], *others, *feedback[1:]), "answer",
                             entry_id=entry.id))

    def upcoming_meetings(self, sender: Sender) -> Turn:
        """/spotkania: the one rendering of the meeting list, whatever the channel."""
        return self._upcoming(sender, self.knowledge.entry(UPCOMING_ENTRY))

    def _upcoming(self, sender: Sender, entry: Entry | None) -> Turn:
        """Meetings that have not ended, nearest first (at most 5), each a reply of its own
        (a channel adds "Dodaj do kalendarza"); with none, the entry's answer."""
        meetings = upcoming(self.knowledge.meetings, self._clock(),
                            member=self._is_member(sender))
        subscribe = (Choice(choices.encode(ChoiceKind.REMINDERS, "on"), texts.REMINDERS_ON),)
        pitch = (sender.private and not self.subscriptions.is_subscribed(
            self._stored_chat(sender), sender.chat.channel))
        entry_id = entry.id if entry is not None else None
        if not meetings:
            return Turn.of(Reply(entry.answer if entry is not None else texts.NO_MEETINGS,
                                 subscribe if pitch else (), "answer", entry_id=entry_id))
        replies = [Reply(texts.UPCOMING_HEADER, kind="answer", entry_id=entry_id),
                   *(Reply(meeting_text(m), kind="meeting", meeting_id=m.id) for m in meetings)]
        if pitch:
            replies.append(Reply(texts.REMINDERS_PITCH, subscribe, "prompt"))
        return Turn.of(*replies)

    def _offer_choice(self, sender: Sender, kind: ChoiceKind, value: str) -> Turn:
        offer_id = choices.number(value)
        offer = self.desk.offer(offer_id) if offer_id is not None else None
        if offer is None:
            return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"), retire_buttons=True)
        if not self._owns(offer, sender):
            return Turn(notice=texts.NOT_YOUR_BUTTON)
        if kind is ChoiceKind.HELPED:
            if offer.question_id is not None:
                self._guarded(lambda: self.questions.feedback(offer.question_id, helped=True))
            return Turn.of(Reply(texts.THANKS_FOR_FEEDBACK, kind="ack"), retire_buttons=True)
        if not sender.private:
            return Turn.of(Reply(texts.PRIVATE_ONLY["handoff"],
                                 (self._private_link(f"{START_HANDOFF}{offer.id}"),), "refused"))
        if kind is ChoiceKind.NOT_HELPED:
            if offer.question_id is not None:
                self._guarded(lambda: self.questions.feedback(offer.question_id, helped=False))
            if not self._wait_for(sender, "awaiting_missing", offer=offer.id):
                return self._storage_down()
            return Turn.of(Reply(texts.NOT_HELPED_PROMPT, (
                Choice(choices.encode(ChoiceKind.HAND_OFF, offer.id), texts.PASS_ON_AS_IS),),
                "prompt"), retire_buttons=True)
        self.states.clear(sender)
        try:
            ticket, outcome = self.desk.hand_off_offer(
                offer, self._person(sender), self._coordinator_chat(),
                max_open=self.settings.open_tickets_per_user)
        except sqlite3.Error:
            log.exception("could not store a hand-off")
            return self._storage_down()
        if offer.question_id is not None and outcome != "already":
            self._handed_off(offer.question_id)
        self._owed()
        return Turn(replies=(self._handed_off_reply(ticket.id, outcome),), retire_buttons=True,
                    handed_off_ticket=ticket.id)

    def _answer_choice(self, sender: Sender, kind: ChoiceKind, value: str) -> Turn:
        """The buttons under the coordinator's answer: done, one more question, a rating."""
        number_text, _, detail = value.partition(":")
        number = choices.number(number_text)
        ticket = self.desk.ticket(number) if number is not None else None
        if ticket is None:
            return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"), retire_buttons=True)
        if not self._owns_ticket(ticket, sender):
            return Turn(notice=texts.NOT_YOUR_BUTTON)
        if kind is ChoiceKind.ANSWER_RATE:
            self._guarded(lambda: self.desk.rate(ticket.id, 1 if detail == "1" else 0))
            return Turn(notice=texts.RATED)
        if kind is ChoiceKind.ANSWER_DONE:
            self.states.clear(sender)
            return Turn.of(Reply(texts.ANSWER_DONE_REPLY, kind="ack"))
        if not self._wait_for(sender, "awaiting_followup", ticket=ticket.id):
            return self._storage_down()
        return Turn.of(Reply(texts.ANSWER_MORE_PROMPT.format(number=ticket.id), kind="prompt"))

    def _phone_choice(self, sender: Sender, agreed: bool) -> Turn:
        state = self.states.pop(sender)
        if state is None or state.name != "awaiting_phone":
            return Turn.of(Reply(texts.OFFER_EXPIRED, kind="info"), retire_buttons=True)
        if not agreed:
            return Turn.of(Reply(texts.PHONE_NOT_ATTACHED, kind="ack"), retire_buttons=True)
        number = int(state.data["ticket"])
        self._guarded(lambda: self.desk.add_followup(
            number, f"Telefon do kontaktu: {state.data['phone']}", self._coordinator_chat()))
        self._owed()
        return Turn.of(Reply(texts.PHONE_ATTACHED.format(number=number), kind="info"),
                       retire_buttons=True)

    def _hand_off(self, sender: Sender, text: str, suggestions: tuple[str, ...], *,
                  message_id: str | None, new: bool) -> Turn:
        """Store first; only a stored question is ever reported as passed on."""
        limit = self.settings.open_tickets_per_user if new else 1
        try:
            ticket, outcome = self.desk.hand_off(self._person(sender), text, suggestions,
                                                 self._coordinator_chat(), max_open=limit)
            if message_id is not None:
                self.desk.link_message(sender.chat.channel, self._stored_chat(sender),
                                       message_id, ticket.id)
        except sqlite3.Error:
            log.exception("could not store a hand-off")
            return self._storage_down()
        self._owed()
        return Turn(replies=(self._handed_off_reply(ticket.id, outcome),),
                    handed_off_ticket=ticket.id)

    def _follow_up(self, sender: Sender, ticket: Ticket, text: str, message_id: str | None,
                   *, reopen: bool = False) -> Turn:
        try:
            self.desk.add_followup(ticket.id, text, self._coordinator_chat(), reopen=reopen)
            if message_id is not None:
                self.desk.link_message(sender.chat.channel, self._stored_chat(sender),
                                       message_id, ticket.id)
        except sqlite3.Error:
            log.exception("could not store a follow-up")
            return self._storage_down()
        self._owed()
        return Turn(replies=(self._handed_off_reply(ticket.id, "joined"),),
                    handed_off_ticket=ticket.id)

    def _wait_for(self, sender: Sender, state: StateName, **data: object) -> bool:
        """Remember what the next message is for; False when the disk refuses."""
        try:
            self.states.set(sender, state, **data)
        except sqlite3.Error:
            log.warning("could not keep a conversation state", exc_info=True)
            return False
        return True

    def _storage_down(self) -> Turn:
        return Turn.of(Reply(storage_down_text(self.knowledge), kind="info"))

    def _handed_off_reply(self, number: int, outcome: HandOff) -> Reply:
        template = {"new": texts.HANDED_OFF, "joined": texts.JOINED_TICKET,
                    "already": texts.ALREADY_HANDED_OFF}[outcome]
        text = template.format(number=number)
        if outcome == "new":
            note = (self._office_hours.expected_reply(self._clock())
                    if self._office_hours is not None else None)
            if not note and self.settings.reply_expectation:
                note = texts.REPLY_EXPECTATION.format(
                    expectation=self.settings.reply_expectation)
            if note:
                text = f"{text}\n\n{note}"
        return Reply(text, kind="handed_off")

    def _no_answer_reply(self, sender: Sender, offer: Offer | None) -> Reply:
        if offer is None:
            return Reply(storage_down_text(self.knowledge, unanswered=True), kind="info")
        if not sender.private:
            return Reply(texts.PRIVATE_ONLY["handoff"],
                         (self._private_link(f"{START_HANDOFF}{offer.id}"),), "offer")
        return Reply(texts.NO_ANSWER, self._pass_on_choices(offer), "offer")

    def _pass_on_choices(self, offer: Offer) -> tuple[Choice, ...]:
        return (Choice(choices.encode(ChoiceKind.HAND_OFF, offer.id), texts.PASS_ON),
                Choice(choices.encode(ChoiceKind.NO_THANKS), texts.NO_THANKS))

    def _private_link(self, payload: str) -> Choice:
        return Choice(payload, texts.OPEN_PRIVATE_CHAT, private_link=True)

    def _remember_offer(self, sender: Sender, text: str, suggestions: tuple[str, ...],
                        question_id: int | None) -> Offer | None:
        try:
            return self.desk.remember_offer(self._person(sender), text, suggestions,
                                            question_id)
        except sqlite3.Error:
            log.exception("could not store an offer")
            return None

    def _open_ticket(self, sender: Sender) -> Ticket | None:
        latest = self.desk.latest_ticket_of(self._stored_id(sender), sender.person.channel)
        return latest if latest is not None and latest.status == "open" else None

    def _log(self, sender: Sender, text: str, status: str, entry_id: str | None = None,
             score: float = 0.0) -> int | None:
        """Statistics are a courtesy: a failing write never stops an answer."""
        try:
            return self.questions.record(text, status, entry_id, score,  # type: ignore[arg-type]
                                         asker=sender.person.key)
        except sqlite3.Error:
            log.warning("could not log a question", exc_info=True)
            return None

    def _handed_off(self, question_id: int | None) -> None:
        if question_id is not None:
            self._guarded(lambda: self.questions.handed_off(question_id))

    @staticmethod
    def _guarded(write: Callable[[], object]) -> None:
        try:
            write()
        except sqlite3.Error:
            log.warning("a write failed", exc_info=True)

    def _person(self, sender: Sender) -> Person:
        return Person(self._stored_id(sender), self._stored_chat(sender), sender.name,
                      sender.username, sender.person.channel)

    @staticmethod
    def _stored_id(sender: Sender) -> int | str:
        return _stored(sender.person.id)

    @staticmethod
    def _stored_chat(sender: Sender) -> int | str:
        return _stored(sender.chat.id)

    @staticmethod
    def _owns(offer: Offer, sender: Sender) -> bool:
        return offer.belongs_to(sender.person.channel, sender.person.id)

    @staticmethod
    def _owns_ticket(ticket: Ticket, sender: Sender) -> bool:
        return (ticket.channel == sender.person.channel
                and str(ticket.user_id) == sender.person.id)


def answer_message(ticket: Ticket, text: str) -> Reply:
    """The coordinator's answer as the resident gets it: their question quoted (a day later
    a number means nothing), then what to do next and a rating."""
    body = texts.ANSWER_QUOTE.format(question=_shorten(ticket.question, 120),
                                     number=ticket.id, text=text)
    return Reply(body, (
        Choice(choices.encode(ChoiceKind.ANSWER_DONE, ticket.id), texts.ANSWER_DONE),
        Choice(choices.encode(ChoiceKind.ANSWER_MORE, ticket.id), texts.ANSWER_MORE),
        Choice(choices.encode(ChoiceKind.ANSWER_RATE, f"{ticket.id}:1"), texts.RATE_UP),
        Choice(choices.encode(ChoiceKind.ANSWER_RATE, f"{ticket.id}:0"), texts.RATE_DOWN),
    ), "answer")


def closed_notice(ticket: Ticket, reason: str = "") -> str:
    """What the resident is told when the coordinator closes their ticket unanswered."""
    lines = [texts.TICKET_CLOSED_NOTICE.format(number=ticket.id,
                                               question=_shorten(ticket.question, 120))]
    if reason.strip():
        lines.append(texts.TICKET_CLOSED_REASON.format(reason=reason.strip()))
    lines.append(texts.TICKET_CLOSED_FOOTER)
    return "\n".join(lines)


def _stored(value: str) -> int | str:
    """Telegram's numeric ids keep their INTEGER form in SQLite; other ids stay text."""
    return int(value) if value.lstrip("-").isdigit() else value


def _label(entry: Entry) -> str:
    return getattr(entry, "label", None) or entry.question


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
