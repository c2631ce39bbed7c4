"""Announcements in the desk (/koordynator/ogloszenia): write, preview exactly as residents
will read it, choose the audience, send (confirmed, once), then a report of the copies that
refreshes itself until every copy is done. The same use case as Telegram's /ogloszenie
(bot.announcements): one outbox row per subscriber, sent by the Telegram outbox."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

from aiohttp import web

from bot import announcements
from bot.announcements import EVERYONE, MEMBERS, Announcements, Audiences, Totals
from bot.botstate import BotState
from bot.desk import history
from bot.desk.context import DeskContext
from bot.desk.page import LOGIN_KEY, Html, csrf_field, html, join, page, quoted, see_other
from bot.meetings import WARSAW
from bot.plural import PEOPLE, count
from bot.subscriptions import SubscriptionBook

BASE = "/koordynator/ogloszenia"
KEY = re.compile(r"[0-9a-f]{16}")
BATCH = re.compile(r"[A-Za-z0-9:_-]{1,80}")
REFRESH_SECONDS = 5
AUDIENCE_LABELS = {EVERYONE: "Wszystkim z włączonymi przypomnieniami",
                   MEMBERS: "Tylko członkom klastra"}


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    book = Announcements(ctx.connection, ctx.clock)

    def who() -> Audiences:
        return announcements.audiences(ctx.settings,
                                       SubscriptionBook(ctx.connection, ctx.clock))

    async def write(request: web.Request) -> web.StreamResponse:
        return _write_page(request, ctx, who(), book, {}, None)

    async def preview(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        values = {"tresc": str(form.get("tresc", "")), "odbiorcy": str(form.get("odbiorcy", ""))}
        found = who()
        error = _problem(values, found)
        if error is not None:
            return _write_page(request, ctx, found, book, values, error, status=400)
        return _preview_page(request, ctx, found, values)

    async def send(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        values = {"tresc": str(form.get("tresc", "")), "odbiorcy": str(form.get("odbiorcy", ""))}
        key = str(form.get("klucz", ""))
        found = who()
        error = _problem(values, found)
        if error is not None or not KEY.fullmatch(key):
            return _write_page(request, ctx, found, book, values,
                               error or "Ten formularz jest nieaktualny. Pokaż podgląd "
                               "jeszcze raz.", status=400)
        batch = f"desk:{key}"
        report = f"{BASE}/raport/{quoted(batch)}"
        # A second click (or a resent form) finds the key used: the same report, no copies.
        if not BotState(ctx.connection, ctx.clock).set_once(f"desk_announcement:{key}", "1"):
            return see_other(report)
        recipients = found.of(values["odbiorcy"])
        text = announcements.text_of(values["tresc"], ctx.settings)
        owed = book.owe(recipients, text, batch=batch, report_to=None)
        ctx.kick()
        history.record(ctx.connection, ctx.clock(), request[LOGIN_KEY], "Ogłoszenie",
                       f"{AUDIENCE_LABELS[values['odbiorcy']]} ({count(owed, PEOPLE)}): "
                       f"{_shorten(values['tresc'])}")
        return see_other(report, f"Wysyłam ogłoszenie do {_to(owed)}.")

    async def report(request: web.Request) -> web.StreamResponse:
        batch = request.match_info["batch"]
        text = book.text_of_batch(batch) if BATCH.fullmatch(batch) else None
        if text is None:
            raise web.HTTPNotFound(text="Nie ma takiego ogłoszenia.")
        totals = book.totals(batch)
        response = page(request, "Raport ogłoszenia",
                        _report_body(ctx, text, totals, batch))
        if not totals.done:
            response.headers["Refresh"] = str(REFRESH_SECONDS)
        return response

    return [web.get(BASE, write), web.post(BASE + "/podglad", preview),
            web.post(BASE + "/wyslij", send), web.get(BASE + "/raport/{batch}", report)]


def _problem(values: Mapping[str, str], found: Audiences) -> str | None:
    problem = announcements.check_body(values["tresc"])
    if problem is not None:
        return problem
    if values["odbiorcy"] not in AUDIENCE_LABELS:
        return "Wybierz, do kogo wysłać ogłoszenie."
    if not found.of(values["odbiorcy"]):
        return ("Nikt z tej grupy nie ma włączonych przypomnień, więc nie mam do kogo wysłać "
                "ogłoszenia.")
    return None


def _to(people: int) -> str:
    """After "do": "do 1 osoby", "do 2 osób"."""
    return f"{people} {'osoby' if people == 1 else 'osób'}"


def _shorten(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _bubble(text: str) -> Html:
    """The message as a resident's chat shows it: plain text, line breaks kept."""
    return html('<div class="bubble" aria-label="Podgląd wiadomości"><p class="text">{text}'
                "</p></div>", text=text)


