"""Handlers for residents: the menu, questions, answers, suggestions and the hand-off."""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import texts
from bot.answers import answer_text
from bot.knowledge import Entry
from bot.tg.meetings import show_upcoming
from bot.tg.render import (
    acknowledge,
    keyboard,
    menu_keyboard,
    questions_keyboard,
    remove_buttons,
    split_message,
)
from bot.tg.services import Services, person_of, services
from bot.tickets import HandOff, Person

CONTACT_ENTRY = "kontakt.ogolny"
AWAITING_QUESTION = "awaiting_question"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start, /pomoc, /help: greeting, privacy note and the menu."""
    svc = services(context)
    note = texts.PRIVACY_NOTE.format(days=svc.settings.privacy.retention_days)
    if svc.settings.privacy.notice_url:
        note += f"\nWięcej: {svc.settings.privacy.notice_url}"
    await update.effective_message.reply_text(f"{texts.GREETING}\n\n{note}")
    await update.effective_message.reply_text(texts.MENU_PROMPT,
                                              reply_markup=menu_keyboard(svc.matcher.knowledge))


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kontakt, /contact."""
    svc = services(context)
    entry = svc.matcher.knowledge.entry(CONTACT_ENTRY)
    text = entry.answer if entry else texts.NO_ANSWER
    await update.effective_message.reply_text(text)


