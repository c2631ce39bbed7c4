"""One ticket (/koordynator/zgloszenie/{n}): its whole history, and forms to answer, take
("Biorę") and close it. The use cases are bot/ticket_actions.py's, shared with Telegram."""

from __future__ import annotations

from aiohttp import web

from bot import texts
from bot.desk import history
from bot.desk.context import DeskContext
from bot.desk.page import LOGIN_KEY, Html, csrf_field, html, join, page, see_other
from bot.desk.ticket_text import STATUS, channel_name, short, when, who
from bot.ticket_actions import TicketActions, seen_state
from bot.tickets import Ticket, TicketDesk

MAX_ANSWER = 4000
MAX_REASON = 500
GONE = "Nie wyślę odpowiedzi na zgłoszenie #{number}: ta osoba usunęła swoje dane."


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    actions = TicketActions(ctx.desk, ctx.coordinator_chat, ctx.kick)

    async def show(request: web.Request) -> web.StreamResponse:
        ticket = _ticket(ctx.desk, request)
        return page(request, f"Zgłoszenie #{ticket.id}", _body(ctx.desk, request, ticket))

    async def answer(request: web.Request) -> web.StreamResponse:
        ticket = _ticket(ctx.desk, request)
        form = await request.post()
        text = _text(form.get("tresc")).strip()
        seen = _text(form.get("widziane")) or None
        again = form.get("ponownie") == "1"
        if not text or len(text) > MAX_ANSWER:
            problem = ("Napisz treść odpowiedzi." if not text else
                       f"Odpowiedź jest za długa: najwyżej {MAX_ANSWER} znaków.")
            return page(request, f"Zgłoszenie #{ticket.id}", _body(
                ctx.desk, request, ticket, draft=text, problem=problem), status=400)
        login = request[LOGIN_KEY]
        outcome = actions.answer(ticket.id, text, by=login, again=again, seen=seen)
        if outcome.kind == "anonymised":
            return page(request, f"Zgłoszenie #{ticket.id}", _body(
                ctx.desk, request, ticket, problem=GONE.format(number=ticket.id)), status=409)
        if outcome.kind == "confirm":
            assert outcome.ticket is not None
            return page(request, f"Zgłoszenie #{ticket.id}", _body(
                ctx.desk, request, outcome.ticket, draft=text, confirm=True), status=409)
        history.record(ctx.connection, ctx.clock(), login,
                       f"Odpowiedź na zgłoszenie #{ticket.id}", short(text, 300))
        return see_other(_path(ticket.id), f"Zapisałem odpowiedź na zgłoszenie #{ticket.id}; "
                         f"dostarczę ją mieszkańcowi ({channel_name(ticket)}).")

    async def claim(request: web.Request) -> web.StreamResponse:
        ticket = _ticket(ctx.desk, request)
        login = request[LOGIN_KEY]
        if actions.claim(ticket.id, login) is None:
            return see_other(_path(ticket.id), texts.TICKET_NOT_OPEN.format(number=ticket.id))
        history.record(ctx.connection, ctx.clock(), login, f"Biorę zgłoszenie #{ticket.id}", "")
        return see_other(_path(ticket.id), texts.TICKET_TAKEN.format(number=ticket.id))

    async def close(request: web.Request) -> web.StreamResponse:
        ticket = _ticket(ctx.desk, request)
        form = await request.post()
        reason = " ".join(_text(form.get("powod")).split())[:MAX_REASON]
        login = request[LOGIN_KEY]
        closed = actions.close(ticket.id, reason)
        if closed is None:
            return see_other(_path(ticket.id), texts.TICKET_NOT_OPEN.format(number=ticket.id))
        history.record(ctx.connection, ctx.clock(), login,
                       f"Zamknięcie zgłoszenia #{ticket.id}", reason)
        told = (" Mieszkaniec dostanie o tym wiadomość" + (" z powodem." if reason else ".")
                if closed.user_id else "")
        return see_other(_path(ticket.id),
                         f"Zamknąłem zgłoszenie #{ticket.id} bez odpowiedzi.{told}")

    return [web.get("/koordynator/zgloszenie/{n}", show),
            web.post("/koordynator/zgloszenie/{n}/odpowiedz", answer),
            web.post("/koordynator/zgloszenie/{n}/biore", claim),
            web.post("/koordynator/zgloszenie/{n}/zamknij", close)]


