"""The inbox: open tickets from every channel, oldest first (/koordynator)."""

from __future__ import annotations

from aiohttp import web

from bot.desk.context import DeskContext
from bot.desk.page import Html, html, join, page


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    async def inbox(request: web.Request) -> web.StreamResponse:
        tickets = ctx.desk.open_tickets()
        if not tickets:
            return page(request, "Zgłoszenia", Html("<p>Nie ma otwartych zgłoszeń.</p>"))
        items = [html('<li><a href="/koordynator/zgloszenie/{n}">#{n}</a> {q}</li>',
                      n=t.id, q=t.question) for t in tickets]
        return page(request, "Zgłoszenia", html('<ul class="cards">{items}</ul>',
                                                items=join(items)))

    return [web.get("/koordynator", inbox)]
