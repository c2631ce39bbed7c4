"""Meetings in Telegram: the upcoming list, calendar files, reminders and announcements."""

from __future__ import annotations

import logging
from contextlib import suppress

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import announcements, texts
from bot.answers import meeting_text
from bot.botstate import BotState
from bot.calendar_file import calendar_filename, meeting_calendar
from bot.conversation import Sender
from bot.conversation.choices import ChoiceKind, decode, encode
from bot.conversation.service import START_REMINDERS
from bot.durations import polish_duration
from bot.meetings import due_for_reminder, find, visible
from bot.plural import PEOPLE, count
from bot.subscriptions import Subscriber
from bot.tg.meetings_desk import coordinator_buttons
from bot.tg.render import acknowledge, keyboard, reply_keyboard
from bot.tg.services import Services, coordinators_only, services

log = logging.getLogger(__name__)

def reminders_button(subscribed: bool) -> list[tuple[str, str]]:
    return [(texts.REMINDERS_OFF, "rem:off")] if subscribed else [(texts.REMINDERS_ON, "rem:on")]


async def show_upcoming(message: Message, svc: Services, sender: Sender) -> None:
    """The core's meeting list (bot.conversation: the one rendering); coordinators also get
    "Przenieś" / "Odwołaj" under each meeting."""
    turn = svc.conversation.upcoming_meetings(sender)
    manages = svc.is_coordinator_id(sender.person.id)
    for reply in turn.replies:
        markup = reply_keyboard(reply, None)
        meeting = (find(svc.matcher.knowledge.meetings, reply.meeting_id)
                   if manages and reply.meeting_id is not None else None)
        if meeting is not None and (manage := coordinator_buttons(meeting)):
            rows = [*(markup.inline_keyboard if markup else ()),
                    *keyboard([manage]).inline_keyboard]
            markup = InlineKeyboardMarkup(rows)
        await message.reply_text(reply.text, reply_markup=markup)


async def calendar_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "add to calendar" button: an .ics file of the meeting."""
    query = update.callback_query
    await acknowledge(query)
    svc = services(context)
    meeting = find(svc.matcher.knowledge.meetings, (query.data or "").removeprefix("ics:"))
    if meeting is None or not visible(meeting, svc.is_member(update.effective_user.id)):
        await query.message.reply_text(texts.MEETING_GONE)
        return
    document = InputFile(meeting_calendar(meeting, svc.now()), filename=calendar_filename(meeting))
    await query.message.reply_document(document, caption=texts.CALENDAR_CAPTION)


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/przypomnienia, /reminders: the subscription state with an on/off button."""
    message = update.effective_message
    if message.chat.type != "private":
        await message.reply_text(texts.PRIVATE_ONLY["reminders"], reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.OPEN_PRIVATE_CHAT, url=f"https://t.me/"
                                   f"{context.bot.username}?start={START_REMINDERS}")]]))
        return
    svc = services(context)
    subscribed = svc.subscriptions.is_subscribed(message.chat_id)
    await message.reply_text(_state(svc, subscribed),
                             reply_markup=keyboard([reminders_button(subscribed)]))


async def reminders_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(query)
    svc = services(context)
    chat = query.message.chat
    if chat.type != "private":
        await query.message.reply_text(texts.REMINDERS_PRIVATE_ONLY)
        return
    turn_on = query.data == "rem:on"
    if turn_on:
        saved = svc.subscriptions.subscribe(Subscriber(chat.id, update.effective_user.id))
    else:
        saved = svc.subscriptions.unsubscribe(chat.id)
    if not saved:  # the disk refused it
        await query.message.reply_text(texts.SETTING_NOT_SAVED)
        return
    markup = keyboard([reminders_button(turn_on)])
    text = query.message.text or ""
    if not text.startswith(_STATE_PREFIX) and text != texts.REMINDERS_PITCH:
        # under an answer ("no meetings planned…"): the answer stays, the state comes below
        with suppress(TelegramError):
            await query.edit_message_reply_markup(None)
        await query.message.reply_text(_state(svc, turn_on), reply_markup=markup)
        return
    with suppress(BadRequest):  # the same state twice: nothing to change
        await query.edit_message_text(_state(svc, turn_on), reply_markup=markup)


_STATE_PREFIX = "Przypomnienia są"


def _state(svc: Services, subscribed: bool) -> str:
    lead = polish_duration(svc.settings.meetings.reminder_lead)
    return (texts.REMINDERS_STATE_ON if subscribed else texts.REMINDERS_STATE_OFF).format(
        lead=lead)