def _path(number: int) -> str:
    return f"/koordynator/zgloszenie/{number}"


def _ticket(desk: TicketDesk, request: web.Request) -> Ticket:
    value = request.match_info["n"].lstrip("#")
    ticket = desk.ticket(int(value)) if value.isascii() and value.isdigit() and len(
        value) < 12 else None
    if ticket is None:
        raise web.HTTPNotFound(text="Nie ma takiego zgłoszenia.")
    return ticket


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _body(desk: TicketDesk, request: web.Request, ticket: Ticket, *, draft: str = "",
          problem: str | None = None, confirm: bool = False) -> Html:
    parts = [Html('<p><a href="/koordynator">← Wszystkie zgłoszenia</a></p>')]
    if problem:
        parts.append(html('<p class="problem" role="alert">{problem}</p>', problem=problem))
    claimed = html(" · bierze: {name}", name=ticket.claimed_by) if (
        ticket.claimed_by and ticket.status == "open") else Html("")
    parts.append(html('<p class="meta"><span class="badge">{status}</span> · {channel} · '
                      "od: {who} · {created}{claimed}</p>", status=STATUS[ticket.status],
                      channel=channel_name(ticket), who=who(ticket),
                      created=when(ticket.created_at), claimed=claimed))
    parts.append(_timeline(desk, ticket))
    if not ticket.user_id:
        parts.append(html('<p class="problem">{text}</p>', text=GONE.format(number=ticket.id)))
        return join(parts)
    if confirm:
        parts.append(_confirm_form(desk, request, ticket, draft))
        return join(parts)
    parts.append(_answer_form(desk, request, ticket, draft))
    if ticket.status == "open":
        parts.append(_open_actions(request, ticket))
    return join(parts)


def _timeline(desk: TicketDesk, ticket: Ticket) -> Html:
    items = [(ticket.created_at, 0, html(
        '<li><p class="meta">{when} · pytanie</p><p class="text">{text}</p></li>',
        when=when(ticket.created_at), text=ticket.question or "—"))]
    for n, item in enumerate(desk.history_of(ticket.id), start=1):
        if item.kind == "followup":
            items.append((item.moment, n, html(
                '<li class="followup"><p class="meta">{when} · mieszkaniec dopisał</p>'
                '<p class="text">{text}</p></li>', when=when(item.moment), text=item.text)))
        else:
            by = f" ({item.by})" if item.by else ""
            items.append((item.moment, n, html(
                '<li class="answer"><p class="meta">{when} · odpowiedź{by}</p>'
                '<p class="text">{text}</p></li>', when=when(item.moment), by=by,
                text=item.text)))
    for moment, what in desk.attachments_of(ticket.id):
        name = texts.ATTACHMENT_NAMES.get(what, "załącznik")
        items.append((moment, 10**6, html(
            '<li class="followup"><p class="meta">{when} · mieszkaniec dołączył {name}</p>'
            '<p class="text muted">Załącznik widać w czacie koordynatora w Telegramie.</p></li>',
            when=when(moment), name=name)))
    if ticket.status == "closed" and ticket.closed_at is not None:
        reason = html(": {reason}", reason=ticket.close_reason) if ticket.close_reason else ""
        items.append((ticket.closed_at, 10**7, html(
            '<li><p class="meta">{when} · zamknięte bez odpowiedzi{reason}</p></li>',
            when=when(ticket.closed_at), reason=reason)))
    items.sort(key=lambda item: (item[0], item[1]))
    return html('<h2>Historia</h2><ol class="timeline">{items}</ol>',
                items=join(item for _, _, item in items))


