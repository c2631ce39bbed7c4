"""HTML for the desk: markup that is escaped by construction, and the page layout.

`Html` is trusted markup; anything else that goes into `html(...)` or `page(...)` is escaped.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from html import escape
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

STATIC = Path(__file__).parent / "static"
# One inline style sheet (the CSP allows it by its hash): desk.css, then the pages' own
# static/*.css (report.css: the statistics; meetings.css: meetings and announcements).
CSS = "\n".join(path.read_text(encoding="utf-8") for path in sorted(
    STATIC.glob("*.css"), key=lambda path: (path.name != "desk.css", path.name)))
CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
# The desk's own pages: its inline style sheet by hash, scripts only from the desk itself.
POLICY = (f"default-src 'none'; script-src 'self'; style-src 'sha256-{CSS_HASH}'; "
          "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
          "frame-ancestors 'none'")
NOTE_COOKIE = "koordynator_info"
PREFIX = "/koordynator"
SITE = "Biurko koordynatora"
NAV = (
    ("Zgłoszenia", "/koordynator"),
    ("Baza wiedzy", "/koordynator/wiedza"),
    ("Spotkania", "/koordynator/spotkania"),
    ("Ogłoszenia", "/koordynator/ogloszenia"),
    ("Statystyki", "/koordynator/statystyki"),
    ("Historia", "/koordynator/historia"),
)
# Set by the auth middleware for signed-in requests.
LOGIN_KEY = "desk_login"
CSRF_KEY = "desk_csrf"


class Html(str):
    """Markup that is safe to put in a page as it is."""

    __slots__ = ()

    def __add__(self, other: str) -> Html:
        return Html(str.__add__(self, esc(other)))


def esc(value: object) -> Html:
    """`value` as text in HTML (quotes too); `Html` stays as it is, None is empty."""
    if isinstance(value, Html):
        return value
    return Html(escape("" if value is None else str(value), quote=True))


def html(template: str, **values: object) -> Html:
    """`template` (trusted, written in the code) with `{name}` fields: every value escaped
    unless it is already `Html`."""
    return Html(template.format_map({k: esc(v) for k, v in values.items()}))


def join(parts: Iterable[object], separator: str = "") -> Html:
    return Html(esc(separator).join(esc(p) for p in parts))


def csrf_field(request: web.Request) -> Html:
    """The hidden field every desk form posts (the middleware checks it)."""
    return html('<input type="hidden" name="csrf" value="{token}">',
                token=request.get(CSRF_KEY, ""))


def see_other(location: str, note: str | None = None) -> web.Response:
    """303 to `location` (a path of the desk); `note` is shown once on the next page."""
    if not location.startswith("/") or location.startswith("//"):
        location = PREFIX
    response = web.Response(status=303, headers={"Location": location})
    if note:
        response.set_cookie(NOTE_COOKIE, _encode_note(note), path=PREFIX, httponly=True,
                            samesite="Strict", max_age=120)
    return response


def page(request: web.Request, title: str, body: Html, *, status: int = 200) -> web.Response:
    """A whole desk page: header with the signed-in login and "Wyloguj", nav, the one-time
    note, `body` in <main>."""
    login = request.get(LOGIN_KEY)
    note = _decode_note(request.cookies.get(NOTE_COOKIE, ""))
    parts = [html('<!doctype html>\n<html lang="pl"><head><meta charset="utf-8">'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">'
                  '<meta name="robots" content="noindex">'
                  "<title>{title} – {site}</title><style>{css}</style></head><body>"
                  '<a class="skip" href="#glowna">Przejdź do treści</a>'
                  '<header class="top"><p class="site">{site}</p>',
                  title=title, site=SITE, css=Html(CSS))]
    if login:
        parts.append(_signed_in(request, login))
    parts.append(Html("</header>"))
    if login:
        parts.append(_nav(request.path))
    parts.append(html('<main id="glowna"><h1>{title}</h1>', title=title))
    if note:
        parts.append(html('<p class="note" role="status">{note}</p>', note=note))
    parts += [body, Html("</main></body></html>")]
    response = web.Response(text=join(parts), status=status, content_type="text/html",
                            charset="utf-8", headers=headers())
    if note:
        response.del_cookie(NOTE_COOKIE, path=PREFIX)
    return response


def headers() -> dict[str, str]:
    # same-origin, not no-referrer: the desk's own forms then carry its Origin (checked when
    # signing in); no other site ever sees a desk address.
    return {"Content-Security-Policy": POLICY, "Cache-Control": "no-store",
            "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def _signed_in(request: web.Request, login: str) -> Html:
    return html('<form class="who" method="post" action="/koordynator/wyloguj">'
                "<span>Zalogowano: <strong>{login}</strong></span>{csrf}"
                '<button type="submit" class="link">Wyloguj</button></form>',
                login=login, csrf=csrf_field(request))


def _nav(path: str) -> Html:
    items = []
    for label, href in NAV:
        here = path == href or (href != PREFIX and path.startswith(href + "/"))
        if href == PREFIX:
            here = path == PREFIX or path.startswith(PREFIX + "/zgloszeni")
        current = Html(' aria-current="page"') if here else Html("")
        items.append(html('<li><a href="{href}"{current}>{label}</a></li>',
                          href=href, current=current, label=label))
    return html('<nav aria-label="Biurko"><ul>{items}</ul></nav>', items=join(items))


def _encode_note(note: str) -> str:
    return base64.urlsafe_b64encode(note[:300].encode("utf-8")).decode("ascii")


def _decode_note(raw: str) -> str:
    if not raw:
        return ""
    try:
        return base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8")[:300]
    except (ValueError, binascii.Error, UnicodeError):
        return ""


def quoted(value: str) -> str:
    """A value for a query string."""
    return quote(value, safe="")
