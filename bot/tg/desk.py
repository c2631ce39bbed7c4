"""The coordinator's typed answers to the bot's own questions ("Napisz nową odpowiedź…",
"Podaj datę i godzinę…"): routed to the draft that asked, before anything else sees them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.ext import Application, ContextTypes, filters

from bot import texts
from bot.drafts import Draft
from bot.tg import learning, meetings_desk
from bot.tg.services import SERVICES_KEY, Services, services

CHANNEL = "telegram"
Input = Callable[[Message, Services, Draft, str], Awaitable[None]]
_BY_KIND: dict[str, Input] = {
    learning.LEARN_DRAFT: learning.draft_input,
    learning.LEARNED_DRAFT: learning.learned_input,
    meetings_desk.MEETING_DRAFT: meetings_desk.draft_input,
}


class AwaitingInput(filters.MessageFilter):
    """A coordinator's text while one of their drafts waits for it: in a group only a reply to
    the bot's question (colleagues talk there too); in a private chat also a plain message."""

    def __init__(self, application: Application) -> None:
        super().__init__(name="AwaitingInput")
        self._application = application

    def filter(self, message: Message) -> bool:
        return self.draft_for(message) is not None

    def draft_for(self, message: Message) -> Draft | None:
        svc: Services | None = self._application.bot_data.get(SERVICES_KEY)
        user = message.from_user
        if svc is None or user is None or user.id not in svc.settings.coordinator.user_ids:
            return None
        if not message.text or message.text.startswith("/"):
            return None
        draft = svc.drafts.awaiting(CHANNEL, message.chat_id, user.id)
        if draft is None:
            return None
        replied = message.reply_to_message
        if replied is None:
            return draft if message.chat.type == "private" else None
        if replied.message_id != draft.data.get("prompt"):
            return None  # e.g. a reply to a ticket: that is an answer, not this
        return draft


async def desk_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    draft = svc.drafts.awaiting(CHANNEL, message.chat_id, user.id)
    if draft is None:
        return
    handler = _BY_KIND.get(draft.kind)
    if handler is not None:
        await handler(message, svc, draft, message.text or "")


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/anuluj: the bot stops waiting for the coordinator's answer; a meeting being added is
    dropped, a preview stays as it was."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    svc = services(context)
    draft = svc.drafts.awaiting(CHANNEL, message.chat_id, user.id)
    if draft is None:
        await message.reply_text(texts.NOTHING_TO_CANCEL)
        return
    if draft.kind == meetings_desk.MEETING_DRAFT:
        svc.drafts.finish(draft.id, "cancelled")
        await message.reply_text(texts.MEETING_DRAFT_CANCELLED)
        return
    svc.drafts.stop_awaiting(CHANNEL, message.chat_id, user.id)
    if draft.kind == learning.LEARNED_DRAFT:
        svc.drafts.finish(draft.id, "cancelled")
    await message.reply_text(texts.INPUT_CANCELLED)
