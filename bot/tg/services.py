"""What every handler needs, kept in `application.bot_data`."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from telegram import Update, User
from telegram.ext import ContextTypes, filters

from bot import texts
from bot.config import Settings
from bot.flood import FloodGate
from bot.loader import LoadResult, knowledge_fingerprint, load_knowledge
from bot.matcher import Matcher
from bot.office_hours import OfficeHours, parse_office_hours
from bot.outbox import Outbox
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
    outbox: Outbox | None = None  # set by the factory; everything owed goes through it
    reminder_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    knowledge_fingerprint: tuple[tuple[str, int, int], ...] = ()
    flood: FloodGate = field(init=False)
    office_hours: OfficeHours | None = field(init=False)
    # Messages from the coordinator chat; follows the chat when it becomes a supergroup.
    coordinator_filter: filters.Chat = field(init=False)

    def __post_init__(self) -> None:
        self.flood = FloodGate(self.settings.limits.messages_per_minute)
        self.office_hours = parse_office_hours(self.settings.coordinator.office_hours)
        ids = (self.outbox.coordinator_chat_ids if self.outbox is not None
               else (self.settings.coordinator.chat_id,))
        self.coordinator_filter = filters.Chat(chat_id=list(ids))
        if self.outbox is not None:
            self.outbox.on_migrated(lambda _old, new: self.coordinator_filter.add_chat_ids(new))

    def coordinator_chat_id(self) -> int:
        """The chat tickets go to: the configured one, or the supergroup it became."""
        if self.outbox is not None:
            return self.outbox.coordinator_chat_id
        return self.settings.coordinator.chat_id

    def owed(self) -> Outbox:
        """The outbox, to store what is owed and kick it (never to wait for a send)."""
        assert self.outbox is not None, "build the Services with an Outbox"
        return self.outbox

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
        return chat is not None and chat.id in self.coordinator_filter.chat_ids


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
