"""Meetings in the desk (/koordynator/spotkania): the upcoming and recent ones; add, move,
cancel (confirmed). The same use cases as Telegram's /dodaj_spotkanie and its buttons
(bot.meeting_actions): meetings.yaml is written through bot.meetings_edit, its previous
version kept for "Cofnij", the bot reloaded, subscribers who know of a changed meeting are
owed a notice, and the history records who did it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aiohttp import web

from bot import texts
from bot.desk import history, versions
from bot.desk.context import DeskContext
from bot.desk.page import LOGIN_KEY, Html, csrf_field, html, join, page, see_other
from bot.knowledge import Meeting
from bot.meeting_actions import (
    MeetingActions,
    failure_text,
    notified_text,
    read_form,
    read_when,
)
from bot.meetings import find, when_text
from bot.meetings_edit import MEETINGS_FILE, WhenError
from bot.plural import plural

BASE = "/koordynator/spotkania"
RECENT = 10
WHEN_HINT = ("Np. 15.12.2026 10:00, z godziną zakończenia 15.12.2026 10:00-12:00; "
             "bez godziny: cały dzień.")
LABELS = {"title": "Tytuł", "when": "Termin", "place": "Miejsce", "audience": "Dla kogo",
          "registration": "Jak się zapisać"}


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    def actions() -> MeetingActions:
        return MeetingActions(ctx.settings, ctx.connection, ctx.clock, ctx.knowledge_root)

    def meeting_of(request: web.Request) -> Meeting:
        """Only a meeting the bot has now: the id never names a file."""
        meeting = find(ctx.knowledge().meetings, request.match_info["id"])
        if meeting is None:
            raise web.HTTPNotFound(text="Nie ma takiego spotkania.")
        return meeting

    async def listing(request: web.Request) -> web.StreamResponse:
        return _listing(request, ctx, {}, {})

    async def add(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        values = {name: str(form.get(name, "")) for name in LABELS}
        check = read_form(values, ctx.clock())
        if check.form is None:
            return _listing(request, ctx, values, check.errors, status=400)
        login = request[LOGIN_KEY]
        version = versions.remember(ctx.connection, ctx.knowledge_root,
                                   ctx.knowledge_root / MEETINGS_FILE, ctx.clock(), login)
        change = actions().add(check.form)
        if not change.ok or change.after is None:
            return _listing(request, ctx, values, {"form": texts.MEETING_NOT_SAVED.format(
                reason=failure_text(change, ctx.knowledge_root))}, status=409)
        outcome = await ctx.reload(frozenset())
        meeting = change.after
        history.record(ctx.connection, ctx.clock(), login, "Dodanie spotkania",
                       f"{meeting.title} ({when_text(meeting)})", version)
        seen_by = texts.MEETING_SEEN_BY.get(meeting.audience, "Wszyscy")
        return see_other(BASE, f"Dodałem spotkanie „{meeting.title}” ({when_text(meeting)}). "
                         f"Zobaczą je: {seen_by.lower()}. {outcome}")

    async def move_form(request: web.Request) -> web.StreamResponse:
        return _move_page(request, ctx, meeting_of(request), "", None)

    async def move(request: web.Request) -> web.StreamResponse:
        meeting = meeting_of(request)
        form = await request.post()
        typed = str(form.get("when", ""))
        try:
            when = read_when(typed, ctx.clock())
        except WhenError as exc:
            return _move_page(request, ctx, meeting, typed, str(exc), status=400)
        login = request[LOGIN_KEY]
        version = versions.remember(ctx.connection, ctx.knowledge_root,
                                   ctx.knowledge_root / MEETINGS_FILE, ctx.clock(), login)
        done = actions().move(meeting, when)
        after = done.change.after
        if not done.ok or after is None:
            return _move_page(request, ctx, meeting, typed, texts.MEETING_NOT_SAVED.format(
                reason=failure_text(done.change, ctx.knowledge_root)), status=409)
        outcome = await ctx.reload(frozenset())
        ctx.kick()
        history.record(ctx.connection, ctx.clock(), login, "Przeniesienie spotkania",
                       f"{meeting.title}: {when_text(meeting)} → {when_text(after)}", version)
        return see_other(BASE, texts.MEETING_MOVED.format(
            title=meeting.title, when=when_text(after), notified=notified_text(done))
            + f" {outcome}")

    async def cancel_form(request: web.Request) -> web.StreamResponse:
        meeting = meeting_of(request)
        told = len(actions().who_knows(meeting))
        body = html(
            '<p>Odwołać spotkanie <strong>{title}</strong> ({when})?</p><p>{who}</p>'
            '<form method="post">{csrf}<button type="submit" class="danger">Tak, odwołaj'
            '</button> <a class="button secondary" href="{base}">Nie, wróć</a></form>',
            title=meeting.title, when=when_text(meeting), who=_who_hears(told, "odwołaniu"),
            csrf=csrf_field(request), base=BASE)
        return page(request, "Odwołanie spotkania", body)

    async def cancel(request: web.Request) -> web.StreamResponse:
        meeting = meeting_of(request)
        login = request[LOGIN_KEY]
        version = versions.remember(ctx.connection, ctx.knowledge_root,
                                   ctx.knowledge_root / MEETINGS_FILE, ctx.clock(), login)
        done = actions().cancel(meeting)
        if not done.ok:
            return see_other(BASE, texts.MEETING_NOT_SAVED.format(
                reason=failure_text(done.change, ctx.knowledge_root)))
        outcome = await ctx.reload(frozenset({f"meeting:{meeting.id}"}))
        ctx.kick()
        history.record(ctx.connection, ctx.clock(), login, "Odwołanie spotkania",
                       f"{meeting.title} ({when_text(meeting)})", version)
        return see_other(BASE, texts.MEETING_CANCELLED.format(
            title=meeting.title, notified=notified_text(done)) + f" {outcome}")

    return [web.get(BASE, listing), web.post(BASE, add),
            web.get(BASE + "/{id}/przenies", move_form), web.post(BASE + "/{id}/przenies", move),
            web.get(BASE + "/{id}/odwolaj", cancel_form), web.post(BASE + "/{id}/odwolaj", cancel)]


# ------------------------------------------------------------------------------ the pages


def _listing(request: web.Request, ctx: DeskContext, values: Mapping[str, str],
             errors: Mapping[str, str], *, status: int = 200) -> web.Response:
    now = ctx.clock()
    meetings = ctx.knowledge().meetings
    coming = sorted((m for m in meetings if m.end > now), key=lambda m: m.start)
    past = sorted((m for m in meetings if m.end <= now), key=lambda m: m.start,
                  reverse=True)[:RECENT]
    if coming:
        upcoming = html('<ul class="cards meetings">{items}</ul>',
                        items=join(_card(m, manage=True) for m in coming))
    else:
        upcoming = Html('<p>Nie ma zaplanowanych spotkań. Dodaj pierwsze poniżej.</p>')
    body = [html('<p><a href="#dodaj">Dodaj spotkanie</a></p><h2>Nadchodzące</h2>{list}',
                 list=upcoming),
            _add_form(request, values, errors)]
    if past:
        body.append(html('<h2>Ostatnie, które już się odbyły</h2>'
                         '<ul class="cards meetings past">{items}</ul>',
                         items=join(_card(m, manage=False) for m in past)))
    return page(request, "Spotkania", join(body), status=status)


def _card(meeting: Meeting, *, manage: bool) -> Html:
    where = ", ".join(p for p in (meeting.place, meeting.address) if p)
    parts = [html('<h3>{title}</h3><p class="meta">{when}</p>', title=meeting.title,
                  when=when_text(meeting))]
    if where:
        parts.append(html("<p>{where}</p>", where=where))
    parts.append(html('<p><span class="badge">{audience}</span></p>',
                      audience=texts.MEETING_AUDIENCE.get(meeting.audience, meeting.audience)))
    if meeting.registration:
        parts.append(html('<p class="text">Udział: {r}</p>', r=meeting.registration))
    if manage:
        parts.append(html(
            '<p class="actions"><a class="button secondary" href="{base}/{id}/przenies" '
            'aria-label="Przenieś: {title}">Przenieś</a> <a class="button secondary" '
            'href="{base}/{id}/odwolaj" aria-label="Odwołaj: {title}">Odwołaj</a></p>',
            base=BASE, id=meeting.id, title=meeting.title))
    return html("<li>{parts}</li>", parts=join(parts))


def _field(name: str, build: Callable[[Html], Html], errors: Mapping[str, str],
           hint: str = "", label: str | None = None) -> Html:
    """A labelled control; `build(attributes)` makes the control with the accessibility
    attributes (its hint and its error) given."""
    error = errors.get(name)
    described = " ".join(x for x in (f"{name}-podpowiedz" if hint else "",
                                     f"{name}-blad" if error else "") if x)
    attributes = join([html(' aria-describedby="{d}"', d=described) if described else "",
                       Html(' aria-invalid="true"') if error else ""])
    return html('<div class="field">{label}{hint}{error}{control}</div>',
                label=html('<label for="{name}">{text}</label>', name=name,
                           text=label or LABELS[name]),
                hint=html('<p class="hint" id="{name}-podpowiedz">{hint}</p>', name=name,
                          hint=hint) if hint else Html(""),
                error=html('<p class="field-error" id="{name}-blad">{error}</p>', name=name,
                           error=error) if error else Html(""),
                control=build(attributes))


def _add_form(request: web.Request, values: Mapping[str, str],
              errors: Mapping[str, str]) -> Html:
    def text_input(name: str, required: bool = True) -> Callable[[Html], Html]:
        return lambda attributes: html(
            '<input type="text" id="{name}" name="{name}" value="{value}"{required}{a}>',
            name=name, value=values.get(name, ""), a=attributes,
            required=Html(" required") if required else Html(""))

    audience = values.get("audience", "public")
    radios = join(html('<div class="check"><input type="radio" id="audience-{v}" '
                       'name="audience" value="{v}"{checked}> <label for="audience-{v}">'
                       '{label}</label></div>', v=value, label=label,
                       checked=Html(" checked") if audience == value else Html(""))
                  for value, label in texts.MEETING_AUDIENCE.items())
    summary = (html('<div class="problem" role="alert"><p>{text}</p></div>',
                    text=errors.get("form") or "Popraw zaznaczone pola.")
               if errors else Html(""))
    return html(
        '<h2 id="dodaj">Dodaj spotkanie</h2>{summary}'
        '<form method="post" action="{base}#dodaj" class="meeting-form" novalidate>{csrf}'
        "{title}{when}{place}"
        "<fieldset><legend>Dla kogo</legend>{audience_error}{radios}</fieldset>"
        "{registration}"
        '<button type="submit">Dodaj spotkanie</button></form>',
        summary=summary, base=BASE, csrf=csrf_field(request),
        title=_field("title", text_input("title"), errors),
        when=_field("when", text_input("when"), errors, WHEN_HINT),
        place=_field("place", text_input("place"), errors),
        audience_error=html('<p class="field-error">{e}</p>', e=errors["audience"])
        if "audience" in errors else Html(""),
        radios=radios,
        registration=_field("registration", text_input("registration"),
                            errors, "Np. „zapisy u koordynatora, tel. …” albo „bez zapisów”."))


def _move_page(request: web.Request, ctx: DeskContext, meeting: Meeting, typed: str,
               error: str | None, *, status: int = 200) -> web.Response:
    told = len(MeetingActions(ctx.settings, ctx.connection, ctx.clock,
                              ctx.knowledge_root).who_knows(meeting))
    field = _field("when", lambda attributes: html(
        '<input type="text" id="when" name="when" value="{v}" required{a}>', v=typed,
        a=attributes), {"when": error} if error else {},
                   "Sama godzina rozpoczęcia zachowa długość spotkania. " + WHEN_HINT,
                   "Nowy termin")
    body = html(
        '<p><strong>{title}</strong><br>Teraz: {when}</p><p>{who}</p>'
        '<form method="post" novalidate>{csrf}{field}'
        '<button type="submit">Przenieś</button> '
        '<a class="button secondary" href="{base}">Anuluj</a></form>',
        title=meeting.title, when=when_text(meeting), who=_who_hears(told, "zmianie terminu"),
        csrf=csrf_field(request), field=field, base=BASE)
    return page(request, "Przeniesienie spotkania", body, status=status)


def _who_hears(count: int, of: str) -> str:
    if not count:
        return ("Nikt jeszcze nie dostał przypomnienia o tym spotkaniu, więc nikogo nie "
                "powiadomię.")
    return (f"O {of} powiadomię {plural(count, 'osobę', 'osoby', 'osób')}, które dostały "
            "przypomnienie albo wkrótce by je dostały.")
