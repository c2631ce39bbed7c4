"""„Dodaj do bazy wiedzy” and /nauczone: the coordinator previews, edits and accepts what the
bot learns, and corrects or removes it later, all from Telegram.

The rules (what is proposed, what is flagged, how files change) are in bot.learning; a
proposal being edited is a draft in SQLite (bot.drafts), so a restart keeps it and a second
tap on a saved proposal changes nothing.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import learning, texts
from bot.conversation.choices import ChoiceKind, ChoiceTooLong, encode, number
from bot.drafts import Draft
from bot.knowledge import KnowledgeBase
from bot.learning import Proposal
from bot.plural import QUESTIONS, count
from bot.tg.render import keyboard, remove_buttons, split_message
from bot.tg.services import Services, coordinator_tap, coordinators_only, services

log = logging.getLogger(__name__)

CHANNEL = "telegram"
LEARN_DRAFT = "learn"
LEARNED_DRAFT = "learned"  # an edit of an entry already learned (/nauczone)
LABEL_CHARS = 32  # of an entry's label inside a button's text
LIST_LIMIT = 40  # learned items listed by /nauczone
_OUTDATED = (ChoiceKind.LEARN_NEW, ChoiceKind.LEARN_CATEGORY, ChoiceKind.LEARN_AS,
             ChoiceKind.LEARN_CANCEL)


def learn_keyboard(ticket_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(texts.LEARN, encode(ChoiceKind.LEARN, ticket_id))]])


# -- the preview ------------------------------------------------------------------------------
def proposal_of(draft: Draft) -> Proposal:
    data = draft.data
    return Proposal(data["question"], data["answer"], data["category"], data["button"],
                    tuple(data.get("targets", ())))


def preview_text(draft: Draft, knowledge: KnowledgeBase) -> str:
    proposal = proposal_of(draft)
    category = knowledge.category(proposal.category)
    lines = [texts.LEARN_PREVIEW_TITLE.format(number=draft.data.get("ticket", "?")), "",
             texts.LEARN_PREVIEW.format(
                 question=proposal.question, button=proposal.button,
                 category=category.name if category else proposal.category,
                 answer=proposal.answer)]
    flags = learning.personal_flags(proposal, knowledge)
    if flags:
        lines += ["", texts.LEARN_FLAGS, *(f"• {flag}" for flag in flags)]
    if _targets(draft, knowledge):
        lines += ["", texts.LEARN_PHRASING_NOTE]
    return "\n".join(lines)


def preview_keyboard(draft: Draft, knowledge: KnowledgeBase) -> InlineKeyboardMarkup:
    d = draft.id
    rows: list[list[tuple[str, str]]] = [
        [(texts.LEARN_SAVE, encode(ChoiceKind.LEARN_SAVE, d))],
        [(label, encode(ChoiceKind.LEARN_EDIT, f"{d}:{name}"))
         for name, label in texts.LEARN_EDIT.items()],
        [(texts.LEARN_CATEGORY, encode(ChoiceKind.LEARN_PICK_CATEGORY, d))],
    ]
    if learning.has_personal_touch(draft.data["answer"]):
        rows[-1].append((texts.LEARN_STRIP, encode(ChoiceKind.LEARN_STRIP, d)))
    if _targets(draft, knowledge):
        rows.append([(texts.LEARN_TARGETS, encode(ChoiceKind.LEARN_TARGETS, d))])
    rows.append([(texts.CANCEL, encode(ChoiceKind.LEARN_DISCARD, d))])
    return keyboard(rows)


def targets_keyboard(draft: Draft, knowledge: KnowledgeBase) -> InlineKeyboardMarkup:
    """Per entry the bot had suggested: add the question to it, or replace its answer."""
    d = draft.id
    rows: list[list[tuple[str, str]]] = []
    for index, entry_id in _targets(draft, knowledge):
        entry = knowledge.entry(entry_id)
        assert entry is not None
        label = learning.shorten(entry.label, LABEL_CHARS)
        rows.append([(texts.LEARN_AS_PHRASING.format(label=label),
                      encode(ChoiceKind.LEARN_PHRASING, f"{d}:{index}"))])
        rows.append([(texts.LEARN_REPLACE.format(label=label),
                      encode(ChoiceKind.LEARN_REPLACE, f"{d}:{index}"))])
    rows.append([(texts.BACK, encode(ChoiceKind.LEARN_BACK, d))])
    return keyboard(rows)


def _targets(draft: Draft, knowledge: KnowledgeBase) -> list[tuple[int, str]]:
    return [(i, t) for i, t in enumerate(draft.data.get("targets", ())) if knowledge.entry(t)]


async def _send_preview(message: Message, svc: Services, draft: Draft) -> None:
    """A fresh preview under `message`; the previous preview's buttons go."""
    knowledge = svc.matcher.knowledge
    old = draft.data.get("preview")
    if old:
        with suppress(TelegramError):
            await message.get_bot().edit_message_reply_markup(message.chat_id, int(old))
    parts = split_message(preview_text(draft, knowledge))
    for part in parts[:-1]:
        await message.reply_text(part)
    sent = await message.reply_text(parts[-1], reply_markup=preview_keyboard(draft, knowledge))
    svc.drafts.update(draft.id, preview=sent.message_id)