def _write_page(request: web.Request, ctx: DeskContext, found: Audiences, book: Announcements,
                values: Mapping[str, str], error: str | None, *,
                status: int = 200) -> web.Response:
    chosen = values.get("odbiorcy", EVERYONE)
    radios = join(html(
        '<div class="check"><input type="radio" id="odbiorcy-{v}" name="odbiorcy" value="{v}"'
        '{checked}> <label for="odbiorcy-{v}">{label} ({people})</label></div>', v=value,
        label=label, people=count(len(found.of(value)), PEOPLE),
        checked=Html(" checked") if chosen == value else Html(""))
        for value, label in AUDIENCE_LABELS.items())
    attributes = (Html(' aria-invalid="true" aria-describedby="ogloszenie-blad"') if error
                  else Html(""))
    form = html(
        '<form method="post" action="{base}/podglad" novalidate>{csrf}'
        '<label for="ogloszenie">Treść ogłoszenia</label>{error}'
        '<textarea id="ogloszenie" name="tresc" rows="8" maxlength="{max}"{a}>{text}</textarea>'
        "<fieldset><legend>Do kogo</legend>{radios}</fieldset>"
        '<button type="submit">Pokaż podgląd</button></form>',
        base=BASE, csrf=csrf_field(request),
        error=html('<p class="field-error" id="ogloszenie-blad" role="alert">{e}</p>', e=error)
        if error else Html(""), max=announcements.MAX_LENGTH, a=attributes,
        text=values.get("tresc", ""), radios=radios)
    intro = Html("<p>Ogłoszenie dostaną w Telegramie osoby, które włączyły przypomnienia "
                 "(/przypomnienia). Zanim cokolwiek wyślę, pokażę podgląd.</p>")
    return page(request, "Ogłoszenia", join([intro, form, _sent_list(book)]), status=status)


def _sent_list(book: Announcements) -> Html:
    sent = book.recent()
    if not sent:
        return Html("")
    items = [html('<li><p class="meta">{at} · {totals}</p><p class="text">{text}</p>'
                  '<p><a href="{base}/raport/{batch}">Raport</a></p></li>',
                  at=f"{item.created_at.astimezone(WARSAW):%d.%m.%Y %H:%M}",
                  totals=_totals_line(item.totals), text=_shorten(item.text, 200), base=BASE,
                  batch=quoted(item.batch)) for item in sent]
    return html('<h2>Wysłane ogłoszenia</h2><ul class="cards">{items}</ul>', items=join(items))


def _totals_line(totals: Totals) -> str:
    line = f"dostarczone: {totals.delivered} z {totals.total}"
    if totals.owed:
        line += f", w drodze: {totals.owed}"
    return line


def _preview_page(request: web.Request, ctx: DeskContext, found: Audiences,
                  values: Mapping[str, str]) -> web.Response:
    audience = values["odbiorcy"]
    people = len(found.of(audience))
    text = announcements.text_of(values["tresc"], ctx.settings)
    body = html(
        "<p>Tak zobaczą ogłoszenie mieszkańcy w Telegramie:</p>{bubble}"
        "<p>Odbiorcy: <strong>{label}</strong> – {people}.</p>"
        '<form method="post" action="{base}/wyslij">{csrf}'
        '<input type="hidden" name="tresc" value="{body}">'
        '<input type="hidden" name="odbiorcy" value="{audience}">'
        '<input type="hidden" name="klucz" value="{key}">'
        '<button type="submit">Wyślij do {to}</button></form>'
        "<h2>Chcesz coś zmienić?</h2>"
        '<form method="post" action="{base}/podglad" novalidate>{csrf}'
        '<label for="ogloszenie">Treść ogłoszenia</label>'
        '<textarea id="ogloszenie" name="tresc" rows="8" maxlength="{max}">{body}</textarea>'
        '<input type="hidden" name="odbiorcy" value="{audience}">'
        '<button type="submit" class="secondary">Pokaż podgląd jeszcze raz</button> '
        '<a class="button secondary" href="{base}">Anuluj</a></form>',
        bubble=_bubble(text), label=AUDIENCE_LABELS[audience], people=count(people, PEOPLE),
        base=BASE, csrf=csrf_field(request), body=values["tresc"], audience=audience,
        key=secrets.token_hex(8), to=_to(people), max=announcements.MAX_LENGTH)
    return page(request, "Podgląd ogłoszenia", body)


def _report_body(ctx: DeskContext, text: str, totals: Totals, batch: str) -> Html:
    rows = [("Dostarczone", totals.delivered), ("Jeszcze w drodze", totals.owed),
            ("Zablokowali bota (wypisałem ich)", totals.blocked),
            ("Nie udało się wysłać", totals.failed)]
    table = html('<table class="totals"><tbody>{rows}</tbody></table>',
                 rows=join(html('<tr><th scope="row">{label}</th><td>{n}</td></tr>',
                                label=label, n=number) for label, number in rows))
    if totals.done:
        state = Html('<p class="note">Wysyłanie zakończone.</p>')
    else:
        state = html('<p role="status">Wysyłam… Strona odświeża się co {s} sekund. '
                     '<a href="{base}/raport/{batch}">Odśwież teraz</a></p>',
                     s=REFRESH_SECONDS, base=BASE, batch=quoted(batch))
        if ctx.telegram is None:
            state = join([state, Html(
                '<p class="muted">Kopie wysyła bot w Telegramie. Jeśli teraz nie działa, '
                "poczekają i wyjdą, gdy tylko się uruchomi.</p>")])
    return html('<p>Ogłoszenie do {people}:</p>{bubble}{state}{table}'
                '<p><a href="{base}">Wróć do ogłoszeń</a></p>',
                people=_to(totals.total), bubble=_bubble(text), state=state,
                table=table, base=BASE)
