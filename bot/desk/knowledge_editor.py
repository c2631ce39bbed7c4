"""The knowledge editor (/koordynator/wiedza): entries by category, an edit form per entry,
adding and retiring entries, and "Sprawdź pytanie" against the unsaved form.

Entry ids and categories from URLs and forms are only looked up in the knowledge in service,
never used to build a path (bot/knowledge_edit.py finds an entry's file by reading the files).
Saving: the change is planned and checked off the event loop, the previous version of each
file is kept (bot/desk/versions.py), the files are written, the bot reloads, and the history
says who changed what.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import learning
from bot.desk import history, versions
from bot.desk.context import DeskContext
from bot.desk.page import LOGIN_KEY, Html, csrf_field, html, join, page, quoted, see_other
from bot.knowledge import Entry, KnowledgeBase
from bot.knowledge_edit import (
    GENERAL,
    EditableEntry,
    EntryForm,
    Plan,
    entries_by_category,
    plan_add,
    plan_edit,
    plan_retire,
    read_entry,
)
from bot.knowledge_preview import Preview, Previewer, edited_entry
from bot.loader import BUTTON_MAX_CHARS
from bot.matcher import matcher_for
from bot.meetings import WARSAW
from bot.plural import ENTRIES, count
from bot.polish import fold

log = logging.getLogger(__name__)
BASE = "/koordynator/wiedza"
SCRIPT = Html('<script src="/koordynator/zasoby/knowledge.js" defer></script>')
MAX_CHECK_CHARS = 1000
NOTHING = Html("")
# Form field name -> the editor's field, and how the form calls it.
NAMES = {"question": "pytanie", "button": "przycisk", "phrasings": "sformulowania",
         "answer": "odpowiedz", "source": "zrodlo", "checked": "sprawdzono",
         "category": "kategoria"}
LABELS = {"question": "pytanie", "button": "napis na przycisku", "phrasings": "sformułowania",
          "answer": "odpowiedź", "source": "źródło", "checked": "data sprawdzenia"}


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    editor = _Editor(ctx)
    return [web.get(BASE, editor.index),
            web.get(BASE + "/nowy", editor.new_form),
            web.post(BASE + "/nowy", editor.add),
            web.post(BASE + "/sprawdz", editor.check),
            web.get(BASE + "/wpis/{entry_id}", editor.edit_form),
            web.post(BASE + "/wpis/{entry_id}", editor.save),
            web.get(BASE + "/wpis/{entry_id}/wycofaj", editor.retire_form),
            web.post(BASE + "/wpis/{entry_id}/wycofaj", editor.retire)]


class _Editor:
    def __init__(self, ctx: DeskContext) -> None:
        self.ctx = ctx
        self.previewer = Previewer(ctx.settings.matcher.thresholds())
        self.writing = asyncio.Lock()  # one change of the files at a time
        self._learned_for: tuple[KnowledgeBase | None, dict[str, tuple[str, ...]]] = (None, {})

    @property
    def root(self) -> Path:
        return self.ctx.knowledge_root

    # ---------------------------------------------------------------- list

    async def index(self, request: web.Request) -> web.StreamResponse:
        knowledge = self.ctx.knowledge()
        query = request.query.get("szukaj", "").strip()[:200]
        wanted = fold(query).lower().split()
        sections, shown = [], 0
        for category, entries in entries_by_category(knowledge):
            found = [e for e in entries if all(w in _haystack(e) for w in wanted)]
            if wanted and not found:
                continue
            shown += len(found)
            sections.append(_category_section(category.id, category.name, category.in_menu,
                                              found))
        search = html(
            '<form class="search" role="search" method="get" action="{base}">'
            '<label for="szukaj">Szukaj we wpisach (pytanie, sformułowania, odpowiedź)</label>'
            '<input type="search" id="szukaj" name="szukaj" value="{query}">'
            '<button type="submit">Szukaj</button>{clear}</form>'
            '<p><a class="button secondary" href="{base}/nowy">Dodaj nowy wpis</a></p>',
            base=BASE, query=query,
            clear=html('<a href="{base}">Pokaż wszystkie</a>', base=BASE) if query else "")
        if not wanted:
            links = [html('<li><a href="#kat-{id}">{name}</a></li>', id=c.id, name=c.name)
                     for c in knowledge.categories]
            search += html('<nav aria-label="Kategorie"><ul class="toc">{links}</ul></nav>',
                           links=join(links))
        if wanted and not shown:
            body = search + html('<p>Nie znalazłem wpisów z „{q}”.</p>', q=query)
        else:
            summary = html('<p class="muted">{n}</p>', n=_entries(shown)) if wanted else Html("")
            body = search + summary + join(sections)
        return page(request, "Baza wiedzy", body)

    # ---------------------------------------------------------------- edit

    async def edit_form(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        if entry is None:
            return _not_found(request)
        form = entry.form
        phrasing = request.query.get("sformulowanie", "")[:learning.MAX_QUESTION]
        note = None
        if phrasing.strip() and " ".join(phrasing.split()) not in form.phrasings:
            form = form.with_phrasing(phrasing)
            note = (f"Dopisałem „{' '.join(phrasing.split())}” na końcu sformułowań – "
                    "jeszcze niezapisane. Sprawdź i kliknij „Zapisz”.")
        return self._edit_page(request, entry, form, version=_version(entry), note=note)

    async def save(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        if entry is None:
            return _not_found(request)
        data = await request.post()
        form = _form(data)
        if data.get("akcja") == "sprawdz":  # the check without JavaScript
            return self._edit_page(request, entry, form, version=str(data.get("wersja", "")),
                                   check=str(data.get("zapytanie", "")))
        async with self.writing:
            current = read_entry(self.root, self.ctx.knowledge(), entry.entry_id)
            if current is None:
                return _not_found(request)
            if str(data.get("wersja", "")) != _version(current) and current.form != form:
                return self._edit_page(request, current, form, version=_version(current),
                                       errors={GENERAL: [
                                           "Ktoś w międzyczasie zmienił ten wpis. Poniżej "
                                           "są Twoje zmiany – porównaj je z obecną wersją "
                                           "(otwórz wpis w nowej karcie) i zapisz ponownie."]},
                                       status=409)
            plan = await asyncio.to_thread(plan_edit, self.root, self.ctx.knowledge(),
                                           entry.entry_id, form, self.ctx.clock())
            if not plan.ok:
                return self._edit_page(request, current, form, version=_version(current),
                                       errors=plan.errors, status=422)
            if not plan.changed:
                return see_other(_entry_url(entry.entry_id),
                                 "Nic się nie zmieniło – niczego nie zapisałem.")
            fields = ", ".join(LABELS[name] for name in _changed(current.form, form))
            outcome = await self._write(request, plan, "Zmiana wpisu",
                                        f"{entry.entry_id} („{form.question}”): {fields}")
        warn = f" Uwaga: {' '.join(plan.warnings)}" if plan.warnings else ""
        return see_other(_entry_url(entry.entry_id),
                         f"Zapisałem zmiany ({fields}) w pliku {plan.files()[0]}. "
                         f"{outcome}{warn}")

    def _edit_page(self, request: web.Request, entry: EditableEntry, form: EntryForm, *,
                   version: str, errors: Mapping[str, list[str]] | None = None,
                   note: str | None = None, check: str = "", status: int = 200
                   ) -> web.Response:
        knowledge = self.ctx.knowledge()
        label = knowledge.entry(entry.entry_id).label if knowledge.entry(entry.entry_id) else ""
        result = None
        if check.strip():
            result = self._preview(knowledge, entry.entry_id, entry.category, form, check)
        parts = [_notice(note), _general(errors),
                 html('<p class="meta">Kategoria: {category} · plik {file} · id {id}</p>',
                      category=_category_name(knowledge, entry.category), file=entry.file,
                      id=entry.entry_id),
                 html('<form method="post" action="{action}" class="entry" novalidate>'
                      '{csrf}<input type="hidden" name="wersja" value="{version}">',
                      action=_entry_url(entry.entry_id), csrf=csrf_field(request),
                      version=version),
                 _fields(form, errors or {}, entry),
                 _check_box(check, result),
                 Html('<button type="submit" name="akcja" value="zapisz">Zapisz</button>'
                      "</form>")]
        if entry.kept_because:
            parts.append(html('<p class="muted">Tego wpisu nie można wycofać: {why}.</p>',
                              why=entry.kept_because))
        else:
            parts.append(html('<p><a class="button secondary" href="{href}/wycofaj">'
                              "Wycofaj wpis…</a></p>", href=_entry_url(entry.entry_id)))
        parts.append(html('<p><a href="{base}">Wróć do listy wpisów</a></p>', base=BASE))
        parts.append(SCRIPT)
        return page(request, f"Wpis: {label or entry.entry_id}", join(parts), status=status)

    # ---------------------------------------------------------------- add

    async def new_form(self, request: web.Request) -> web.StreamResponse:
        knowledge = self.ctx.knowledge()
        asked = " ".join(request.query.get("pytanie", "").split())[:learning.MAX_QUESTION]
        category = request.query.get("kategoria", "")
        form = EntryForm(checked=self.ctx.clock().astimezone(WARSAW).date().isoformat())
        if asked:
            match = matcher_for(knowledge, self.ctx.settings.matcher.thresholds()).match(asked)
            ids = [s.entry.id for s in match.suggestions]
            if match.entry is not None:
                ids.insert(0, match.entry.id)
            proposal = learning.propose(asked, "", ids, knowledge)
            form = EntryForm(proposal.question, proposal.button, (asked,), "", (),
                             form.checked)
            category = category if knowledge.category(category) else proposal.category
        if knowledge.category(category) is None:
            category = _default_category(knowledge)
        return self._new_page(request, form, category)

    async def add(self, request: web.Request) -> web.StreamResponse:
        data = await request.post()
        form = _form(data)
        category = str(data.get("kategoria", ""))
        if data.get("akcja") == "sprawdz":
            return self._new_page(request, form, category, check=str(data.get("zapytanie", "")))
        async with self.writing:
            plan = await asyncio.to_thread(plan_add, self.root, self.ctx.knowledge(), category,
                                           form, self.ctx.clock())
            if not plan.ok:
                return self._new_page(request, form, category, errors=plan.errors, status=422)
            outcome = await self._write(request, plan, "Nowy wpis",
                                        f"{plan.entry_id} („{form.question}”)")
        return see_other(_entry_url(plan.entry_id),
                         f"Dodałem wpis „{form.question}” do pliku {plan.files()[0]}. {outcome}")

    def _new_page(self, request: web.Request, form: EntryForm, category: str, *,
                  errors: Mapping[str, list[str]] | None = None, check: str = "",
                  status: int = 200) -> web.Response:
        knowledge = self.ctx.knowledge()
        result = None
        if check.strip() and knowledge.category(category):
            result = self._preview(knowledge, None, category, form, check)
        options = [html('<option value="{id}"{selected}>{name}</option>', id=c.id,
                        name=c.name if c.in_menu else f"{c.name} (poza menu)",
                        selected=Html(" selected") if c.id == category else "")
                   for c in knowledge.categories]
        errors = errors or {}
        select = html('<label for="kategoria">Kategoria</label>{error}'
                      '<select id="kategoria" name="kategoria"{invalid}>{options}</select>',
                      error=_field_error("category", errors), options=join(options),
                      invalid=_invalid("category", errors))
        body = join([_general(errors),
                     html('<form method="post" action="{base}/nowy" class="entry" novalidate>'
                          "{csrf}", base=BASE, csrf=csrf_field(request)),
                     select, _fields(form, errors, None), _check_box(check, result),
                     Html('<button type="submit" name="akcja" value="zapisz">Dodaj wpis'
                          "</button></form>"),
                     html('<p><a href="{base}">Wróć do listy wpisów</a></p>', base=BASE),
                     SCRIPT])
        return page(request, "Nowy wpis", body, status=status)

    # ---------------------------------------------------------------- retire

    async def retire_form(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        if entry is None:
            return _not_found(request)
        if entry.kept_because:
            return see_other(_entry_url(entry.entry_id),
                             f"Tego wpisu nie można wycofać: {entry.kept_because}.")
        body = html(
            '<p>Czy na pewno wycofać wpis „{question}”? Bot przestanie na nie odpowiadać i nie '
            "pokaże go w menu. Wpis zniknie z pliku {file}; poprzednią wersję pliku zachowam, "
            "więc wycofanie cofniesz jednym kliknięciem w Historii.</p>"
            '<form method="post" action="{action}">{csrf}'
            '<button type="submit" class="danger">Tak, wycofaj wpis</button></form>'
            '<p><a href="{back}">Nie, wróć do wpisu</a></p>',
            question=entry.form.question, file=entry.file,
            action=_entry_url(entry.entry_id) + "/wycofaj", csrf=csrf_field(request),
            back=_entry_url(entry.entry_id))
        return page(request, "Wycofać wpis?", body)

    async def retire(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        if entry is None:
            return _not_found(request)
        async with self.writing:
            plan = await asyncio.to_thread(plan_retire, self.root, self.ctx.knowledge(),
                                           entry.entry_id, self.ctx.clock())
            if not plan.ok:
                return see_other(_entry_url(entry.entry_id),
                                 " ".join(plan.errors.get(GENERAL, []))
                                 or "Nie udało mi się wycofać tego wpisu.")
            outcome = await self._write(request, plan, "Wycofanie wpisu",
                                        f"{entry.entry_id} („{entry.form.question}”)")
        return see_other(BASE, f"Wycofałem wpis „{entry.form.question}”. Cofniesz to w "
                               f"Historii (przycisk „Cofnij”). {outcome}")

    # ---------------------------------------------------------------- check

    async def check(self, request: web.Request) -> web.StreamResponse:
        try:
            data = await request.json()
        except (ValueError, UnicodeError):
            data = None
        if not isinstance(data, dict):
            return _json({"error": "Nie rozumiem zapytania."}, 400)
        data = {k: v for k, v in data.items() if isinstance(v, str)}
        knowledge = self.ctx.knowledge()
        entry_id = data.get("wpis", "")
        current = knowledge.entry(entry_id) if entry_id else None
        if entry_id and current is None:
            return _json({"error": "Nie ma takiego wpisu."}, 404)
        category = current.category if current else data.get("kategoria", "")
        if knowledge.category(category) is None:
            return _json({"error": "Wybierz kategorię z listy."}, 400)
        question = data.get("zapytanie", "")[:MAX_CHECK_CHARS]
        form = _form(data)
        result = await asyncio.to_thread(self._preview, knowledge, current.id if current else None,
                                         category, form, question)
        return _json({**result.as_data(), "text": _describe(result)})

    def _preview(self, knowledge: KnowledgeBase, entry_id: str | None, category: str,
                 form: EntryForm, question: str) -> Preview:
        extra = self._learned(knowledge, entry_id) if entry_id else ()
        entry = edited_entry(knowledge, entry_id, category, form)
        return self.previewer.preview(knowledge, entry, question, extra)

    def _learned(self, knowledge: KnowledgeBase, entry_id: str) -> tuple[str, ...]:
        """Phrasings other files add to the entry (read once per knowledge in service)."""
        if self._learned_for[0] is not knowledge:
            self._learned_for = (knowledge, {})
        known = self._learned_for[1]
        if entry_id not in known:
            editable = read_entry(self.root, knowledge, entry_id)
            known[entry_id] = editable.learned if editable else ()
        return known[entry_id]

    # ---------------------------------------------------------------- helpers

    def _entry(self, request: web.Request) -> EditableEntry | None:
        """The entry named in the URL, only if the knowledge has it."""
        entry_id = request.match_info["entry_id"]
        knowledge = self.ctx.knowledge()
        return read_entry(self.root, knowledge, entry_id) if knowledge.entry(entry_id) else None

    async def _write(self, request: web.Request, plan: Plan, action: str, detail: str) -> str:
        """Keep the previous versions, write, reload, record; the reload's outcome."""
        login = request[LOGIN_KEY]
        now = self.ctx.clock()
        kept: dict[Path, int] = {}

        def remember(path: Path) -> None:
            kept[path] = versions.remember(self.ctx.connection, self.root, path, now, login)

        written = plan.write(remember)
        outcome = await self.ctx.reload(frozenset(f"entry:{i}" for i in plan.removes))
        for path in written:
            name = path.relative_to(self.root).as_posix()
            history.record(self.ctx.connection, now, login, action, f"{detail} – plik {name}",
                           undo_ref=kept.get(path))
        log.info("desk: %s by %s: %s (%s)", action, login, detail, ", ".join(plan.files()))
        return outcome


