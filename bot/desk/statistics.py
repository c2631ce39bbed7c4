"""Statistics in the desk (/koordynator/statystyki): the report of `python -m bot report`
(bot.report's own sections, not a second implementation) with, under each unanswered
question, "Dodaj jako wpis" and "Dodaj jako sformułowanie…" leading to the knowledge
editor's prefilled forms."""

from __future__ import annotations

from aiohttp import web

from bot.desk.context import DeskContext
from bot.desk.page import Html, html, join, page, quoted
from bot.insights import Stats, UnansweredGroup, compute_stats
from bot.knowledge import Entry, KnowledgeBase
from bot.matcher import matcher_for
from bot.normalize import Normalizer
from bot.plural import DAYS, count
from bot.question_log import QuestionLog
from bot.report import report_sections, unanswered_csv

BASE = "/koordynator/statystyki"
NEW_ENTRY = "/koordynator/wiedza/nowy?pytanie={question}"
AS_PHRASING = "/koordynator/wiedza/wpis/{entry}?sformulowanie={question}"
PERIODS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_QUESTION = 500
HINT = ("Podobne pytania są zgrupowane. Dopisz odpowiedź do bazy wiedzy: jako nowy wpis albo "
        "jako inne sformułowanie pytania, na które odpowiedź już jest.")


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    def stats_for(days: int) -> Stats:
        knowledge = ctx.knowledge()
        return compute_stats(QuestionLog(ctx.connection), ctx.desk,
                             Normalizer(knowledge.synonyms), ctx.clock(), days)

    async def statistics(request: web.Request) -> web.StreamResponse:
        days = _days(request)
        stats = stats_for(days)
        body = html('{periods}<div class="report">{report}</div>'
                    '<p><a href="{base}.csv?dni={days}" download>Pobierz pytania bez '
                    "odpowiedzi (CSV, dla Excela)</a></p>",
                    periods=_periods(days),
                    report=Html(report_sections(stats, ctx.knowledge(), hint=HINT,
                                                actions=_actions, action_header="Dopisz")),
                    base=BASE, days=days)
        return page(request, f"Statystyki: ostatnie {count(days, DAYS)}", body)

    async def csv_file(request: web.Request) -> web.StreamResponse:
        days = _days(request)
        return web.Response(
            body=unanswered_csv(stats_for(days)).encode("utf-8-sig"),
            headers={"Content-Type": "text/csv; charset=utf-8",
                     "Content-Disposition": f'attachment; filename="bez_odpowiedzi_{days}.csv"',
                     "Cache-Control": "no-store"})

    async def pick_entry(request: web.Request) -> web.StreamResponse:
        question = " ".join(request.query.get("pytanie", "").split())[:MAX_QUESTION]
        if not question:
            raise web.HTTPSeeOther(BASE)
        knowledge = ctx.knowledge()
        return page(request, "Dodaj jako sformułowanie",
                    _pick_body(question, knowledge,
                               _similar(question, knowledge, ctx)))

    return [web.get(BASE, statistics), web.get(BASE + ".csv", csv_file),
            web.get(BASE + "/sformulowanie", pick_entry)]


def _days(request: web.Request) -> int:
    raw = request.query.get("dni", "")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 3650 else DEFAULT_DAYS


def _periods(days: int) -> Html:
    links = [html('<a href="{base}?dni={n}"{current}>{label}</a>', base=BASE, n=n,
                  label=count(n, DAYS), current=Html(' aria-current="true"') if n == days
                  else Html("")) for n in PERIODS]
    return html('<p class="periods">Okres: {links}</p>', links=join(links, " · "))


def _actions(group: UnansweredGroup) -> str:
    question = quoted(group.example)
    return html('<a href="{new}">Dodaj jako wpis</a><br>'
                '<a href="{base}/sformulowanie?pytanie={q}">Dodaj jako sformułowanie…</a>',
                new=NEW_ENTRY.format(question=question), base=BASE, q=question)


def _similar(question: str, knowledge: KnowledgeBase, ctx: DeskContext) -> list[Entry]:
    """The entries the bot thinks are closest, best first."""
    result = matcher_for(knowledge, ctx.settings.matcher.thresholds()).match(question)
    found = ([result.entry] if result.entry is not None else []) + [
        s.entry for s in result.suggestions]
    return [e for e in dict.fromkeys(found) if not e.is_smalltalk]


def _pick_body(question: str, knowledge: KnowledgeBase, similar: list[Entry]) -> Html:
    def link(entry: Entry) -> Html:
        return html('<li><a href="{href}">{label}</a> <span class="muted">({id})</span></li>',
                    href=AS_PHRASING.format(entry=quoted(entry.id), question=quoted(question)),
                    label=entry.question, id=entry.id)

    parts = [html('<p>Pytanie mieszkańca: <strong class="text">{q}</strong></p>'
                  "<p>Wybierz wpis, którego odpowiedź na nie pasuje – dopiszę je jako jeszcze "
                  "jedno sformułowanie tego wpisu (zobaczysz formularz przed zapisaniem).</p>",
                  q=question)]
    if similar:
        parts.append(html('<h2>Najbardziej podobne</h2><ul class="entries">{items}</ul>',
                          items=join(link(e) for e in similar)))
    groups = []
    for category in knowledge.categories:
        entries = [e for e in knowledge.entries_in(category.id) if not e.is_smalltalk]
        if entries:
            groups.append(html('<details><summary>{name} ({n})</summary>'
                               '<ul class="entries">{items}</ul></details>', name=category.name,
                               n=len(entries), items=join(link(e) for e in entries)))
    parts.append(html("<h2>Wszystkie wpisy według kategorii</h2>{groups}",
                      groups=join(groups)))
    parts.append(html('<p><a href="{base}#bez-odpowiedzi">Wróć do statystyk</a></p>',
                      base=BASE))
    return join(parts)
