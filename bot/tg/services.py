"""What every handler needs, kept in `application.bot_data`."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from telegram import Update, User
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.matcher import Matcher
from bot.tickets import Clock, Person, TicketDesk, utc_now

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    matcher: Matcher
    desk: TicketDesk
    clock: Clock = utc_now
    # One flush of pending deliveries at a time, or two handlers could send one twice.
    delivery_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def now(self) -> dt.datetime:
        return self.clock()

    def is_coordinator(self, user: User | None) -> bool:
        return user is not None and user.id in self.settings.coordinator.user_ids

    def in_coordinator_chat(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id == self.settings.coordinator.chat_id


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data[SERVICES_KEY]


def person_of(update: Update) -> Person:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return Person(user.id, chat.id, user.full_name, user.username)