async def _refresh_preview(message: Message, svc: Services, draft: Draft) -> None:
    """The preview tapped, shown again with the change (one message, no new one)."""
    knowledge = svc.matcher.knowledge
    text = preview_text(draft, knowledge)
    if len(text) > 4096:
        await _send_preview(message, svc, draft)
        return
    with suppress(TelegramError):  # unchanged text: nothing to edit
        await message.edit_text(text, reply_markup=preview_keyboard(draft, knowledge))


# -- buttons ----------------------------------------------------------------------------------
async def learn_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button of the preview and of /nauczone (coordinators only)."""
    query = update.callback_query
    decoded = await coordinator_tap(update, context)
    if decoded is None:
        return
    kind, value = decoded
    svc = services(context)
    message = query.message
    if kind in _OUTDATED:
        await remove_buttons(query)
        await message.reply_text(texts.LEARN_OUTDATED)
        return
    if kind is ChoiceKind.LEARN:
        await _open_preview(update, svc, value)
        return
    if kind in _LEARNED_HANDLERS:
        await _LEARNED_HANDLERS[kind](update, svc, value)
        return
    draft_part, _, detail = value.partition(":")
    draft_id = number(draft_part)
    draft = svc.drafts.get(draft_id) if draft_id is not None else None
    if draft is None or draft.kind != LEARN_DRAFT:
        await remove_buttons(query)
        await message.reply_text(texts.LEARN_OUTDATED)
        return
    if draft.done:
        await remove_buttons(query)
        await message.reply_text(
            texts.LEARN_ALREADY_CANCELLED if draft.outcome == "cancelled" else
            texts.LEARN_IN_PROGRESS if draft.outcome == "zapisuję" else
            texts.LEARN_ALREADY.format(outcome=draft.outcome))
        return
    knowledge = svc.matcher.knowledge
    if kind is ChoiceKind.LEARN_EDIT and detail in texts.LEARN_ASK:
        await _ask_for(message, svc, draft.id, detail, texts.LEARN_ASK[detail], update)
    elif kind is ChoiceKind.LEARN_PICK_CATEGORY:
        rows = [[(c.name, encode(ChoiceKind.LEARN_SET_CATEGORY, f"{draft.id}:{c.id}"))]
                for c in knowledge.menu_categories()]
        rows.append([(texts.BACK, encode(ChoiceKind.LEARN_BACK, draft.id))])
        with suppress(TelegramError):
            await message.edit_reply_markup(keyboard(rows))
    elif kind is ChoiceKind.LEARN_TARGETS:
        with suppress(TelegramError):
            await message.edit_reply_markup(targets_keyboard(draft, knowledge))
    elif kind is ChoiceKind.LEARN_SET_CATEGORY and knowledge.category(detail) is not None:
        await _refresh_preview(message, svc, svc.drafts.update(draft.id, category=detail))
    elif kind is ChoiceKind.LEARN_STRIP:
        answer = learning.without_personal(draft.data["answer"])
        await _refresh_preview(message, svc, svc.drafts.update(draft.id, answer=answer))
    elif kind is ChoiceKind.LEARN_BACK:
        if message.message_id == draft.data.get("preview"):
            with suppress(TelegramError):
                await message.edit_reply_markup(preview_keyboard(draft, knowledge))
        else:
            await remove_buttons(query)
    elif kind is ChoiceKind.LEARN_DISCARD:
        svc.drafts.finish(draft.id, "cancelled")
        await remove_buttons(query)
        await message.reply_text(texts.LEARN_CANCELLED)
    elif kind is ChoiceKind.LEARN_SAVE:
        await _save(update, svc, draft, "new", None, confirmed=detail == "y")
    elif kind in (ChoiceKind.LEARN_PHRASING, ChoiceKind.LEARN_REPLACE):
        index_text, _, confirmed = detail.partition(":")
        index = number(index_text)
        targets = draft.data.get("targets", [])
        if index is None or index >= len(targets) or knowledge.entry(targets[index]) is None:
            await message.reply_text(texts.LEARN_OUTDATED)
            return
        mode = "phrasing" if kind is ChoiceKind.LEARN_PHRASING else "replace"
        await _save(update, svc, draft, mode, index, confirmed=confirmed == "y")


async def _open_preview(update: Update, svc: Services, value: str) -> None:
    query = update.callback_query
    ticket_id = number(value)
    ticket = svc.desk.ticket(ticket_id) if ticket_id is not None else None
    if ticket is None or not ticket.question or not ticket.answer:
        await remove_buttons(query)
        await query.message.reply_text(texts.LEARN_NOTHING)
        return
    await remove_buttons(query)  # a second tap cannot open a second preview
    draft = svc.drafts.open_for(LEARN_DRAFT, "ticket", ticket.id)
    if draft is None:
        proposal = learning.propose(ticket.question, ticket.answer, ticket.suggestions,
                                    svc.matcher.knowledge)
        user = update.effective_user
        draft = svc.drafts.create(LEARN_DRAFT, CHANNEL, query.message.chat_id,
                                  user.id if user else 0,
                                  {"ticket": ticket.id, **proposal.as_data()})
    await _send_preview(query.message, svc, draft)


async def _ask_for(message: Message, svc: Services, draft_id: int, field_name: str,
                   prompt: str, update: Update) -> None:
    """The next message of this coordinator in this chat fills `field_name`; a forced reply
    so it reaches the bot in a group with privacy mode on."""
    user = update.effective_user
    assert user is not None
    # Whoever tapped answers, in the chat where they tapped (another coordinator may take
    # a preview over).
    svc.drafts.hand_to(draft_id, message.chat_id, user.id)
    sent = await message.reply_text(f"{prompt}\n{texts.INPUT_HINT}",
                                    reply_markup=ForceReply(selective=False))
    svc.drafts.update(draft_id, awaiting=field_name, prompt=sent.message_id)


async def _save(update: Update, svc: Services, draft: Draft, mode: str, index: int | None,
                *, confirmed: bool) -> None:
    query = update.callback_query
    message = query.message
    proposal = proposal_of(draft)
    knowledge = svc.matcher.knowledge
    target = knowledge.entry(proposal.targets[index]) if index is not None else None
    problem = learning.check_question(proposal.question) if mode != "replace" else None
    if problem is not None:
        await message.reply_text(texts.NOT_LEARNED.format(reason=problem))
        return
    personal = learning.personal_flags(proposal) if mode != "phrasing" else []
    if mode == "replace" and not confirmed:
        assert target is not None
        rows = [[(texts.LEARN_REPLACE_YES, encode(ChoiceKind.LEARN_REPLACE,
                                                  f"{draft.id}:{index}:y"))],
                [(texts.BACK, encode(ChoiceKind.LEARN_BACK, draft.id))]]
        text = texts.LEARN_REPLACE_CONFIRM.format(question=target.question,
                                                  answer=target.answer)
        if personal:
            text += "\n\n" + "\n".join([texts.LEARN_FLAGS, *(f"• {f}" for f in personal)])
        await message.reply_text(split_message(text)[0], reply_markup=keyboard(rows))
        return
    if mode == "new" and personal and not confirmed:
        rows = [[(texts.LEARN_SAVE_ANYWAY, encode(ChoiceKind.LEARN_SAVE, f"{draft.id}:y"))]]
        if learning.has_personal_touch(proposal.answer):
            rows.append([(texts.LEARN_STRIP, encode(ChoiceKind.LEARN_STRIP, draft.id))])
        rows.append([(texts.BACK, encode(ChoiceKind.LEARN_BACK, draft.id))])
        with suppress(TelegramError):
            await message.edit_reply_markup(keyboard(rows))
        await message.reply_text("\n".join([texts.LEARN_FLAGS, *(f"• {f}" for f in personal)]))
        return
    if not svc.drafts.finish(draft.id, "zapisuję"):  # a second tap while the first one ran
        await message.reply_text(texts.LEARN_IN_PROGRESS)
        return
    root = svc.settings.knowledge.path
    if mode == "new":
        change = learning.add_entry(root, category=proposal.category, question=proposal.question,
                                    answer=proposal.answer, today=svc.now().date(),
                                    number=int(draft.data.get("ticket", draft.id)),
                                    button=proposal.button, knowledge=knowledge)
    elif mode == "phrasing":
        assert target is not None
        change = learning.add_phrasing(root, entry_id=target.id, text=proposal.question)
    else:
        assert target is not None
        change = learning.replace_answer(root, entry_id=target.id, answer=proposal.answer,
                                         today=svc.now().date(), knowledge=knowledge)
    svc.knowledge_written(change.ok)
    if not change.ok:
        svc.drafts.reopen(draft.id)
        await message.reply_text(failure_line(change, root))
        return
    outcome = {"new": f"nowy wpis {change.entry_id}", "phrasing": f"pytanie do {change.entry_id}",
               "replace": f"nowa odpowiedź wpisu {change.entry_id}"}[mode]
    svc.drafts.conclude(draft.id, outcome)
    with suppress(TelegramError):
        await message.get_bot().edit_message_reply_markup(
            message.chat_id, int(draft.data.get("preview") or message.message_id))
    await remove_buttons(query)
    file = learning.relative_file(change.file, root)
    if mode == "new":
        text = texts.LEARNED_NEW.format(entry=change.entry_id, file=file)
    elif mode == "phrasing":
        assert target is not None
        text = texts.LEARNED_PHRASING.format(question=target.question)
    else:
        assert target is not None
        text = texts.LEARNED_REPLACED.format(question=target.question, file=file)
    await message.reply_text(text)


def failure_line(change: learning.Change, root: str) -> str:
    """One Polish line: the reason and the first problem, its file named from the knowledge
    folder ("faq/nauczone.yaml:15")."""
    return texts.NOT_LEARNED.format(reason=learning.explain(change, root))


# -- typed input ------------------------------------------------------------------------------
async def draft_input(message: Message, svc: Services, draft: Draft, text: str) -> None:
    """The coordinator's message filling a field of a preview."""
    field_name = draft.awaiting or ""
    value = text.strip() if field_name == "answer" else " ".join(text.split())
    problem = _field_problem(field_name, value)
    if problem is not None:
        await message.reply_text(problem)  # the draft still waits for a better one
        return
    changes: dict[str, str] = {field_name: value}
    if field_name == "question" and draft.data["button"] == learning.button_label(
            draft.data["question"]):  # a label the coordinator did not write follows
        changes["button"] = learning.button_label(value)
    draft = svc.drafts.update(draft.id, **changes)
    await _send_preview(message, svc, draft)


