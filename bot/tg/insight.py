"""/statystyki: what residents asked, for the coordinator."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import texts
from bot.insights import Stats, compute_stats, duration_text
from bot.knowledge import KnowledgeBase
from bot.plural import count, out_of
from bot.report import MESSAGES
from bot.tg.render import split_message
from bot.tg.services import coordinators_only, services

DEFAULT_DAYS = 30


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/statystyki [dni], /stats [days] (coordinators)."""
    svc = services(context)
    message = update.effective_message
    if not await coordinators_only(update, context):
        return
    args = context.args or []
    if len(args) > 1 or (args and (not args[0].isdigit() or not 1 <= int(args[0]) <= 3650)):
        await message.reply_text(texts.STATS_USAGE)
        return
    days = int(args[0]) if args else DEFAULT_DAYS
    stats = compute_stats(svc.questions, svc.desk, svc.matcher.normalizer, svc.now(), days)
    for part in split_message(stats_html(stats, svc.matcher.knowledge)):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


def stats_html(stats: Stats, knowledge: KnowledgeBase) -> str:
    def percent(part: int) -> str:
        return f"{stats.share(part) * 100:.0f}%"

    rate = stats.helped_rate
    if not stats.questions:
        return "\n".join([f"<b>Statystyki z {out_of(stats.days, 'dnia', 'dni')}</b>",
                          "W tym okresie nikt nie zadał pytania.",
                          f"Oceny odpowiedzi koordynatora: {stats.answer_rating_text}",
                          f"Otwarte zgłoszenia: {stats.open_tickets}"])
    lines = [
        f"<b>Statystyki z {out_of(stats.days, 'dnia', 'dni')}</b>",
        f"Pytania: {stats.questions}",
        f"• odpowiedź od razu: {percent(stats.answered)}",
        f"• propozycje „Czy chodzi o”: {percent(stats.suggested)}",
        f"• bez gotowej odpowiedzi: {percent(stats.no_answer + stats.direct)}",
        f"• przekazane koordynatorowi: {stats.handed_off}",
        f"„Pomogło”: {'brak ocen' if rate is None else f'{rate * 100:.0f}%'} "
        f"({stats.helped} z {out_of(stats.helped + stats.not_helped, 'oceny', 'ocen')})",
        f"Mediana czasu do odpowiedzi koordynatora: {duration_text(stats.median_reply)}",
        f"Oceny odpowiedzi koordynatora: {stats.answer_rating_text}",
        f"Otwarte zgłoszenia: {stats.open_tickets}",
    ]
    if stats.small_talk:
        lines.append(f"Poza tym {count(stats.small_talk, MESSAGES)} bez pytania (np. „ok”, "
                     "„dzięki”) – nie liczę ich.")
    if stats.top_entries:
        lines += ["", "<b>Najczęstsze tematy</b>"]
        for number, (entry_id, times) in enumerate(stats.top_entries, start=1):
            entry = knowledge.entry(entry_id)
            lines.append(f"{number}. {escape(entry.question if entry else entry_id)} – {times}")
    if stats.unanswered:
        lines += ["", "<b>Najczęstsze pytania bez odpowiedzi</b>"]
        for group in stats.unanswered[:10]:
            lines.append(f"• {escape(group.example)} – {group.count}×")
    return "\n".join(lines)