# -------------------------------------------------------------------- rendering


def _category_section(category_id: str, name: str, in_menu: bool, entries: list[Entry]
                      ) -> Html:
    items = [html('<li><a href="{href}">{label}</a>{checked}</li>', href=_entry_url(e.id),
                  label=e.label, checked=html('<p class="meta">sprawdzono {day}</p>',
                                              day=f"{e.checked:%d.%m.%Y}") if e.checked else "")
             for e in entries]
    listing = (html('<ul class="cards">{items}</ul>', items=join(items)) if items
               else Html('<p class="muted">Brak wpisów.</p>'))
    return html('<section aria-labelledby="kat-{id}"><h2 id="kat-{id}">{name}{menu} '
                '<span class="badge">{count}</span></h2>{listing}'
                '<p><a href="{base}/nowy?kategoria={q}">Dodaj wpis w kategorii „{name}”</a>'
                "</p></section>", id=category_id, name=name, count=len(entries),
                menu="" if in_menu else " (poza menu)", listing=listing, base=BASE,
                q=quoted(category_id))


def _fields(form: EntryForm, errors: Mapping[str, list[str]], entry: EditableEntry | None
            ) -> Html:
    learned = Html("")
    if entry is not None and entry.learned:
        learned = html('<p class="muted">Sformułowania dopisane z czatu (plik faq/nauczone.yaml)'
                       ' też prowadzą do tego wpisu: {texts}</p>',
                       texts="; ".join(entry.learned))
    count = len(form.button)
    return join([
        _input("question", "Pytanie wzorcowe",
               "Tak je zobaczą mieszkańcy, gdy wpisu nie ma na przycisku.", form.question,
               errors),
        _input("button", f"Napis na przycisku (najwyżej {BUTTON_MAX_CHARS} znaków)",
               "Krótki napis w menu i w propozycjach „Czy chodzi o:”.", form.button, errors,
               extra=html('<p class="muted" id="przycisk-licznik" aria-live="polite">'
                          "{n} / {max} znaków</p>", n=count, max=BUTTON_MAX_CHARS)),
        _textarea("phrasings", "Inne sformułowania pytania (jedno w linii)",
                  "Pisz tak jak mieszkańcy: krótko, można bez polskich znaków.",
                  "\n".join(form.phrasings), errors, rows=8),
        learned,
        _textarea("answer", "Odpowiedź", "To bot wyśle mieszkańcowi.", form.answer, errors,
                  rows=8),
        _textarea("source", "Źródło informacji (jedno w linii)", "Np. „strona klastra”.",
                  "\n".join(form.source), errors, rows=2),
        _input("checked", "Data sprawdzenia", "Kiedy ostatnio sprawdzono te informacje.",
               form.checked, errors, kind="date"),
    ])