def _field_problem(field_name: str, value: str) -> str | None:
    if not value:
        return texts.FIELD_EMPTY
    if field_name == "question":
        problem = learning.check_question(value)
        return texts.NOT_LEARNED_FIELD.format(reason=problem) if problem else None
    if field_name == "button" and len(value) > learning.BUTTON_MAX_CHARS:
        return texts.NOT_LEARNED_FIELD.format(
            reason=f"napis ma {len(value)} znaków, a mieści się najwyżej "
                   f"{learning.BUTTON_MAX_CHARS}")
    if field_name == "answer" and len(value) > learning.MAX_ANSWER:
        return texts.NOT_LEARNED_FIELD.format(
            reason=f"odpowiedź ma {len(value)} znaków, najwyżej {learning.MAX_ANSWER}")
    return None


# -- /nauczone ------------------------------------------------------------------------------
async def learned_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/nauczone: what was learned from chat, each with a button to correct or remove it."""
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    items = learning.learned(svc.settings.knowledge.path, svc.matcher.knowledge)
    message = update.effective_message
    if not items:
        await message.reply_text(texts.LEARNED_LIST_EMPTY)
        return
    rows = []
    for item in items[-LIST_LIMIT:]:  # the newest, as a keyboard holds about a hundred
        label = learning.shorten(item.label, 40)
        if not item.is_entry:
            label = f"➕ {count(len(item.phrasings), QUESTIONS)} do: {label}"
        data = _choice(ChoiceKind.LEARNED_SHOW, item.entry_id)
        if data is not None:
            rows.append([(label, data)])
    title = texts.LEARNED_LIST_TITLE.format(count=len(items))
    if len(items) > LIST_LIMIT:
        title += " " + texts.LEARNED_LIST_NEWEST.format(limit=LIST_LIMIT)
    await message.reply_text(title, reply_markup=keyboard(rows))


async def _learned_show(update: Update, svc: Services, entry_id: str) -> None:
    message = update.callback_query.message
    items = [i for i in learning.learned(svc.settings.knowledge.path, svc.matcher.knowledge)
             if i.entry_id == entry_id]
    if not items:
        await message.reply_text(texts.LEARNED_GONE)
        return
    for item in items:
        if item.is_entry:
            rows = [[(label, data) for name, label in texts.LEARN_EDIT.items()
                     if (data := _choice(ChoiceKind.LEARNED_EDIT, f"{name}:{entry_id}"))]]
            if (remove := _choice(ChoiceKind.LEARNED_REMOVE, entry_id)) is not None:
                rows.append([(texts.LEARNED_REMOVE, remove)])
            text = texts.LEARNED_ENTRY.format(entry=entry_id, question=item.question,
                                              button=item.label, answer=item.answer)
            await message.reply_text(split_message(text)[0], reply_markup=keyboard(rows))
        else:
            rows = [[(f"🗑 {learning.shorten(t, 40)}", data)]
                    for i, t in enumerate(item.phrasings)
                    if (data := _choice(ChoiceKind.LEARNED_UNPHRASE, f"{i}:{entry_id}"))]
            text = "\n".join([texts.LEARNED_PHRASINGS.format(question=item.question,
                                                             entry=entry_id),
                              *(f"• {t}" for t in item.phrasings)])
            await message.reply_text(split_message(text)[0], reply_markup=keyboard(rows))


async def _learned_edit(update: Update, svc: Services, value: str) -> None:
    field_name, _, entry_id = value.partition(":")
    message = update.callback_query.message
    if field_name not in learning.EDITABLE:
        return
    user = update.effective_user
    assert user is not None
    draft = svc.drafts.create(LEARNED_DRAFT, CHANNEL, message.chat_id, user.id,
                              {"entry_id": entry_id}, awaiting=field_name)
    sent = await message.reply_text(f"{texts.LEARN_ASK[field_name]}\n{texts.INPUT_HINT}",
                                    reply_markup=ForceReply(selective=False))
    svc.drafts.update(draft.id, awaiting=field_name, prompt=sent.message_id)


async def learned_input(message: Message, svc: Services, draft: Draft, text: str) -> None:
    """The coordinator's message correcting a learned entry."""
    field_name = draft.awaiting or ""
    value = text.strip() if field_name == "answer" else " ".join(text.split())
    problem = _field_problem(field_name, value)
    if problem is not None:
        await message.reply_text(problem)
        return
    root = svc.settings.knowledge.path
    entry_id = draft.get("entry_id")
    change = learning.update_learned(root, entry_id=entry_id, field_name=field_name,
                                     value=value, today=svc.now().date())
    svc.knowledge_written(change.ok)
    if not change.ok:
        await message.reply_text(failure_line(change, root))
        return
    svc.drafts.finish(draft.id, "saved")
    await message.reply_text(texts.LEARNED_UPDATED.format(entry=entry_id))


