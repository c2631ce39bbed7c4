"""Residents' Telegram input, translated to conversation calls; the replies rendered back.

The rules of a conversation live in bot.conversation; these handlers only say who wrote,
where, and what, and send what the core answers.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import replace

from telegram import Message, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.conversation import Sender, Turn
from bot.conversation.choices import ChoiceKind, decode
from bot.conversation.model import Address
from bot.conversation.service import START_REMINDERS
from bot.tg import coordinator, learning, meetings, meetings_desk
from bot.tg.render import remove_buttons, send_turn
from bot.tg.services import services

CHANNEL = "telegram"
# What a Telegram attachment is called in the conversation core, by message attribute.
ATTACHMENT_KINDS = ("photo", "document", "voice", "audio", "video", "video_note")


def sender_of(update: Update) -> Sender:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    return Sender(Address(CHANNEL, str(user.id)), Address(CHANNEL, str(chat.id)),
                  user.full_name, user.username, chat.type == "private")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start (with a deep-link payload from a group), /pomoc, /help."""
    payload = context.args[0] if context.args else ""
    if payload == START_REMINDERS:
        await meetings.reminders_command(update, context)
        return
    await _say(update, context, services(context).conversation.start(sender_of(update), payload))


async def upcoming_meetings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/spotkania, /meetings."""
    await meetings.show_upcoming(update.effective_message, services(context), sender_of(update))


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kontakt, /contact."""
    await _say(update, context, services(context).conversation.contact(sender_of(update)))


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moje_dane: everything stored about the person (private chats only)."""
    await _say(update, context, services(context).conversation.my_data(sender_of(update)))


async def my_tickets(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/moje_zgloszenia: the person's tickets and their state (private chats only)."""
    await _say(update, context, services(context).conversation.my_tickets(sender_of(update)))


async def forget_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/usun_dane: asks for a confirmation first (private chats only)."""
    await _say(update, context,
               services(context).conversation.forget_request(sender_of(update)))


async def ids(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/id: this chat's and the sender's ids, for filling in the coordinator settings."""
    chat, user = update.effective_chat, update.effective_user
    await update.effective_message.reply_text(
        f"Identyfikator tego czatu (coordinator.chat_id): {chat.id}\n"
        f"Twój identyfikator użytkownika (coordinator.user_ids): {user.id if user else '-'}")


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text, or a caption without an attachment worth keeping."""
    message = update.effective_message
    text = _without_mention(message.text or "", context)
    replied = message.reply_to_message
    reply_to = (str(replied.message_id) if replied is not None and replied.from_user is not None
                and replied.from_user.id == context.bot.id else None)
    turn = services(context).conversation.message(
        sender_of(update), text, message_id=str(message.message_id), reply_to=reply_to)
    await _say(update, context, turn)


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message: corrects a handed-off question; is never answered twice."""
    message = update.edited_message
    if message is None or not (message.text or message.caption):
        return
    turn = services(context).conversation.edited(
        sender_of(update), str(message.message_id),
        _without_mention(message.text or message.caption or "", context))
    await _say(update, context, turn)


async def attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, file or voice message: read by its caption, copied into an open ticket."""
    message = update.effective_message
    kind = next((k for k in ATTACHMENT_KINDS if getattr(message, k)), "document")
    reference = {"from_chat_id": message.chat_id, "message_id": message.message_id,
                 "kind": kind}
    turn = services(context).conversation.attachment(
        sender_of(update), kind, _without_mention(message.caption or "", context), reference,
        message_id=str(message.message_id))
    await _say(update, context, turn)


async def shared_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared phone number: joins the open ticket once the person agrees."""
    phone = update.effective_message.contact.phone_number
    await _say(update, context,
               services(context).conversation.shared_contact(sender_of(update), phone))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, locations, dice, polls: the bot reads text."""
    await update.effective_message.reply_text(texts.NOT_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button, through one codec and one dispatch table."""
    query = update.callback_query
    decoded = decode(query.data)
    own_handler = _CHANNEL_BUTTONS.get(decoded[0]) if decoded else None
    if own_handler is not None:
        await own_handler(update, context)
        return
    turn = services(context).conversation.choose(sender_of(update), query.data or "")
    with suppress(TelegramError):  # the spinner just runs a while longer
        await query.answer(turn.notice if turn else None)
    if turn is None:
        return
    if turn.retire_buttons:
        await remove_buttons(query)
    await _say(update, context, turn)


# Buttons whose effect is Telegram's own (files, subscriptions, editing knowledge from chat).
_CHANNEL_BUTTONS = {
    ChoiceKind.CALENDAR: meetings.calendar_file,
    ChoiceKind.REMINDERS: meetings.reminders_toggle,
    ChoiceKind.ANNOUNCE_SEND: meetings.announce_button,
    ChoiceKind.LEARN: learning.learn_button,
    **{kind: learning.learn_button for kind in ChoiceKind
       if kind.name.startswith(("LEARN_", "LEARNED_"))},
    **{kind: meetings_desk.meeting_button for kind in ChoiceKind
       if kind.name.startswith("MEETING_")},
    **{kind: coordinator.ticket_button for kind in ChoiceKind
       if kind.name.startswith("TICKET_")},
}


async def _say(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    message: Message | None = update.effective_message
    if message is None or not turn.replies:
        return
    # "Przekazałem…" reports something stored: it is owed like the ticket itself, so a send
    # that fails now is retried instead of leaving the person unsure (and asking again).
    stored = [r for r in turn.replies if r.kind == "handed_off" and not r.choices]
    outbox = services(context).outbox
    if outbox is not None:
        for reply in stored:
            outbox.owe_notice(message.chat_id, reply.text)
        turn = replace(turn, replies=tuple(r for r in turn.replies if r not in stored))
    try:
        await send_turn(message, turn, context.bot.username)
    except NetworkError:
        # A failed send normally hands the update back to the inbox to be handled again;
        # a turn that stored something must not be repeated, so what is left is owed.
        if turn.handed_off_ticket is None or outbox is None:
            raise
        for reply in turn.replies:
            outbox.owe_notice(message.chat_id, reply.text)


def _without_mention(text: str, context: ContextTypes.DEFAULT_TYPE) -> str:
    """In groups the bot is addressed by name; the name is not part of the question."""
    mention = re.compile(re.escape(f"@{context.bot.username}"), re.IGNORECASE)
    return mention.sub(" ", text).strip()