async def ids(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/id: this chat's and the sender's ids, for filling in the coordinator settings."""
    chat, user = update.effective_chat, update.effective_user
    await update.effective_message.reply_text(
        f"Identyfikator tego czatu (coordinator.chat_id): {chat.id}\n"
        f"Twój identyfikator użytkownika (coordinator.user_ids): {user.id if user else '-'}")


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text: match it and answer, suggest, or offer the hand-off."""
    svc = services(context)
    message = update.effective_message
    # In groups the bot is addressed by name; the name is not part of the question.
    mention = re.compile(re.escape(f"@{context.bot.username}"), re.IGNORECASE)
    text = mention.sub(" ", message.text or "").strip()
    if not text:
        await message.reply_text(texts.NOT_TEXT)
        return
    person = person_of(update)
    svc.desk.record_active(person.user_id)
    if context.user_data.pop(AWAITING_QUESTION, False):
        svc.questions.record(text, "direct")
        await hand_off(update, context, text, ())
        return
    result = svc.matcher.match(text)
    question_id = svc.questions.record(text, result.status,
                                       result.entry.id if result.entry else None, result.score)
    if result.status == "answer" and result.entry is not None:
        await send_answer(message, svc, result.entry, text, person, question_id)
        return
    ids = [s.entry.id for s in result.suggestions]
    if result.status == "suggest":
        offer = svc.desk.remember_offer(person, text, ids, question_id)
        markup = questions_keyboard([s.entry for s in result.suggestions],
                                    [(texts.NONE_OF_THESE, f"h:{offer.id}")])
        await message.reply_text(texts.SUGGEST_INTRO, reply_markup=markup)
        return
    if svc.desk.open_ticket_of(person.user_id) is not None:
        svc.questions.handed_off(question_id)
        await hand_off(update, context, text, ids, new_question=False)  # joins the open ticket
        return
    offer = svc.desk.remember_offer(person, text, ids, question_id)
    await message.reply_text(texts.NO_ANSWER, reply_markup=keyboard(
        [[(texts.PASS_ON, f"h:{offer.id}")], [(texts.NO_THANKS, "no")]]))


async def send_answer(
    message: Message, svc: Services, entry: Entry, asked: str, person: Person,
    question_id: int | None = None,
) -> None:
    """The entry's answer, with the buttons that fit it; long answers in several messages."""
    if entry.dynamic == "upcoming_meetings":
        await show_upcoming(message, svc, person.user_id)
        return
    member = svc.is_member(person.user_id)
    parts = split_message(answer_text(entry, svc.matcher.knowledge, svc.now(), member=member))
    for part in parts[:-1]:
        await message.reply_text(part)
    markup = None
    if entry.offers_handoff or not entry.is_smalltalk:
        offer = svc.desk.remember_offer(person, asked, [entry.id], question_id)
        if entry.offers_handoff:
            markup = keyboard([[(texts.PASS_ON, f"h:{offer.id}")], [(texts.NO_THANKS, "no")]])
        else:
            markup = keyboard([[(texts.HELPED, f"ok:{question_id or ''}")],
                               [(texts.NOT_HELPED, f"nh:{offer.id}")]])
    await message.reply_text(parts[-1], reply_markup=markup)


async def hand_off(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, suggestions: Sequence[str],
    *, new_question: bool = True,
) -> None:
    """Store the question as a ticket (first), post it, then tell the resident its number.

    A new question opens a ticket up to the open-ticket limit; further messages the bot cannot
    answer (`new_question=False`) join the open ticket.
    """
    svc = services(context)
    limit = svc.settings.limits.open_tickets_per_user if new_question else 1
    ticket, outcome = svc.desk.hand_off(person_of(update), text, suggestions,
                                        svc.settings.coordinator.chat_id, max_open=limit)
    await _confirm_hand_off(update, context, ticket.id, outcome)


async def _confirm_hand_off(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, outcome: HandOff
) -> None:
    svc = services(context)
    svc.owed().kick()  # posted in the background: the group's pacing never holds anyone up
    template = {"new": texts.HANDED_OFF, "joined": texts.JOINED_TICKET,
                "already": texts.ALREADY_HANDED_OFF}[outcome]
    text = template.format(number=number)
    note = svc.office_hours.expected_reply(svc.now()) if svc.office_hours else None
    # Owed, not sent here: the question is stored, so a failing send must end in a retry,
    # never in an apology.
    svc.owed().owe_notice(update.effective_chat.id, f"{text}\n\n{note}" if note else text)


async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Callback buttons of the menu and of answers."""
    query = update.callback_query
    await acknowledge(query)
    svc = services(context)
    data = query.data or ""
    kind, _, value = data.partition(":")
    knowledge = svc.matcher.knowledge
    if kind == "menu":
        await query.message.reply_text(texts.MENU_PROMPT, reply_markup=menu_keyboard(knowledge))
    elif kind == "cat":
        entries = knowledge.entries_in(value)
        await query.message.reply_text(texts.CHOOSE_QUESTION, reply_markup=questions_keyboard(
            entries, [(texts.BACK_TO_MENU, "menu")]))
    elif kind == "q":
        entry = knowledge.entry(value)
        if entry is None:
            await query.message.reply_text(texts.OFFER_EXPIRED)
        else:
            await send_answer(query.message, svc, entry, entry.question, person_of(update))
    elif kind in ("h", "nh"):
        offer = svc.desk.offer(int(value)) if value.isdigit() else None
        if offer is None or offer.user_id != update.effective_user.id:
            await query.message.reply_text(texts.OFFER_EXPIRED)
        else:  # stored first: nothing that can fail on the network comes before it
            ticket, outcome = svc.desk.hand_off_offer(
                offer, person_of(update), svc.settings.coordinator.chat_id,
                max_open=svc.settings.limits.open_tickets_per_user)
            if offer.question_id is not None:
                svc.questions.handed_off(offer.question_id)
                if kind == "nh":
                    svc.questions.feedback(offer.question_id, helped=False)
            await remove_buttons(query)
            await _confirm_hand_off(update, context, ticket.id, outcome)
    elif kind == "ask":
        context.user_data[AWAITING_QUESTION] = True
        await query.message.reply_text(texts.ASK_PROMPT)
    elif kind == "ok":
        if value.isdigit():
            svc.questions.feedback(int(value), helped=True)
        await remove_buttons(query)
        await query.message.reply_text(texts.THANKS_FOR_FEEDBACK)
    elif kind == "no":
        await remove_buttons(query)
        await query.message.reply_text(texts.NO_THANKS_REPLY)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice, stickers, documents, locations: the bot reads text only."""
    await update.effective_message.reply_text(texts.NOT_TEXT)

