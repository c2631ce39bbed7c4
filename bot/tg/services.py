"""What every handler needs, kept in `application.bot_data`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update, User
from telegram.ext import ContextTypes

from bot import texts
from bot.config import Settings
from bot.conversation import Conversation, Sender
from bot.conversation.service import ConversationSettings
from bot.conversation.state import ConversationStates
from bot.flood import FloodGate
from bot.loader import LoadResult, knowledge_fingerprint, load_knowledge
from bot.matcher import Matcher
from bot.office_hours import OfficeHours, parse_office_hours
from bot.question_log import QuestionLog
from bot.subscriptions import SubscriptionBook
from bot.tickets import Clock, Person, TicketDesk, utc_now

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    matcher: Matcher
    desk: TicketDesk
    subscriptions: SubscriptionBook
    questions: QuestionLog
    clock: Clock = utc_now
    # One flush at a time of what is owed, or two handlers could send something twice.
    delivery_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    reminder_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    knowledge_fingerprint: tuple[tuple[str, int, int], ...] = ()
    on_owed: Callable[[], None] | None = None
    flood: FloodGate = field(init=False)
    office_hours: OfficeHours | None = field(init=False)
    conversation: Conversation = field(init=False)

    def __post_init__(self) -> None:
        self.flood = FloodGate(self.settings.limits.messages_per_minute)
        self.office_hours = parse_office_hours(self.settings.coordinator.office_hours)
        self.conversation = Conversation(
            lambda: self.matcher, self.desk, self.questions, self.subscriptions,
            ConversationStates(self.desk.connection, self.clock),
            coordinator_chat=self.coordinator_chat_id,
            settings=ConversationSettings(
                retention_days=self.settings.privacy.retention_days,
                open_tickets_per_user=self.settings.limits.open_tickets_per_user,
                privacy_notice_url=self.settings.privacy.notice_url,
                controller=self.settings.privacy.controller),
            clock=self.clock, office_hours=self.office_hours,
            is_member=lambda sender: self.is_member(_numeric(sender)),
            owed=self.deliveries_owed)

    def coordinator_chat_id(self) -> int:
        return self.settings.coordinator.chat_id

    def deliveries_owed(self) -> None:
        """Something new is owed: the channel wires this to its sender (set at build)."""
        if self.on_owed is not None:
            self.on_owed()

    def now(self) -> dt.datetime:
        return self.clock()

    def reload_knowledge(self) -> LoadResult:
        """Load the knowledge again; only a sound one replaces what is in service."""
        self.knowledge_fingerprint = knowledge_fingerprint(self.settings.knowledge.path)
        result = load_knowledge(self.settings.knowledge.path, self.now())
        if result.ok:
            self.matcher = Matcher(result.knowledge, self.settings.matcher.thresholds())
        return result

    def is_coordinator(self, user: User | None) -> bool:
        return user is not None and user.id in self.settings.coordinator.user_ids

    def is_member(self, user_id: int) -> bool:
        """Members see members-only meetings; coordinators count as members."""
        return (user_id in self.settings.meetings.member_user_ids
                or user_id in self.settings.coordinator.user_ids)

    def in_coordinator_chat(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id == self.settings.coordinator.chat_id


def _numeric(sender: Sender) -> int:
    return int(sender.person.id) if sender.person.id.lstrip("-").isdigit() else 0


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


def person_of(update: Update) -> Person:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return Person(user.id, chat.id, user.full_name, user.username)


async def coordinators_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for a coordinator; anyone else gets a polite refusal (and False)."""
    if services(context).is_coordinator(update.effective_user):
        return True
    await update.effective_message.reply_text(texts.COORDINATORS_ONLY)
    return False
