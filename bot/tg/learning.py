"""„Dodaj do bazy wiedzy”: a coordinator's answer becomes knowledge with a few taps."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import learning, texts
from bot.tg.reload import outcome_text
from bot.tg.render import acknowledge, keyboard, remove_buttons, split_message
from bot.tg.services import Services, coordinators_only, services


def learn_keyboard(ticket_id: int):
    return keyboard([[(texts.LEARN, f"learn:{ticket_id}")]])


async def learn_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """learn:T → how to add; ln:T → category; lc:T:CAT → new entry; la:T:ID → new phrasing."""
    query = update.callback_query
    await acknowledge(query)
    if not await coordinators_only(update, context):
        return
    svc = services(context)
    kind, _, rest = (query.data or "").partition(":")
    number, _, target = rest.partition(":")
    if kind == "lx" or not number.isdigit():
        await remove_buttons(query)
        return
    ticket = svc.desk.ticket(int(number))
    if ticket is None or not ticket.question or not ticket.answer:
        await remove_buttons(query)
        await query.message.reply_text(texts.LEARN_NOTHING)
        return
    knowledge = svc.matcher.knowledge
    if kind == "learn":
        rows = [[(texts.LEARN_NEW, f"ln:{ticket.id}")]]
        for entry_id in ticket.suggestions:
            entry = knowledge.entry(entry_id)
            if entry is not None:
                rows.append([(f"{texts.LEARN_AS_PHRASING}{entry.question[:40]}",
                              f"la:{ticket.id}:{entry.id}")])
        rows.append([(texts.CANCEL, "lx")])
        await query.edit_message_reply_markup(keyboard(rows))
    elif kind == "ln":
        rows = [[(c.name, f"lc:{ticket.id}:{c.id}")] for c in knowledge.menu_categories()]
        rows.append([(texts.CANCEL, "lx")])
        await query.edit_message_reply_markup(keyboard(rows))
    elif kind == "lc" and knowledge.category(target) is not None:
        change = learning.add_entry(svc.settings.knowledge.path, category=target,
                                    question=ticket.question, answer=ticket.answer,
                                    today=svc.now().date(), number=ticket.id)
        await _report(update, svc, change)
    elif kind == "la" and knowledge.entry(target) is not None:
        change = learning.add_phrasing(svc.settings.knowledge.path, entry_id=target,
                                       text=ticket.question)
        await _report(update, svc, change)


async def _report(update: Update, svc: Services, change: learning.Change) -> None:
    query = update.callback_query
    await remove_buttons(query)
    if change.ok:
        outcome = svc.reload_knowledge()  # the next resident asking gets the answer at once
        text = texts.LEARNED.format(entry=change.entry_id, file=change.file.name)
        if not outcome.applied:  # other edits of the files hold the reload back
            text += "\n\n" + outcome_text(outcome, automatic=True)
    else:
        text = texts.NOT_LEARNED.format(reason=change.reason) + "\n" + "\n".join(
            str(p) for p in change.problems)
    for part in split_message(text):
        await query.message.reply_text(part)