def _answer_form(desk: TicketDesk, request: web.Request, ticket: Ticket, draft: str) -> Html:
    again = Html("")
    legend = "Odpowiedz mieszkańcowi"
    if ticket.status != "open":
        legend = "Druga odpowiedź"
        again = html('<p class="check"><input type="checkbox" id="ponownie" name="ponownie" '
                     'value="1" required> <label for="ponownie">{label}</label></p>',
                     label=("Wiem, że zgłoszenie ma już odpowiedź – wyślij drugą"
                            if ticket.status == "answered"
                            else "Wiem, że zgłoszenie jest zamknięte – mimo to wyślij"))
    return html(
        '<form method="post" action="/koordynator/zgloszenie/{n}/odpowiedz">{csrf}'
        '<input type="hidden" name="widziane" value="{seen}">'
        "<fieldset><legend>{legend}</legend>"
        '<label for="tresc">Treść odpowiedzi (dostanie ją: {channel})</label>'
        '<textarea id="tresc" name="tresc" required maxlength="{max}" rows="6">{draft}'
        "</textarea>{again}"
        '<button type="submit">Wyślij odpowiedź</button></fieldset></form>',
        n=ticket.id, csrf=csrf_field(request), seen=seen_state(desk, ticket), legend=legend,
        channel=channel_name(ticket), max=MAX_ANSWER, draft=draft, again=again)


def _confirm_form(desk: TicketDesk, request: web.Request, ticket: Ticket, draft: str) -> Html:
    """The ticket changed while the coordinator wrote (answered or closed, e.g. in
    Telegram): what happened is above; the answer goes only with an explicit yes."""
    question = texts.ANSWER_AGAIN.get(ticket.status, "Zgłoszenie nr {number} zmieniło się "
                                      "w międzyczasie – wysłać odpowiedź?").format(
                                          number=ticket.id)
    return html(
        '<form method="post" action="/koordynator/zgloszenie/{n}/odpowiedz">{csrf}'
        '<input type="hidden" name="widziane" value="{seen}">'
        '<input type="hidden" name="ponownie" value="1">'
        '<fieldset><legend>{question}</legend>'
        '<p class="problem" role="alert">Nie wysłałem Twojej odpowiedzi: w międzyczasie '
        "zgłoszenie się zmieniło (historia powyżej).</p>"
        '<label for="tresc">Twoja odpowiedź</label>'
        '<textarea id="tresc" name="tresc" required maxlength="{max}" rows="6">{draft}'
        "</textarea>"
        '<button type="submit">Tak, wyślij mimo to</button> '
        '<a class="button secondary" href="/koordynator/zgloszenie/{n}">Nie wysyłaj</a>'
        "</fieldset></form>",
        n=ticket.id, csrf=csrf_field(request), seen=seen_state(desk, ticket),
        question=question, max=MAX_ANSWER, draft=draft)


def _open_actions(request: web.Request, ticket: Ticket) -> Html:
    take = Html("") if ticket.claimed_by else html(
        '<form method="post" action="/koordynator/zgloszenie/{n}/biore">{csrf}'
        '<button type="submit" class="secondary">{label}</button></form>',
        n=ticket.id, csrf=csrf_field(request), label=texts.TICKET_TAKE)
    close = html(
        '<form method="post" action="/koordynator/zgloszenie/{n}/zamknij">{csrf}'
        "<fieldset><legend>Zamknij bez odpowiedzi</legend>"
        '<label for="powod">Powód dla mieszkańca (nieobowiązkowy)</label>'
        '<input type="text" id="powod" name="powod" maxlength="{max}">'
        '<button type="submit" class="danger">Zamknij zgłoszenie</button></fieldset></form>',
        n=ticket.id, csrf=csrf_field(request), max=MAX_REASON)
    return join([take, close])
