"""Signing in and out: the form (login + password), the one-time link from Telegram (/panel)."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from bot.desk.auth import COOKIE, SESSIONS_KEY, SIGN_IN, safe_next, set_session_cookie
from bot.desk.context import DeskContext
from bot.desk.limits import SignInLimiter
from bot.desk.page import PREFIX, Html, html, join, page, see_other
from bot.desk.passwords import verify_password, waste_time
from bot.desk.sessions import SignInLinks
from bot.web.limits import client_address, networks, retry_after

PRE_COOKIE = "koordynator_formularz"  # the sign-in form's own token (double submit)
MAX_FIELD = 200
LIMITER_KEY = web.AppKey("desk_sign_in_limiter", SignInLimiter)

NO_ACCOUNTS = Html(
    '<div class="problem"><p>Nie ma jeszcze żadnego konta koordynatora, więc nie mogę nikogo '
    "zalogować.</p><p>Żeby dodać konto: na serwerze uruchom <code>python -m bot haslo</code>, "
    "wpisz hasło i skopiuj wypisany skrót do pliku konfiguracji:</p>"
    "<pre>desk:\n  accounts:\n    - login: anna\n      password_hash: \"scrypt$…\"</pre>"
    "<p>Potem uruchom bota ponownie. Koordynator z Telegrama może też napisać do bota "
    "<code>/panel</code> – dostanie jednorazowy link do logowania.</p></div>")


def routes(ctx: DeskContext) -> list[web.RouteDef]:
    links = SignInLinks(ctx.connection, ctx.clock)

    async def sign_in_form(request: web.Request) -> web.StreamResponse:
        if request.app[SESSIONS_KEY].find(request.cookies.get(COOKIE, "")) is not None:
            raise web.HTTPSeeOther(safe_next(request.query.get("dalej")))
        return _form(ctx, request, error=None, status=200)

    async def sign_in(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        if not _same_origin(request, ctx) or not _form_token_ok(request, form.get("csrf")):
            return _form(ctx, request, error="Ten formularz jest nieaktualny. Spróbuj jeszcze "
                         "raz.", status=403)
        login = _field(form.get("login"))
        password = _field(form.get("haslo"))
        limiter = request.app[LIMITER_KEY]
        address = client_address(request.remote, request.headers.get("X-Forwarded-For"),
                                 networks(ctx.settings.web.trusted_proxies))
        keys = (f"login:{login.casefold()}", f"ip:{address}")
        wait = limiter.wait(*keys)
        if wait:
            response = _form(ctx, request, status=429, error=(
                "Za dużo nieudanych prób logowania. Odczekaj kilka minut i spróbuj ponownie."))
            response.headers["Retry-After"] = retry_after(wait)
            return response
        account = ctx.settings.desk.account(login)
        if account is None:
            await asyncio.to_thread(waste_time, password)
            ok = False
        else:
            ok = await asyncio.to_thread(verify_password, password, account.password_hash)
        if not ok:
            limiter.failed(*keys)
            return _form(ctx, request, status=401,
                         error="Nieprawidłowy login lub hasło. Spróbuj jeszcze raz.")
        limiter.succeeded(keys[0])
        return _signed_in(ctx, request, login, safe_next(request.query.get("dalej")))

    async def link_page(request: web.Request) -> web.StreamResponse:
        login = links.peek(request.match_info["token"])
        if login is None:
            return _link_gone(request)
        # A button, not an automatic sign-in: link previews must not use the link up.
        body = html('<p>Ten jednorazowy link zaloguje Cię do biurka jako <strong>{login}'
                    '</strong>.</p><form method="post"><button type="submit">Zaloguj się'
                    "</button></form>", login=login)
        return page(request, "Logowanie z Telegrama", body)

    async def use_link(request: web.Request) -> web.StreamResponse:
        if not _same_origin(request, ctx):
            return _link_gone(request)
        login = links.use(request.match_info["token"])
        if login is None:
            return _link_gone(request)
        return _signed_in(ctx, request, login, PREFIX)

    async def sign_out(request: web.Request) -> web.StreamResponse:
        request.app[SESSIONS_KEY].end(request.cookies.get(COOKIE, ""))
        response = see_other(SIGN_IN, "Wylogowałem Cię. Do zobaczenia!")
        response.del_cookie(COOKIE, path=PREFIX)
        return response

    return [web.get(SIGN_IN, sign_in_form), web.post(SIGN_IN, sign_in),
            web.get("/koordynator/link/{token}", link_page),
            web.post("/koordynator/link/{token}", use_link),
            web.post("/koordynator/wyloguj", sign_out)]


def _form(ctx: DeskContext, request: web.Request, *, error: str | None, status: int
          ) -> web.Response:
    token = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    parts = []
    if request.query.get("wygasla") and error is None:
        parts.append(Html('<p class="problem">Sesja wygasła – zaloguj się ponownie.</p>'))
    if error:
        parts.append(html('<p class="problem" role="alert">{error}</p>', error=error))
    if not ctx.settings.desk.accounts:
        parts.append(NO_ACCOUNTS)
    action = SIGN_IN + (f"?dalej={_quoted_next(request)}" if request.query.get("dalej") else "")
    parts.append(html(
        '<form method="post" action="{action}" class="sign-in">'
        '<input type="hidden" name="csrf" value="{token}">'
        '<label for="login">Login</label>'
        '<input type="text" id="login" name="login" autocomplete="username" required '
        'maxlength="200" autocapitalize="none" spellcheck="false">'
        '<label for="haslo">Hasło</label>'
        '<input type="password" id="haslo" name="haslo" autocomplete="current-password" '
        'required maxlength="200">'
        '<p><button type="submit">Zaloguj się</button></p></form>'
        '<p class="muted">Koordynator z Telegrama może też napisać do bota <code>/panel</code> '
        "i zalogować się jednorazowym linkiem.</p>", action=action, token=token))
    response = page(request, "Logowanie", join(parts), status=status)
    response.set_cookie(PRE_COOKIE, token, path=SIGN_IN, httponly=True, samesite="Strict")
    return response


def _quoted_next(request: web.Request) -> str:
    from bot.desk.page import quoted
    return quoted(safe_next(request.query.get("dalej")))


def _signed_in(ctx: DeskContext, request: web.Request, login: str, target: str
               ) -> web.StreamResponse:
    secret = request.app[SESSIONS_KEY].start(login)
    response = see_other(target)
    set_session_cookie(response, request, ctx.settings, secret)
    response.del_cookie(PRE_COOKIE, path=SIGN_IN)
    return response


def _link_gone(request: web.Request) -> web.Response:
    return page(request, "Link nieważny", html(
        '<p class="problem">Ten link już nie działa: jest ważny 10 minut i tylko raz. Napisz '
        "do bota <code>/panel</code>, a dostaniesz nowy, albo zaloguj się hasłem.</p>"
        '<p><a href="{href}">Logowanie</a></p>', href=SIGN_IN), status=410)


def _field(value: object) -> str:
    return value[:MAX_FIELD] if isinstance(value, str) else ""


def _form_token_ok(request: web.Request, given: object) -> bool:
    """The form's token matches its cookie; without the cookie (a script, not a browser that
    showed the form) the Origin check alone decides."""
    expected = request.cookies.get(PRE_COOKIE)
    if expected is None:
        return True
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())


def _same_origin(request: web.Request, ctx: DeskContext) -> bool:
    """A browser's cross-site POST carries a foreign Origin: refused. Behind a proxy the
    public address counts as ours."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    ours = {request.host, urlsplit(ctx.settings.web.public_url).netloc}
    return urlsplit(origin).netloc in ours
