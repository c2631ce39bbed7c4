"""Meetings from Telegram: /dodaj_spotkanie (guided or in one line), "Przenieś" / "Odwołaj"
under each meeting in /spotkania, and word to subscribers who already know of a meeting.

What changes in meetings.yaml is decided in bot.meetings_edit; a meeting being added is a
draft in SQLite (bot.drafts), so a restart in the middle does not lose it.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import suppress

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import meetings_edit, texts
from bot.conversation.choices import ChoiceKind, ChoiceTooLong, decode, encode, number
from bot.drafts import Draft
from bot.durations import polish_duration
from bot.knowledge import Meeting
from bot.meetings import find, visible, when_text
from bot.meetings_edit import When, WhenError
from bot.plural import plural
from bot.tg.render import acknowledge, keyboard, remove_buttons
from bot.tg.services import Services, coordinators_only, services

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MEETING_DRAFT = "meeting"
STEPS = ("title", "when", "place", "audience", "registration")


# -- /dodaj_spotkanie -------------------------------------------------------------------------
async def add_meeting_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/dodaj_spotkanie: a few questions; or in one line
    /dodaj_spotkanie 2026-12-15 10:00 | Tytuł | Miejsce [| jak się zapisać]."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    rest = (message.text or "").partition(" ")[2].strip()
    if rest:
        try:
            line = meetings_edit.parse_one_line(rest, svc.now())
        except WhenError as exc:
            await message.reply_text(texts.MEETING_NOT_UNDERSTOOD.format(reason=exc))
            return
        draft = svc.drafts.create(MEETING_DRAFT, CHANNEL, message.chat_id, user.id, {
            "title": line.title, "place": line.place, "audience": "public",
            "registration": line.registration, **_when_data(line.when), "editing": True})
        await _send_preview(message, svc, draft)
        return
    draft = svc.drafts.create(MEETING_DRAFT, CHANNEL, message.chat_id, user.id, {})
    await _ask(message, svc, draft, "title")


def _when_data(when: When) -> dict[str, object]:
    return {"when": "ok", "start": when.start.isoformat(), "end": when.end.isoformat(),
            "all_day": when.all_day}


def _when_of(draft: Draft) -> When:
    return When(dt.datetime.fromisoformat(draft.data["start"]),
                dt.datetime.fromisoformat(draft.data["end"]), bool(draft.data.get("all_day")))


async def _ask(message: Message, svc: Services, draft: Draft, step: str) -> None:
    """The next question; the audience is chosen with buttons, the rest is typed."""
    if step == "audience":
        svc.drafts.update(draft.id, awaiting=None)
        await message.reply_text(texts.MEETING_ASK["audience"], reply_markup=_audience(draft))
        return
    sent = await message.reply_text(f"{texts.MEETING_ASK[step]}\n{texts.INPUT_HINT}",
                                    reply_markup=ForceReply(selective=False))
    svc.drafts.update(draft.id, awaiting=step, prompt=sent.message_id)


def _audience(draft: Draft) -> InlineKeyboardMarkup:
    return keyboard([[(label, encode(ChoiceKind.MEETING_AUDIENCE, f"{draft.id}:{value}"))]
                     for value, label in texts.MEETING_AUDIENCE.items()])


async def draft_input(message: Message, svc: Services, draft: Draft, text: str) -> None:
    """The coordinator's typed answer to the step the draft waits for."""
    step = draft.awaiting or ""
    value = " ".join(text.split())
    if not value:
        await message.reply_text(texts.FIELD_EMPTY)
        return
    if "move" in draft.data:
        await _move(message, svc, draft, value)
        return
    changes: dict[str, object] = {}
    if step == "when":
        try:
            when = meetings_edit.parse_when(value, svc.now())
            meetings_edit.check_future(when, svc.now())
        except WhenError as exc:
            await message.reply_text(texts.MEETING_NOT_UNDERSTOOD.format(reason=exc))
            return
        changes.update(_when_data(when))
    elif step == "title" and len(value) > meetings_edit.MAX_TITLE:
        await message.reply_text(texts.NOT_LEARNED_FIELD.format(
            reason=f"tytuł ma {len(value)} znaków, najwyżej {meetings_edit.MAX_TITLE}"))
        return
    elif step in STEPS:
        changes[step] = value
    draft = svc.drafts.update(draft.id, awaiting=None, **changes)
    await _next(message, svc, draft)


async def _next(message: Message, svc: Services, draft: Draft) -> None:
    missing = meetings_edit.draft_fields(draft.data)
    if missing and not draft.data.get("editing"):
        await _ask(message, svc, draft, missing[0])
        return
    draft = svc.drafts.update(draft.id, editing=True)
    await _send_preview(message, svc, draft)


def preview_text(draft: Draft) -> str:
    data = draft.data
    when = when_text(_as_meeting(draft)) if data.get("start") else "—"
    return "\n".join([texts.MEETING_PREVIEW_TITLE, "", texts.MEETING_PREVIEW.format(
        title=data.get("title") or "—", when=when, place=data.get("place") or "—",
        audience=texts.MEETING_AUDIENCE.get(str(data.get("audience")), "—"),
        registration=data.get("registration") or texts.MEETING_NO_REGISTRATION)])


