"""The inbox: open tickets from every channel, oldest first (/koordynator), and the ones
answered or closed lately (/koordynator/zgloszenia/zalatwione)."""

from __future__ import annotations

from aiohttp import web

from bot.desk.context import DeskContext
from bot.desk.page import Html, html, join, page
from bot.desk.ticket_text import STATUS, channel_name, short, waiting, when, who
from bot.plural import TICKETS, count
from bot.tickets import Ticket

SETTLED_SHOWN = 50
REFRESH = Html('<p class="muted">Lista odświeża się sama co minutę.</p>'
               '<script src="/koordynator/zasoby/inbox.js" defer></script>')


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    async def inbox(request: web.Request) -> web.StreamResponse:
        tickets = ctx.desk.open_tickets()
        now = ctx.clock()
        if not tickets:
            body = Html("<p>Nie ma otwartych zgłoszeń. Wszystko załatwione!</p>")
        else:
            rows = [html('<tr><td data-label="Nr"><a href="/koordynator/zgloszenie/{n}">'
                         '#{n}</a></td><td data-label="Pytanie" class="text">'
                         '<a href="/koordynator/zgloszenie/{n}">{question}</a></td>'
                         '<td data-label="Kanał">{channel}</td><td data-label="Od">{who}</td>'
                         '<td data-label="Czeka">{age}</td><td data-label="Bierze">{claimed}'
                         "</td></tr>", n=t.id, question=short(t.question) or "—",
                         channel=channel_name(t), who=who(t),
                         age=waiting(now - t.created_at), claimed=t.claimed_by or "nikt")
                    for t in tickets]
            body = html('<p>Otwarte: {count}, najstarsze pierwsze.</p>'
                        '<table class="stack"><thead><tr><th scope="col">Nr</th>'
                        '<th scope="col">Pytanie</th><th scope="col">Kanał</th>'
                        '<th scope="col">Od</th><th scope="col">Czeka</th>'
                        '<th scope="col">Bierze</th></tr></thead><tbody>{rows}</tbody></table>',
                        count=count(len(tickets), TICKETS), rows=join(rows))
        body = join([REFRESH, body, Html('<p><a href="/koordynator/zgloszenia/zalatwione">Ostatnio '
                                "załatwione zgłoszenia</a></p>")])
        return page(request, "Zgłoszenia", body)

    async def settled(request: web.Request) -> web.StreamResponse:
        tickets = ctx.desk.settled_tickets(SETTLED_SHOWN)
        if not tickets:
            body = Html("<p>Żadne zgłoszenie nie ma jeszcze odpowiedzi ani nie jest zamknięte."
                        "</p>")
        else:
            body = html('<ul class="cards">{items}</ul>', items=join(map(_settled, tickets)))
        body = join([Html('<p><a href="/koordynator">Wróć do otwartych zgłoszeń</a></p>'),
                     body])
        return page(request, "Ostatnio załatwione", body)

    async def with_slash(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/koordynator")  # a typed or bookmarked address with a slash

    return [web.get("/koordynator", inbox), web.get("/koordynator/", with_slash),
            web.get("/koordynator/zgloszenia/zalatwione", settled)]


def _settled(ticket: Ticket) -> Html:
    if ticket.status == "answered" and ticket.answered_at is not None:
        what = html("odpowiedź {when}{by}", when=when(ticket.answered_at),
                    by=f" ({ticket.answered_by})" if ticket.answered_by else "")
    elif ticket.closed_at is not None:
        what = html("zamknięte {when}", when=when(ticket.closed_at))
    else:
        what = esc_status(ticket)
    return html('<li><h2><a href="/koordynator/zgloszenie/{n}">Zgłoszenie #{n}</a> '
                '<span class="badge">{status}</span></h2>'
                '<p class="meta">{channel} · {who} · {what}</p>'
                '<p class="text">{question}</p></li>', n=ticket.id, status=STATUS[ticket.status],
                channel=channel_name(ticket), who=who(ticket), what=what,
                question=short(ticket.question, 200) or "—")


def esc_status(ticket: Ticket) -> Html:
    return html("{status}", status=STATUS[ticket.status])
