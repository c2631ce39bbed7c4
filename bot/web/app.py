"""The web chat's routes: the page, its static files, the widget and the JSON API.

API (stable; external checks use it):
- POST /api/czat  {"session": null|str, "text": str} or {"session": str, "choice": str}
  -> {"session": str, "messages": [{"id": int, "text": str, "choices": [{"id", "label"}]}]}
- GET /api/czat/{session}?po=N -> {"messages": [...]} after id N, waiting up to 25 s
- POST /api/czat/{session}/email {"email": str|null, "consent": true} (the page's form)
Errors are JSON {"error": "<Polish text>"} with 400, 404, 413 or 429 (+ Retry-After).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web

from bot import texts
from bot.calendar_file import calendar_filename, meeting_calendar
from bot.config import Settings
from bot.meetings import find, visible
from bot.web.chat import UnknownSession, WebChat
from bot.web.commit import GroupCommit
from bot.web.limits import RateLimit, client_address, is_local, networks, retry_after
from bot.web.sessions import looks_like_session

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_TEXT = 4000  # characters of one message
MAX_BODY = 64 * 1024  # bytes of one request (4,000 characters JSON-escaped fit)
MAX_CHOICE = 64  # bytes, as Telegram's callback data
POLL_SECONDS = 25.0
EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")
# Per client address and per session; a long poll counts once when it starts.
IP_POSTS = (120, 60.0)
IP_NEW_SESSIONS = (30, 600.0)
IP_POLLS = (240, 60.0)
IP_OPEN_POLLS = 50
SESSION_OPEN_POLLS = 4

ERRORS = {
    400: "Nie rozumiem tego zapytania.",
    404: "Nie znam tej rozmowy – mogła wygasnąć. Zacznij nową.",
    405: "Tej metody tu nie obsługuję.",
    413: f"Wiadomość jest za długa: napisz proszę najwyżej {MAX_TEXT} znaków.",
    429: "Piszesz bardzo szybko – poczekaj chwilę i spróbuj znowu.",
    503: "Przepraszam, nie mogę teraz przyjąć wiadomości. Spróbuj proszę za kilka minut.",
}
PAGE_TITLE = "Czat – Infolinia Klastra Energii Powiatu Częstochowskiego"
WEB_PRIVACY = (
    "Prywatność: rozmowę zapisuję na {days} dni od ostatniej wiadomości, żeby odpowiedź "
    "koordynatora mogła tu trafić. Nie używam ciasteczek; ta przeglądarka pamięta tylko "
    "identyfikator rozmowy. Pytanie przekazane koordynatorowi przeczyta on razem z tą rozmową. "
    "E-mail podajesz tylko, jeśli chcesz dostać tam odpowiedź."
)
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class ApiError(Exception):
    def __init__(self, status: int, text: str | None = None, retry: float | None = None
                 ) -> None:
        super().__init__(status)
        self.status = status
        self.text = text or ERRORS[status]
        self.retry = retry


class WebLimits:
    """The rate limits of one server (kept in the app under LIMITS_KEY)."""

    def __init__(self, messages_per_minute: int, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.clock = clock
        self.ip_posts = RateLimit(*IP_POSTS)
        self.ip_sessions = RateLimit(*IP_NEW_SESSIONS)
        self.ip_polls = RateLimit(*IP_POLLS)
        self.session_posts = RateLimit(messages_per_minute, 60.0)
        self.open_polls: dict[str, int] = {}

    def check(self, limit: RateLimit, key: str) -> None:
        wait = limit.allow(key, self.clock())
        if wait:
            raise ApiError(429, retry=wait)

    def check_address(self, limit: RateLimit, address: str) -> None:
        """Per-address limits; this machine itself (a proxy not listed in
        web.trusted_proxies, a check, the bench) is limited per session only."""
        if not is_local(address):
            self.check(limit, address)


LIMITS_KEY = web.AppKey("limits", WebLimits)
COMMIT_KEY = web.AppKey("commit", GroupCommit)


def build_app(chat: WebChat, settings: Settings, *, poll_seconds: float = POLL_SECONDS,
              limits: WebLimits | None = None) -> web.Application:
    limits = limits or WebLimits(settings.limits.messages_per_minute)
    commit = GroupCommit(chat.store.connection)
    trusted = networks(settings.web.trusted_proxies)
    page = _page(chat, settings)
    frame_ancestors = " ".join(("'self'", *settings.web.allowed_origins))
    page_policy = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                   "connect-src 'self'; base-uri 'none'; form-action 'none'; "
                   f"frame-ancestors {frame_ancestors}")
    static = {name: (STATIC / name).read_bytes() for name in ("app.js", "app.css", "widget.js")}

    warned: list[bool] = []

    def ip_of(request: web.Request) -> str:
        forwarded = request.headers.get("X-Forwarded-For")
        address = client_address(request.remote, forwarded, trusted)
        if forwarded and address == request.remote and is_local(address) and not warned:
            warned.append(True)
            log.warning("X-Forwarded-For from %s ignored: list the proxy in "
                        "web.trusted_proxies for per-address rate limits", address)
        return address

    async def show_page(request: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html", charset="utf-8", headers={
            "Content-Security-Policy": page_policy, "Cache-Control": "no-cache"})

    def static_file(name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            headers = {"Content-Type": STATIC_TYPES[Path(name).suffix],
                       "Cache-Control": "public, max-age=300"}
            if name == "widget.js":  # pasted into other sites' pages
                headers["Cross-Origin-Resource-Policy"] = "cross-origin"
            return web.Response(body=static[name], headers=headers)
        return serve

    async def post_message(request: web.Request) -> web.Response:
        ip = ip_of(request)
        limits.check_address(limits.ip_posts, ip)
        body = await _json_body(request)
        session = body.get("session")
        if session is not None and not isinstance(session, str):
            raise ApiError(400, "Pole session musi być tekstem albo null.")
        text, choice = body.get("text"), body.get("choice")
        if (text is None) == (choice is None):
            raise ApiError(400, "Podaj text albo choice.")
        if session is not None and not looks_like_session(session):
            raise ApiError(404)
        if session is None:
            limits.check_address(limits.ip_sessions, ip)
        else:
            limits.check(limits.session_posts, session)
        if text is not None:
            if not isinstance(text, str):
                raise ApiError(400, "Pole text musi być tekstem.")
            if len(text) > MAX_TEXT:
                raise ApiError(413)
            text = _clean(text)
            if not text:
                raise ApiError(400, "Napisz proszę pytanie.")
            exchange = await commit.run(lambda: chat.say(session, text))
        else:
            if not isinstance(choice, str) or not choice or len(choice.encode()) > MAX_CHOICE:
                raise ApiError(400, "Nie znam takiego wyboru.")
            exchange = await commit.run(lambda: chat.choose(session, choice))
        return _json(exchange.as_json())

    async def poll(request: web.Request) -> web.Response:
        ip = ip_of(request)
        limits.check_address(limits.ip_polls, ip)
        session = request.match_info["session"]
        after = _position(request.query.get("po", "0"))
        messages = chat.messages_after(session, after)  # 404 before any waiting
        if not messages:
            if ((limits.open_polls.get(ip, 0) >= IP_OPEN_POLLS and not is_local(ip))
                    or chat.live.waiting(session) >= SESSION_OPEN_POLLS):
                raise ApiError(429, retry=5)
            limits.open_polls[ip] = limits.open_polls.get(ip, 0) + 1
            try:
                await chat.live.wait(session, poll_seconds)
            finally:
                limits.open_polls[ip] -= 1
                if not limits.open_polls[ip]:
                    del limits.open_polls[ip]
            messages = chat.messages_after(session, after)
        return _json({"messages": [m.as_json() for m in messages]})

    async def set_email(request: web.Request) -> web.Response:
        limits.check_address(limits.ip_posts, ip_of(request))
        session = request.match_info["session"]
        if not looks_like_session(session):
            raise ApiError(404)
        limits.check(limits.session_posts, session)
        body = await _json_body(request)
        email = body.get("email")
        if email is not None and not isinstance(email, str):
            raise ApiError(400, "Pole email musi być tekstem albo null.")
        email = (email or "").strip()
        if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
            raise ApiError(400, "To nie wygląda na adres e-mail.")
        if email and body.get("consent") is not True:
            raise ApiError(400, "Bez zgody nie zapiszę adresu e-mail.")
        exchange = await commit.run(lambda: chat.set_email(session, email or None))
        return _json(exchange.as_json())

    async def calendar(request: web.Request) -> web.Response:
        """A public meeting as an .ics file ("Dodaj do kalendarza")."""
        meeting = find(chat.core.knowledge.meetings, request.match_info["meeting"])
        if meeting is None or not visible(meeting, member=False):
            raise ApiError(404, "Nie ma takiego spotkania.")
        return web.Response(body=meeting_calendar(meeting, chat.store.clock()), headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{calendar_filename(meeting)}"'})

    started = time.monotonic()

    async def health(request: web.Request) -> web.Response:
        return _json({"status": "ok", "open_polls": chat.live.waiting(),
                      "uptime_seconds": round(time.monotonic() - started, 1)})

    app = web.Application(client_max_size=MAX_BODY, middlewares=[_errors])
    app.router.add_get("/healthz", health)
    app[LIMITS_KEY] = limits
    app[COMMIT_KEY] = commit
    app.router.add_get("/czat", show_page)
    for name in static:
        app.router.add_get(f"/czat/{name}", static_file(name))
    app.router.add_get("/widget.js", static_file("widget.js"))
    app.router.add_get("/czat/spotkanie/{meeting}.ics", calendar)
    app.router.add_post("/api/czat", post_message)
    app.router.add_get("/api/czat/{session}", poll)
    app.router.add_post("/api/czat/{session}/email", set_email)
    return app


@web.middleware
async def _errors(request: web.Request,
                  handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                  ) -> web.StreamResponse:
    """Polish JSON errors; security headers everywhere; never a 500."""
    try:
        response = await handler(request)
    except ApiError as exc:
        response = _error(exc.status, exc.text, exc.retry)
    except UnknownSession:
        response = _error(404)
    except web.HTTPRequestEntityTooLarge:
        response = _error(413)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/"):
            raise
        response = _error(exc.status if exc.status in ERRORS else 400)
    except sqlite3.Error:
        log.exception("web chat: storage failed")
        response = _error(503, retry=30)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'none'; frame-ancestors 'none'")
    return response


def _error(status: int, text: str | None = None, retry: float | None = None) -> web.Response:
    response = _json({"error": text or ERRORS[status]}, status)
    if retry is not None:
        response.headers["Retry-After"] = retry_after(retry)
    return response


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json", charset="utf-8")


async def _json_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # bad UTF-8 or JSON, or absurdly nested
        raise ApiError(400, "Treść zapytania to nie jest poprawny JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Oczekuję obiektu JSON.")
    return body


def _position(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 15:
        raise ApiError(400, "Parametr po musi być liczbą.")
    return int(value)


def _clean(text: str) -> str:
    """No control characters (but new lines and tabs), no lone surrogates."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(c for c in text if c >= " " or c in "\n\t").strip()