def _as_meeting(draft: Draft) -> Meeting:
    when = _when_of(draft)
    return Meeting("podglad", str(draft.data.get("title", "")), when.start, when.end,
                   when.all_day)


async def _send_preview(message: Message, svc: Services, draft: Draft) -> None:
    old = draft.data.get("preview")
    if old:
        with suppress(TelegramError):
            await message.get_bot().edit_message_reply_markup(message.chat_id, int(old))
    d = draft.id
    rows = [[(texts.MEETING_SAVE, encode(ChoiceKind.MEETING_SAVE, d))]]
    edits = [(label, encode(ChoiceKind.MEETING_EDIT, f"{d}:{name}"))
             for name, label in texts.MEETING_EDIT.items()]
    rows += [edits[:3], edits[3:]]
    rows.append([(texts.CANCEL, encode(ChoiceKind.MEETING_DISCARD, d))])
    sent = await message.reply_text(preview_text(draft), reply_markup=keyboard(rows))
    svc.drafts.update(draft.id, preview=sent.message_id)


# -- buttons ----------------------------------------------------------------------------------
async def meeting_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await acknowledge(query)
    if not await coordinators_only(update, context):
        return
    decoded = decode(query.data)
    if decoded is None:
        return
    kind, value = decoded
    svc = services(context)
    message = query.message
    if kind is ChoiceKind.MEETING_MOVE:
        await _ask_move(update, svc, value)
        return
    if kind is ChoiceKind.MEETING_CANCEL:
        await _cancel(update, svc, value)
        return
    draft_part, _, detail = value.partition(":")
    draft_id = number(draft_part)
    draft = svc.drafts.get(draft_id) if draft_id is not None else None
    if draft is None or draft.kind != MEETING_DRAFT or draft.done:
        await remove_buttons(query)
        await message.reply_text(texts.MEETING_ALREADY)
        return
    if kind is ChoiceKind.MEETING_AUDIENCE and detail in texts.MEETING_AUDIENCE:
        with suppress(TelegramError):  # the choice stays visible in the question
            await message.edit_text(f"{texts.MEETING_ASK['audience']} "
                                    f"{texts.MEETING_AUDIENCE[detail]}.")
        await _next(message, svc, svc.drafts.update(draft.id, audience=detail))
    elif kind is ChoiceKind.MEETING_EDIT and detail in STEPS:
        user = update.effective_user
        assert user is not None
        svc.drafts.hand_to(draft.id, message.chat_id, user.id)
        await _ask(message, svc, svc.drafts.update(draft.id, editing=True), detail)
    elif kind is ChoiceKind.MEETING_DISCARD:
        svc.drafts.finish(draft.id, "cancelled")
        await remove_buttons(query)
        await message.reply_text(texts.MEETING_DRAFT_CANCELLED)
    elif kind is ChoiceKind.MEETING_SAVE:
        await _save(update, svc, draft)


async def _save(update: Update, svc: Services, draft: Draft) -> None:
    query = update.callback_query
    message = query.message
    missing = meetings_edit.draft_fields(draft.data)
    if missing:
        await _ask(message, svc, draft, missing[0])
        return
    if not svc.drafts.finish(draft.id, "zapisuję"):
        await message.reply_text(texts.MEETING_ALREADY)
        return
    data = draft.data
    when = _when_of(draft)
    change = meetings_edit.add_meeting(
        svc.settings.knowledge.path, title=data["title"], when=when, place=data["place"],
        registration=data["registration"], audience=data["audience"], now=svc.now())
    svc.knowledge_written(change.ok)
    if not change.ok:
        svc.drafts.reopen(draft.id)
        await message.reply_text(_failure(change, svc))
        return
    svc.drafts.conclude(draft.id, f"spotkanie {change.meeting_id}")
    await remove_buttons(query)
    await message.reply_text(texts.MEETING_ADDED.format(
        title=data["title"], when=when_text(_as_meeting(draft)),
        who=texts.MEETING_SEEN_BY.get(data["audience"], "Wszyscy"),
        lead=polish_duration(svc.settings.meetings.reminder_lead)))


def _failure(change: meetings_edit.Change, svc: Services) -> str:
    reason = change.reason
    problems = [str(p.relative_to(svc.settings.knowledge.path)) for p in change.problems]
    if problems:
        reason += f": {problems[0]}"
    return texts.MEETING_NOT_SAVED.format(reason=reason)


# -- moving and cancelling --------------------------------------------------------------------
def coordinator_buttons(meeting: Meeting) -> list[tuple[str, str]]:
    try:
        return [(texts.MEETING_MOVE, encode(ChoiceKind.MEETING_MOVE, meeting.id)),
                (texts.MEETING_CANCEL, encode(ChoiceKind.MEETING_CANCEL, meeting.id))]
    except ChoiceTooLong:  # `check` refuses such ids; never break the list for it
        return []