def _input(name: str, label: str, hint: str, value: str, errors: Mapping[str, list[str]], *,
           kind: str = "text", extra: Html = NOTHING) -> Html:
    field = NAMES[name]
    return html('<label for="{f}">{label}</label><p class="muted hint" id="{f}-opis">{hint}</p>'
                '{error}<input type="{kind}" id="{f}" name="{f}" value="{value}"'
                ' aria-describedby="{f}-opis{described}"{invalid}>{extra}',
                f=field, label=label, hint=hint, kind=kind, value=value, extra=extra,
                error=_field_error(name, errors), invalid=_invalid(name, errors),
                described=f" {field}-blad" if name in errors else "")


def _textarea(name: str, label: str, hint: str, value: str, errors: Mapping[str, list[str]],
              *, rows: int) -> Html:
    field = NAMES[name]
    return html('<label for="{f}">{label}</label><p class="muted hint" id="{f}-opis">{hint}</p>'
                '{error}<textarea id="{f}" name="{f}" rows="{rows}" '
                'aria-describedby="{f}-opis{described}"{invalid}>{value}</textarea>',
                f=field, label=label, hint=hint, rows=rows, value=value,
                error=_field_error(name, errors), invalid=_invalid(name, errors),
                described=f" {field}-blad" if name in errors else "")


