"""What every handler needs, kept in `application.bot_data`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update, User
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.config import Settings
from bot.conversation import Sender
from bot.conversation.choices import ChoiceKind, decode
from bot.conversation.service import Conversation, ConversationSettings
from bot.conversation.state import ConversationStates
from bot.drafts import DraftBook
from bot.flood import FloodGate
from bot.knowledge_keeper import KnowledgeKeeper, Outcome
from bot.matcher import Matcher, matcher_for
from bot.meeting_actions import MeetingActions, is_member
from bot.office_hours import OfficeHours, parse_office_hours
from bot.outbox import Outbox
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tg.render import acknowledge
from bot.ticket_actions import TicketActions
from bot.tickets import Clock, TicketDesk, utc_now

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    matcher: Matcher
    desk: TicketDesk
    subscriptions: SubscriptionBook
    questions: QuestionLog
    keeper: KnowledgeKeeper
    clock: Clock = utc_now
    outbox: Outbox | None = None  # set by the factory; everything owed goes through it
    reminder_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    owed_listeners: list[Callable[[], None]] = field(default_factory=list)
    # Telegram's clock, not `clock`: compared with the dates of messages, which have whole
    # seconds (so a message of the second the bot started in is not taken for an old one).
    started_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
    flood: FloodGate = field(init=False)
    office_hours: OfficeHours | None = field(init=False)
    conversation: Conversation = field(init=False)
    # Messages from the coordinator chat; follows the chat when it becomes a supergroup.
    coordinator_filter: filters.Chat = field(init=False)
    drafts: DraftBook = field(init=False)
    # Answer, take, close: the same use cases as the web desk's.
    actions: TicketActions = field(init=False)

    def __post_init__(self) -> None:
        self.drafts = DraftBook(self.desk.connection, self.clock)
        self.actions = TicketActions(self.desk, self.coordinator_chat_id, self.deliveries_owed)
        self.flood = FloodGate(self.settings.limits.messages_per_minute)
        self.office_hours = parse_office_hours(self.settings.coordinator.office_hours)
        ids = (self.outbox.coordinator_chat_ids if self.outbox is not None
               else (self.settings.coordinator.chat_id,))
        self.coordinator_filter = filters.Chat(chat_id=list(ids))
        if self.outbox is not None:
            self.outbox.on_migrated(lambda _old, new: self.coordinator_filter.add_chat_ids(new))
        self.conversation = Conversation(
            lambda: self.matcher, self.desk, self.questions, self.subscriptions,
            ConversationStates(self.desk.connection, self.clock),
            coordinator_chat=self.coordinator_chat_id,
            settings=ConversationSettings(
                retention_days=self.settings.privacy.retention_days,
                open_tickets_per_user=self.settings.limits.open_tickets_per_user,
                privacy_notice_url=self.settings.privacy.notice_url,
                controller=self.settings.privacy.controller,
                cluster_of=self.settings.cluster.name_genitive,
                coordinator_org=self.settings.cluster.coordinator_org,
                reply_expectation=self.settings.coordinator.reply_expectation),
            clock=self.clock, office_hours=self.office_hours,
            is_member=lambda sender: self.is_member(_numeric(sender)),
            owed=self.deliveries_owed)

    def coordinator_chat_id(self) -> int:
        """The chat tickets go to: the configured one, or the supergroup it became."""
        if self.outbox is not None:
            return self.outbox.coordinator_chat_id
        return self.settings.coordinator.chat_id

    def owed(self) -> Outbox:
        """The outbox, to store what is owed and kick it (never to wait for a send)."""
        assert self.outbox is not None, "build the Services with an Outbox"
        return self.outbox

    def deliveries_owed(self) -> None:
        """Something new is owed: wake the outbox (it sends beside the conversation) and any
        other channel's postman (the web chat's)."""
        if self.outbox is not None:
            self.outbox.kick()
        for listener in self.owed_listeners:
            listener()

    def now(self) -> dt.datetime:
        return self.clock()

    def knowledge_written(self, ok: bool, removes: frozenset[str] = frozenset()
                          ) -> Outcome | None:
        """After the bot itself wrote the knowledge: reload a sound change at once, letting
        go exactly what the coordinator deliberately removed (`removes`: "entry:<id>",
        "meeting:<id>"); after an undone write, only look, so the watch stays quiet."""
        if ok:
            outcome = self._serve(self.keeper.load_now(self.now(), allow=removes))
            if not outcome.applied:  # other edits of the files hold it back: say so
                self.keeper.to_tell.append(outcome)
            return outcome
        self.keeper.note_files()
        return None

    def reload_knowledge(self) -> Outcome:
        """Load the files now (the bot wrote them itself): they go live when sound and
        dropping nothing (bot/knowledge_keeper.py)."""
        return self._serve(self.keeper.load_now(self.now()))

    async def reload_on_command(self) -> Outcome:
        """A coordinator's reload: waits for files being written, confirms shown losses."""
        return self._serve(await self.keeper.reload(self.now(), confirm=True))

    def watch_knowledge(self) -> Outcome | None:
        """The periodic look at the files; None while nothing (settled) changed."""
        outcome = self.keeper.check(self.now())
        return None if outcome is None else self._serve(outcome)

    def _serve(self, outcome: Outcome) -> Outcome:
        if outcome.applied:
            self.matcher = matcher_for(outcome.knowledge, self.settings.matcher.thresholds())
        return outcome

    def is_coordinator(self, user: User | None) -> bool:
        return user is not None and user.id in self.settings.coordinator.user_ids

    def is_coordinator_id(self, user_id: int | str) -> bool:
        return str(user_id) in {str(i) for i in self.settings.coordinator.user_ids}

    def is_member(self, user_id: int | str) -> bool:
        """Members see members-only meetings; coordinators count as members."""
        return is_member(self.settings, user_id)

    def meeting_actions(self) -> MeetingActions:
        """Add, move, cancel a meeting: the use cases the desk calls too."""
        return MeetingActions(self.settings, self.desk.connection, self.clock)

    def in_coordinator_chat(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id in self.coordinator_filter.chat_ids


def _numeric(sender: Sender) -> int:
    return int(sender.person.id) if sender.person.id.lstrip("-").isdigit() else 0


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]




async def coordinators_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for a coordinator; anyone else gets a polite refusal (and False)."""
    if services(context).is_coordinator(update.effective_user):
        return True
    await update.effective_message.reply_text(texts.COORDINATORS_ONLY)
    return False


async def coordinator_tap(update: Update, context: ContextTypes.DEFAULT_TYPE
                          ) -> tuple[ChoiceKind, str] | None:
    """A tap on a coordinators' button: answered first, refused for anyone else, then its
    decoded choice (None when refused or not ours)."""
    query = update.callback_query
    await acknowledge(query)
    if not await coordinators_only(update, context):
        return None
    return decode(query.data)
