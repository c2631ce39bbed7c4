"""Who may use the desk: every /koordynator route but the sign-in page and the one-time link
needs a session; every POST needs the session's CSRF token."""

from __future__ import annotations

import hmac
import logging
import sqlite3
import warnings
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning

from bot.config import Settings
from bot.desk.page import CSRF_KEY, LOGIN_KEY, PREFIX, Html, html, page, quoted
from bot.desk.sessions import DeskSessions
from bot.web.limits import is_trusted, networks

log = logging.getLogger(__name__)
# The contract's plain keys: request["desk_login"], request["desk_csrf"].
warnings.filterwarnings("ignore", category=NotAppKeyWarning, module=r"bot\.desk\.")

COOKIE = "koordynator"
SIGN_IN = "/koordynator/logowanie"
# (method, route) a stranger may use; everything else under /koordynator needs a session.
PUBLIC = frozenset({("GET", SIGN_IN), ("POST", SIGN_IN),
                    ("GET", "/koordynator/link/{token}"), ("POST", "/koordynator/link/{token}")})
SAFE_METHODS = ("GET", "HEAD")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SESSIONS_KEY = web.AppKey("desk_sessions", DeskSessions)


def is_desk_path(path: str) -> bool:
    return path.startswith(PREFIX)


def is_public(request: web.Request) -> bool:
    resource = request.match_info.route.resource
    canonical = resource.canonical if resource is not None else None
    method = "GET" if request.method == "HEAD" else request.method
    return (method, canonical) in PUBLIC


def is_https(request: web.Request, settings: Settings) -> bool:
    """Served over https: the public address says so, or a trusted proxy does."""
    if settings.web.public_url.startswith("https://") or request.secure:
        return True
    return (request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https"
            and is_trusted(request.remote or "", networks(settings.web.trusted_proxies)))


def set_session_cookie(response: web.StreamResponse, request: web.Request, settings: Settings,
                       secret: str) -> None:
    response.set_cookie(COOKIE, secret, path=PREFIX, httponly=True, samesite="Strict",
                        secure=is_https(request, settings))


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a desk path only (no other site, no scheme)."""
    if (value and value.startswith(PREFIX) and "//" not in value and "\\" not in value
            and not any(c in value for c in "\r\n") and len(value) < 500):
        return value
    return PREFIX


def refused(request: web.Request, status: int, text: str) -> web.Response:
    return page(request, "Brak dostępu", html('<p class="problem">{text}</p>'
                                             '<p><a href="{href}">Przejdź do logowania</a></p>',
                                             text=text, href=SIGN_IN), status=status)


def auth_middleware(settings: Settings, sessions: DeskSessions
                    ) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def desk_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_desk_path(request.path):
            return await handler(request)
        try:
            return await _desk(request, handler)
        except sqlite3.Error:
            log.exception("desk: storage failed")
            response = page(request, "Chwilowy kłopot", html(
                '<p class="problem">{text}</p>', text="Nie mogę teraz odczytać ani zapisać "
                "danych. Spróbuj proszę za kilka minut; nic z tego, co zapisałem wcześniej, "
                "nie przepadło."), status=503)
            response.headers["Retry-After"] = "30"
            return response

    async def _desk(request: web.Request, handler: Handler) -> web.StreamResponse:
        if is_public(request):
            response = await handler(request)
        else:
            session = sessions.find(request.cookies.get(COOKIE, ""))
            if session is None:
                return _no_session(request)
            request[LOGIN_KEY] = session.login
            request[CSRF_KEY] = session.csrf
            if request.method not in SAFE_METHODS and not await _csrf_ok(request, session.csrf):
                return refused(request, 403, "Ten formularz jest nieaktualny albo nie pochodzi "
                               "z biurka. Wróć, odśwież stronę i spróbuj jeszcze raz.")
            try:
                response = await handler(request)
            except web.HTTPNotFound as exc:
                response = page(request, "Nie znalazłem", html(
                    '<p class="problem">{text}</p><p><a href="/koordynator">Wróć do '
                    "zgłoszeń</a></p>", text=_polish(exc.text)), status=404)
            except web.HTTPMethodNotAllowed:
                response = page(request, "Nie obsługuję tego", html(
                    "<p>Tej strony nie da się tak otworzyć.</p>"), status=405)
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin, not no-referrer: with no-referrer Chromium posts forms with
        # "Origin: null", which the sign-in form refuses as foreign.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return desk_auth


def _polish(text: str | None) -> str:
    """aiohttp's own English reason, or the handler's Polish one."""
    if not text or text.startswith(("404", "Not Found")):
        return "Nie ma takiej strony."
    return text


def _no_session(request: web.Request) -> web.StreamResponse:
    expired = COOKIE in request.cookies
    if request.method in SAFE_METHODS and _wants_html(request):
        target = f"{SIGN_IN}?dalej={quoted(request.path_qs)}"
        if expired:
            target += "&wygasla=1"
        response = web.Response(status=302, headers={"Location": target,
                                                     "Cache-Control": "no-store"})
    else:
        response = refused(request, 401, "Sesja wygasła albo nie jesteś zalogowany. Zaloguj "
                           "się ponownie." if expired else "Najpierw się zaloguj.")
        response.headers["Cache-Control"] = "no-store"
    if expired:
        response.del_cookie(COOKIE, path=PREFIX)
    return response


def _wants_html(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept or "*/*" in accept


async def _csrf_ok(request: web.Request, expected: str) -> bool:
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in ("application/x-www-form-urlencoded",
                                                  "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


__all__ = ["COOKIE", "PUBLIC", "SIGN_IN", "Html", "auth_middleware", "is_https",
           "safe_next", "set_session_cookie"]
