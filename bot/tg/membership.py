"""The bot's own membership changes (my_chat_member): back in the coordinator chat means the
tickets waiting for it go out now, not at the next retry."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.tg.services import services

log = logging.getLogger(__name__)

PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None:
        return
    svc = services(context)
    member = change.new_chat_member
    present = member.status in PRESENT or (
        member.status == ChatMember.RESTRICTED and getattr(member, "can_send_messages", False))
    chat = change.chat
    if chat.id in svc.coordinator_filter.chat_ids:
        if present:
            log.warning("I am back in the coordinator chat; sending what waits for it")
            svc.owed().retry_now(chat.id)
        else:
            log.warning("I was removed from the coordinator chat (%s); tickets wait for it",
                        member.status)
    elif chat.type == chat.PRIVATE and change.from_user is not None:
        if member.status == ChatMember.BANNED:  # in a private chat: the person blocked me
            svc.desk.record_blocked(change.from_user.id)
        elif present:
            svc.desk.record_active(change.from_user.id)