async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ogloszenie tekst, /announce tekst: to every subscriber, with a report afterwards."""
    svc = services(context)
    message = update.effective_message
    if not await coordinators_only(update, context):
        return
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        await message.reply_text(texts.ANNOUNCE_USAGE)
        return
    # Nothing goes out before the coordinator has seen the text and chosen the audience.
    text = announcements.text_of(parts[1], svc.settings)
    BotState(svc.desk.connection, svc.clock).set(_draft_key(message.chat_id, message.message_id),
                                                 text)
    everyone, members = _audiences(svc)
    choice = f"{message.message_id}"
    await message.reply_text(
        texts.ANNOUNCE_PREVIEW.format(text=text, everyone=count(len(everyone), PEOPLE),
                                      members=count(len(members), PEOPLE)),
        reply_markup=keyboard([
            [(texts.ANNOUNCE_TO_EVERYONE.format(count=len(everyone)),
              encode(ChoiceKind.ANNOUNCE_SEND, f"{choice}:all")),
             (texts.ANNOUNCE_TO_MEMBERS.format(count=len(members)),
              encode(ChoiceKind.ANNOUNCE_SEND, f"{choice}:members"))],
            [(texts.ANNOUNCE_CANCEL, encode(ChoiceKind.ANNOUNCE_SEND, f"{choice}:x"))]]))


async def announce_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The audience chosen under the preview: the broadcast is owed, once (a double tap
    finds the draft gone)."""
    svc = services(context)
    query = update.callback_query
    if not svc.is_coordinator(update.effective_user):
        with suppress(TelegramError):
            await query.answer(texts.COORDINATORS_ONLY, show_alert=True)
        return
    decoded = decode(query.data)
    message_id, _, audience = (decoded[1] if decoded else "").partition(":")
    chat_id = update.effective_chat.id
    state = BotState(svc.desk.connection, svc.clock)
    key = _draft_key(chat_id, int(message_id) if message_id.isdigit() else 0)
    text = state.get(key)
    with suppress(TelegramError):
        await query.answer(None if text is not None else texts.OFFER_EXPIRED)
    with suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    if text is None or not state.delete(key):
        return
    if audience not in ("all", "members"):
        await update.effective_message.reply_text(texts.ANNOUNCE_CANCELLED)
        return
    everyone, members = _audiences(svc)
    recipients = everyone if audience == "all" else members
    outbox = svc.owed()
    # Everything owed, nothing sent here: one copy per subscriber, stored at once, so a crash
    # resumes without repeating anyone; the totals come here when the last copy is done.
    outbox.owe_notice(chat_id, texts.announce_started(len(recipients)))
    outbox.owe_announcement([r.chat_id for r in recipients], text, report_to=chat_id,
                            batch=f"{chat_id}:{message_id}")


def _audiences(svc: Services) -> tuple[list[Subscriber], list[Subscriber]]:
    found = announcements.audiences(svc.settings, svc.subscriptions)
    return found.everyone, found.members


def _draft_key(chat_id: int, message_id: int) -> str:
    return f"announcement:{chat_id}:{message_id}"


async def send_due_reminders(bot: Bot, svc: Services) -> None:
    """Owe a reminder to each eligible subscriber of every meeting now due; the outbox
    sends them.

    Runs at start and every few seconds, so a reminder that fell due while the bot was down
    goes out at start, and a meeting added or moved in the YAML is picked up after a reload.
    """
    async with svc.reminder_lock:
        now = svc.now()
        meetings = svc.matcher.knowledge.meetings
        lead = svc.settings.meetings.reminder_lead
        subscribers = svc.subscriptions.subscribers()
        for meeting in due_for_reminder(meetings, now, lead):
            svc.subscriptions.owe_reminders(meeting, [
                s for s in subscribers if visible(meeting, svc.is_member(s.user_id))])
        outbox = svc.owed()
        for owed in svc.subscriptions.owed_reminders():
            meeting = find(meetings, owed.meeting_id)
            if meeting is None or meeting.start != owed.starts_at:
                svc.subscriptions.reminder_dropped(owed, "meeting cancelled or moved")
                continue
            if meeting.start <= now or not svc.subscriptions.is_subscribed(owed.chat_id):
                svc.subscriptions.reminder_dropped(owed, "too late or unsubscribed")
                continue
            # Handed to the outbox in one transaction with the mark: owed exactly once.
            with outbox.store.transaction():
                outbox.store.owe("reminder", owed.chat_id,
                                 texts.REMINDER.format(meeting=meeting_text(meeting)),
                                 payload={"meeting_id": meeting.id})
                svc.subscriptions.reminder_sent(owed)
        outbox.kick()


async def reminders_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.bot, services(context))