async def _learned_remove(update: Update, svc: Services, value: str) -> None:
    message = update.callback_query.message
    confirmed = value.startswith("y:")
    entry_id = value.removeprefix("y:")
    items = [i for i in learning.learned(svc.settings.knowledge.path, svc.matcher.knowledge)
             if i.entry_id == entry_id and i.is_entry]
    if not items:
        await remove_buttons(update.callback_query)
        await message.reply_text(texts.LEARNED_GONE)
        return
    if not confirmed:
        data = _choice(ChoiceKind.LEARNED_REMOVE, f"y:{entry_id}")
        rows = [[(texts.LEARNED_REMOVE_YES, data)]] if data else []
        await message.reply_text(texts.LEARNED_REMOVE_CONFIRM.format(question=items[0].question),
                                 reply_markup=keyboard(rows))
        return
    root = svc.settings.knowledge.path
    change = learning.remove_learned(root, entry_id=entry_id)
    svc.knowledge_written(change.ok, removes=frozenset({f"entry:{entry_id}"}))
    await remove_buttons(update.callback_query)
    await message.reply_text(texts.LEARNED_REMOVED.format(question=items[0].question)
                             if change.ok else failure_line(change, root))


async def _learned_unphrase(update: Update, svc: Services, value: str) -> None:
    message = update.callback_query.message
    index_text, _, entry_id = value.partition(":")
    index = number(index_text)
    items = [i for i in learning.learned(svc.settings.knowledge.path, svc.matcher.knowledge)
             if i.entry_id == entry_id and not i.is_entry]
    if index is None or not items or index >= len(items[0].phrasings):
        await message.reply_text(texts.LEARNED_GONE)
        return
    root = svc.settings.knowledge.path
    change = learning.remove_phrasing(root, entry_id=entry_id, index=index)
    svc.knowledge_written(change.ok)
    await remove_buttons(update.callback_query)
    await message.reply_text(texts.LEARNED_UNPHRASED.format(text=items[0].phrasings[index],
                                                            entry=entry_id)
                             if change.ok else failure_line(change, root))


def _choice(kind: ChoiceKind, value: str) -> str | None:
    """The button's data, or None when an id is too long for Telegram's 64 bytes."""
    try:
        return encode(kind, value)
    except ChoiceTooLong:
        log.warning("learned entry id too long for a button: %s", value)
        return None


_LEARNED_HANDLERS = {
    ChoiceKind.LEARNED_SHOW: _learned_show,
    ChoiceKind.LEARNED_EDIT: _learned_edit,
    ChoiceKind.LEARNED_REMOVE: _learned_remove,
    ChoiceKind.LEARNED_UNPHRASE: _learned_unphrase,
}