def _field_error(name: str, errors: Mapping[str, list[str]]) -> Html:
    messages = errors.get(name)
    if not messages:
        return Html("")
    return html('<p class="field-error" id="{f}-blad">{text}</p>', f=NAMES[name],
                text=" ".join(messages))


def _invalid(name: str, errors: Mapping[str, list[str]]) -> Html:
    return Html(' aria-invalid="true"') if name in errors else Html("")


def _general(errors: Mapping[str, list[str]] | None) -> Html:
    if not errors:
        return Html("")
    lines = list(errors.get(GENERAL, []))
    if len(errors) > (GENERAL in errors):
        lines.insert(0, "Nie zapisałem – popraw pola zaznaczone poniżej.")
    return html('<div class="problem" role="alert">{items}</div>',
                items=join(html("<p>{line}</p>", line=line) for line in lines))


def _notice(note: str | None) -> Html:
    return html('<p class="note" role="status">{note}</p>', note=note) if note else Html("")


def _check_box(question: str, result: Preview | None) -> Html:
    shown = _describe(result) if result is not None else ""
    return html(
        '<fieldset class="try"><legend>Sprawdź pytanie</legend>'
        '<p class="muted" id="zapytanie-opis">Wpisz pytanie tak, jak zadałby je mieszkaniec. '
        "Sprawdzę, co bot by zrobił, gdyby ten formularz był już zapisany.</p>"
        '<label for="zapytanie">Pytanie mieszkańca</label>'
        '<input type="text" id="zapytanie" name="zapytanie" value="{question}" '
        'aria-describedby="zapytanie-opis" autocomplete="off">'
        '<button type="submit" name="akcja" value="sprawdz" class="secondary" '
        'formnovalidate>Sprawdź</button>'
        '<p id="zapytanie-wynik" class="result" aria-live="polite">{shown}</p></fieldset>',
        question=question, shown=shown)