def _page(chat: WebChat, settings: Settings) -> bytes:
    template = (STATIC / "czat.html").read_text(encoding="utf-8")
    menu = chat.core.menu_reply()
    buttons = "\n".join(
        f'<li><button type="button" class="choice" data-choice="{escape(c.id)}">'
        f"{escape(c.label)}</button></li>" for c in menu.choices)
    privacy = WEB_PRIVACY.format(days=settings.privacy.retention_days)
    if settings.privacy.controller:
        privacy += f" Administrator danych: {settings.privacy.controller}."
    notice = settings.privacy.notice_url
    link = (f' <a href="{escape(notice)}" target="_blank" rel="noopener">Pełna informacja o '
            f"ochronie danych</a>." if notice.startswith(("https://", "http://")) else "")
    greeting = texts.greeting(settings.cluster.name_genitive, settings.cluster.coordinator_org)
    values = {"title": PAGE_TITLE, "greeting": greeting, "menu_prompt": menu.text,
              "privacy": privacy}
    html = template
    for key, value in values.items():
        html = html.replace("{{" + key + "}}", escape(value).replace("\n", "<br>"))
    html = html.replace("{{menu}}", buttons).replace("{{privacy_link}}", link)
    html = html.replace("{{email}}", "1" if chat.email_enabled else "")
    return html.encode("utf-8")
