"""Meetings from Telegram: /dodaj_spotkanie (guided or in one line), "Przenieś" / "Odwołaj"
under each meeting in /spotkania.

The changes and the word to subscribers who already know of a meeting are
bot.meeting_actions' (the desk calls the same); a meeting being added is a
draft in SQLite (bot.drafts), so a restart in the middle does not lose it.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import suppress
from pathlib import Path

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import meetings_edit, texts
from bot.conversation.choices import ChoiceKind, ChoiceTooLong, encode, number
from bot.drafts import Draft
from bot.durations import polish_duration
from bot.knowledge import Meeting
from bot.meeting_actions import MeetingForm, failure_text, notified_text
from bot.meetings import find, when_text
from bot.meetings_edit import When, WhenError
from bot.tg.render import keyboard, remove_buttons
from bot.tg.services import Services, coordinator_tap, coordinators_only, services

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
    decoded = await coordinator_tap(update, context)
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
    change = svc.meeting_actions().add(MeetingForm(
        data["title"], when, data["place"], data["audience"], data["registration"]))
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
    return texts.MEETING_NOT_SAVED.format(
        reason=failure_text(change, Path(svc.settings.knowledge.path)))


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
    outcome = svc.meeting_actions().move(meeting, when)
    svc.knowledge_written(outcome.ok)
    after = outcome.change.after
    if not outcome.ok or after is None:
        await message.reply_text(_failure(outcome.change, svc))
        return
    svc.drafts.conclude(draft.id, f"przeniesione na {after.start.isoformat()}")
    svc.deliveries_owed()
    await message.reply_text(texts.MEETING_MOVED.format(
        title=meeting.title, when=when_text(after), notified=notified_text(outcome)))


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
    outcome = svc.meeting_actions().cancel(meeting)
    svc.knowledge_written(outcome.ok, removes=frozenset({f"meeting:{meeting.id}"}))
    if not outcome.ok:
        await message.reply_text(_failure(outcome.change, svc))
        return
    svc.deliveries_owed()
    await message.reply_text(texts.MEETING_CANCELLED.format(title=meeting.title,
                                                            notified=notified_text(outcome)))