def _describe(result: Preview) -> str:
    """What the bot would do, in one Polish sentence."""
    def name(candidate: Any) -> str:
        mark = " (ten wpis)" if candidate.edited else ""
        return f"„{candidate.label}”{mark}"

    if result.language:
        return ("Pytanie w innym języku – bot od razu zaproponuje przekazanie go "
                "koordynatorowi.")
    if result.status == "answer" and result.answer is not None:
        return f"Bot odpowie wpisem {name(result.answer)} – pewność {round(result.score)}%."
    if result.status == "suggest" and result.suggestions:
        options = ", ".join(f"{name(s)} ({round(s.score)}%)" for s in result.suggestions)
        return f"Bot nie jest pewien i zapyta „Czy chodzi o:” {options}."
    text = "Bot nie odpowie sam – zaproponuje przekazanie pytania koordynatorowi."
    if result.suggestions:
        best = result.suggestions[0]
        text += f" Najbliżej był wpis {name(best)} ({round(best.score)}%)."
    return text


# -------------------------------------------------------------------- small helpers


def _form(data: Mapping[str, Any]) -> EntryForm:
    def get(name: str) -> str:
        value = data.get(NAMES[name], "")
        return value if isinstance(value, str) else ""

    return EntryForm.from_text(question=get("question"), button=get("button"),
                               phrasings=get("phrasings"), answer=get("answer"),
                               source=get("source"), checked=get("checked"))