async def _ask_move(update: Update, svc: Services, meeting_id: str) -> None:
    message = update.callback_query.message
    meeting = find(svc.matcher.knowledge.meetings, meeting_id)
    if meeting is None:
        await message.reply_text(texts.MEETING_GONE_FOR_COORDINATOR)
        return
    user = update.effective_user
    assert user is not None
    draft = svc.drafts.create(MEETING_DRAFT, CHANNEL, message.chat_id, user.id,
                              {"move": meeting.id})
    sent = await message.reply_text(
        f"{texts.MEETING_MOVE_ASK.format(title=meeting.title)}\n{texts.INPUT_HINT}",
        reply_markup=ForceReply(selective=False))
    svc.drafts.update(draft.id, awaiting="when", prompt=sent.message_id)


async def _move(message: Message, svc: Services, draft: Draft, value: str) -> None:
    meeting = find(svc.matcher.knowledge.meetings, draft.data["move"])
    if meeting is None:
        svc.drafts.finish(draft.id, "gone")
        await message.reply_text(texts.MEETING_GONE_FOR_COORDINATOR)
        return
    try:
        when = meetings_edit.parse_when(value, svc.now()).keeping_length_of(meeting)
        meetings_edit.check_future(when, svc.now())
    except WhenError as exc:
        await message.reply_text(texts.MEETING_NOT_UNDERSTOOD.format(reason=exc))
        return
    if not svc.drafts.finish(draft.id, "moving"):
        return
    change = meetings_edit.move_meeting(svc.settings.knowledge.path, meeting_id=meeting.id,
                                        when=when, now=svc.now())
    svc.knowledge_written(change.ok)
    if not change.ok or change.after is None:
        await message.reply_text(_failure(change, svc))
        return
    svc.drafts.conclude(draft.id, f"przeniesione na {change.after.start.isoformat()}")
    notice = texts.MEETING_MOVED_NOTICE.format(
        title=meeting.title, when=when_text(change.after), old=when_text(meeting))
    notified = await _notify(message.get_bot(), svc, meeting, notice)
    await message.reply_text(texts.MEETING_MOVED.format(
        title=meeting.title, when=when_text(change.after), notified=notified))


async def _cancel(update: Update, svc: Services, value: str) -> None:
    query = update.callback_query
    message = query.message
    confirmed = value.startswith("y:")
    meeting = find(svc.matcher.knowledge.meetings, value.removeprefix("y:"))
    if meeting is None:
        await remove_buttons(query)
        await message.reply_text(texts.MEETING_GONE_FOR_COORDINATOR)
        return
    if not confirmed:
        try:
            data = encode(ChoiceKind.MEETING_CANCEL, f"y:{meeting.id}")
        except ChoiceTooLong:
            return
        await message.reply_text(
            texts.MEETING_CANCEL_CONFIRM.format(title=meeting.title, when=when_text(meeting)),
            reply_markup=keyboard([[(texts.MEETING_CANCEL_YES, data)]]))
        return
    await remove_buttons(query)
    change = meetings_edit.cancel_meeting(svc.settings.knowledge.path, meeting_id=meeting.id,
                                          now=svc.now())
    svc.knowledge_written(change.ok, removes=frozenset({f"meeting:{meeting.id}"}))
    if not change.ok:
        await message.reply_text(_failure(change, svc))
        return
    notice = texts.MEETING_CANCELLED_NOTICE.format(title=meeting.title, when=when_text(meeting))
    notified = await _notify(message.get_bot(), svc, meeting, notice)
    await message.reply_text(texts.MEETING_CANCELLED.format(title=meeting.title,
                                                            notified=notified))


def who_knows(svc: Services, meeting: Meeting) -> list[int | str]:
    """Subscribers reminded of the meeting, and, when its reminder time has come (within
    `meetings.remind_before`), every subscriber who may see it."""
    now = svc.now()
    lead = svc.settings.meetings.reminder_lead
    subscribers = [s for s in svc.subscriptions.subscribers()
                   if visible(meeting, svc.is_member(int(s.user_id)))]
    reminded = set(svc.subscriptions.reminded_of(meeting.id))
    soon = meeting.start - lead <= now < meeting.end
    return [s.chat_id for s in subscribers if soon or s.chat_id in reminded]


async def _notify(bot: Bot, svc: Services, meeting: Meeting, notice: str) -> str:
    """Tell those who know of the meeting; a cluster's subscribers are dozens, so this is
    done before the coordinator's confirmation, which then says how many were told."""
    chats = who_knows(svc, meeting)
    if not chats:
        return texts.NOBODY_TO_NOTIFY
    told = 0
    for chat_id in chats:
        try:
            await bot.send_message(chat_id, notice)
        except Forbidden:
            svc.subscriptions.unsubscribe(chat_id)
        except TelegramError as exc:
            log.warning("meeting change not delivered to a subscriber: %s", exc)
        else:
            told += 1
    return texts.NOTIFIED.format(people=plural(told, "osobę", "osoby", "osób"))