def _changed(before: EntryForm, after: EntryForm) -> list[str]:
    old, new = asdict(before), asdict(after)
    return [name for name in LABELS if old[name] != new[name]]


def _version(entry: EditableEntry) -> str:
    """What the entry looked like when the form was shown (a later save compares)."""
    text = json.dumps(asdict(entry.form), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _haystack(entry: Entry) -> str:
    return fold(" ".join((entry.id, entry.question, entry.button or "", entry.answer,
                          *entry.alternates, *entry.keywords))).lower()


def _entries(n: int) -> str:
    return f"Znalazłem {count(n, ENTRIES)}."


def _category_name(knowledge: KnowledgeBase, category_id: str) -> str:
    category = knowledge.category(category_id)
    return category.name if category else category_id


def _default_category(knowledge: KnowledgeBase) -> str:
    if knowledge.category(learning.DEFAULT_CATEGORY):
        return learning.DEFAULT_CATEGORY
    return knowledge.categories[0].id if knowledge.categories else ""


def _entry_url(entry_id: str) -> str:
    return f"{BASE}/wpis/{quoted(entry_id)}"


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda d: json.dumps(
        d, ensure_ascii=False))


def _not_found(request: web.Request) -> web.Response:
    return page(request, "Nie ma takiego wpisu", html(
        '<p>Nie znalazłem tego wpisu w bazie wiedzy – może ktoś go wycofał.</p>'
        '<p><a href="{base}">Wróć do listy wpisów</a></p>', base=BASE), status=404)
