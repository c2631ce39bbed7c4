"""The desk's door: no route without a session (all of them, walked), no POST without the
CSRF token, sessions that end, the sign-in limiter, the cookie's flags, accounts and hashes."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.cli import run_password
from bot.config import ConfigError, load_settings
from bot.desk.auth import PUBLIC
from bot.desk.limits import SignInLimiter
from bot.desk.passwords import hash_password, verify_password
from bot.tickets import Person
from tests.conftest import Clock
from tests.desk import (
    LOGIN,
    PASSWORD,
    csrf,
    desk_client,
    desk_settings,
    sign_in,
    text_of,
    with_accounts,
)
from tests.webchat import NOW

# The web chat's own public routes; anything else must be the desk's, behind the sign-in.
WEB_CHAT_ROUTES = {"/healthz", "/czat", "/czat/app.js", "/czat/app.css", "/czat/widget.js",
                   "/widget.js", "/czat/spotkanie/{meeting}.ics", "/api/czat",
                   "/api/czat/{session}", "/api/czat/{session}/email"}


def desk_routes(app: web.Application) -> list[tuple[str, str]]:
    """(method, path with every {placeholder} filled) of every desk route but the public."""
    found = []
    for route in app.router.routes():
        canonical = route.resource.canonical if route.resource is not None else ""
        if not canonical.startswith("/koordynator") or (route.method, canonical) in PUBLIC:
            continue
        if route.method == "HEAD" and ("GET", canonical) in PUBLIC:
            continue
        found.append((route.method, re.sub(r"\{[^}]+\}", "1", canonical)))
    return sorted(set(found))


async def test_every_route_but_sign_in_needs_a_session(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path), login=None) as (client, channel):
        outside = {r.resource.canonical for r in channel.app.router.routes()
                   if r.resource is not None
                   and not r.resource.canonical.startswith("/koordynator")}
        assert outside <= WEB_CHAT_ROUTES, "a page outside /koordynator: put it under the desk"
        routes = desk_routes(channel.app)
        methods = {method for method, _ in routes}
        assert {"GET", "POST"} <= methods and len(routes) >= 8
        for method, path in routes:
            response = await client.request(method, path, allow_redirects=False,
                                            headers={"Accept": "text/html"})
            if method in ("GET", "HEAD"):
                assert response.status == 302, (method, path, response.status)
                assert response.headers["Location"].startswith(
                    "/koordynator/logowanie?dalej="), path
            else:
                assert response.status == 401, (method, path, response.status)
            assert "Set-Cookie" not in response.headers or "koordynator=" not in \
                response.headers["Set-Cookie"]
        # JSON callers get 401, not a redirect; unknown desk paths look the same as known ones
        response = await client.get("/koordynator/wiedza", headers={"Accept":
                                                                    "application/json"})
        assert response.status == 401
        response = await client.get("/koordynator/nie-ma-takiej", allow_redirects=False)
        assert response.status == 302


async def test_every_post_is_refused_without_the_csrf_token(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, channel):
        desk = channel.chat.core.desk
        desk.hand_off(Person("s1", "s1", "", channel="web"), "zgubiłem psa", (), 0)
        posts = [path for method, path in desk_routes(channel.app) if method == "POST"]
        assert "/koordynator/zgloszenie/1/zamknij" in posts and "/koordynator/wyloguj" in posts
        for path in posts:
            for data, headers in (({}, {}), ({"csrf": "zly"}, {}),
                                  ({}, {"X-CSRF-Token": "zly"}),
                                  ({"csrf": ""}, {})):
                response = await client.post(path, data={"tresc": "x", **data},
                                             headers=headers, allow_redirects=False)
                assert response.status == 403, (path, data, headers, response.status)
                assert "Ten formularz jest nieaktualny" in text_of(await response.text())
        assert desk.ticket(1).status == "open" and desk.ticket(1).claimed_by is None
        assert (await client.get("/koordynator")).status == 200  # still signed in
        # The token of the session works, as a form field and as a header.
        token = await csrf(client, "/koordynator/zgloszenie/1")
        response = await client.post("/koordynator/zgloszenie/1/biore",
                                     headers={"X-CSRF-Token": token}, allow_redirects=False)
        assert response.status == 303


async def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session(
        tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path), login=None) as (client, _):
        page = await client.get("/koordynator/zgloszenia/zalatwione")
        assert page.url.path == "/koordynator/logowanie"
        form = await page.text()
        assert 'name="login"' in form and 'name="haslo"' in form and 'name="csrf"' in form
        token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        response = await client.post(
            "/koordynator/logowanie?dalej=/koordynator/zgloszenia/zalatwione",
            data={"login": LOGIN, "haslo": PASSWORD, "csrf": token}, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/koordynator/zgloszenia/zalatwione"
        cookie = next(v for v in response.headers.getall("Set-Cookie")
                      if v.startswith("koordynator="))
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        assert "Path=/koordynator" in cookie and "Secure" not in cookie  # plain http here
        assert len(cookie.split(";")[0].split("=", 1)[1]) >= 32
        page = await client.get("/koordynator")
        assert page.status == 200 and f"Zalogowano: {LOGIN}" in text_of(await page.text())

        token = await csrf(client, "/koordynator")
        response = await client.post("/koordynator/wyloguj", data={"csrf": token})
        assert response.url.path == "/koordynator/logowanie"
        assert "Wylogowałem Cię" in text_of(await response.text())
        response = await client.get("/koordynator", allow_redirects=False)
        assert response.status == 302


async def test_no_way_out_of_the_desk_after_signing_in(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path), login=None) as (client, _):
        for target in ("https://zly.example/", "//zly.example/koordynator", "/czat",
                       "/koordynator\\@zly.example"):
            token = await csrf(client, "/koordynator/logowanie")
            response = await client.post(f"/koordynator/logowanie?dalej={target}", data={
                "login": LOGIN, "haslo": PASSWORD, "csrf": token}, allow_redirects=False)
            assert response.headers["Location"] == "/koordynator", target


@pytest.mark.parametrize(("web", "headers", "secure"), [
    ({"public_url": "https://infolinia.example"}, {}, True),
    ({"trusted_proxies": ("127.0.0.1",)}, {"X-Forwarded-Proto": "https"}, True),
    ({}, {"X-Forwarded-Proto": "https"}, False),  # not from a trusted proxy
])
async def test_the_cookie_is_secure_behind_https(tmp_path: Path, web: dict, headers: dict,
                                                 secure: bool) -> None:
    async with desk_client(desk_settings(tmp_path, **web), login=None) as (client, _):
        token = await csrf(client, "/koordynator/logowanie")
        response = await client.post("/koordynator/logowanie", headers=headers, data={
            "login": LOGIN, "haslo": PASSWORD, "csrf": token}, allow_redirects=False)
        assert response.status == 303
        cookie = next(v for v in response.headers.getall("Set-Cookie")
                      if v.startswith("koordynator="))
        assert ("Secure" in cookie) is secure


async def test_an_idle_or_old_session_ends(tmp_path: Path) -> None:
    clock = Clock(NOW)
    async with desk_client(desk_settings(tmp_path), clock) as (client, _):
        clock.now += dt.timedelta(minutes=29)
        assert (await client.get("/koordynator")).status == 200
        clock.now += dt.timedelta(minutes=31)  # idle_minutes: 30
        response = await client.get("/koordynator", allow_redirects=False)
        assert response.status == 302 and "wygasla=1" in response.headers["Location"]
        page = await client.get(response.headers["Location"])
        assert "Sesja wygasła" in text_of(await page.text())
        token = await csrf(client, "/koordynator/logowanie")
        response = await client.post("/koordynator/wyloguj", data={"csrf": token})
        assert response.status == 401  # an ended session cannot post either

        await sign_in(client)
        for _ in range(12 * 4 + 1):  # active every 15 minutes, but 12 hours is the most
            clock.now += dt.timedelta(minutes=15)
            response = await client.get("/koordynator", allow_redirects=False)
            if response.status != 200:
                break
        assert response.status == 302
        assert clock.now - NOW >= dt.timedelta(hours=12)


async def test_sign_in_attempts_are_limited_per_login_and_per_address(tmp_path: Path) -> None:
    seconds = [0.0]
    limiter = SignInLimiter(clock=lambda: seconds[0])
    settings = with_accounts(desk_settings(tmp_path, trusted_proxies=("127.0.0.1",)),
                             (LOGIN, PASSWORD), ("bartek", "drugie tajne hasło"))
    async with desk_client(settings, login=None, limiter=limiter) as (client, _):
        async def attempt(login: str, password: str, address: str) -> web.Response:
            token = await csrf(client, "/koordynator/logowanie")
            return await client.post("/koordynator/logowanie", allow_redirects=False,
                                     headers={"X-Forwarded-For": address},
                                     data={"login": login, "haslo": password, "csrf": token})

        for n in range(5):
            response = await attempt(LOGIN, f"zgaduję {n}", f"203.0.113.{n}")
            assert response.status == 401
            assert "Nieprawidłowy login lub hasło" in text_of(await response.text())
        response = await attempt(LOGIN, PASSWORD, "203.0.113.99")  # right, but too late
        assert response.status == 429
        assert int(response.headers["Retry-After"]) > 800
        assert "Za dużo nieudanych prób" in text_of(await response.text())
        assert (await attempt("bartek", "drugie tajne hasło", "203.0.113.99")).status == 303
        client.session.cookie_jar.clear()  # signed out again

        for n in range(5):  # one address trying many logins
            assert (await attempt(f"ktos{n}", "x", "198.51.100.7")).status == 401
        assert (await attempt("bartek", "drugie tajne hasło", "198.51.100.7")).status == 429

        seconds[0] += 15 * 60 + 1
        assert (await attempt(LOGIN, PASSWORD, "198.51.100.7")).status == 303


async def test_sign_in_from_another_site_is_refused(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path), login=None) as (client, _):
        response = await client.post("/koordynator/logowanie", allow_redirects=False,
                                     headers={"Origin": "https://zly.example"},
                                     data={"login": LOGIN, "haslo": PASSWORD})
        assert response.status == 403
        await csrf(client, "/koordynator/logowanie")  # the form's cookie is set
        response = await client.post("/koordynator/logowanie", allow_redirects=False,
                                     data={"login": LOGIN, "haslo": PASSWORD, "csrf": "zly"})
        assert response.status == 403
        # a script that posts only login and haslo (no Origin, no token) may sign in
        response = await client.post("/koordynator/logowanie", allow_redirects=False,
                                     data={"login": LOGIN, "haslo": PASSWORD})
        assert response.status == 303


async def test_without_accounts_the_sign_in_page_says_how_to_add_one(tmp_path: Path) -> None:
    settings = replace(desk_settings(tmp_path), desk=replace(desk_settings(tmp_path).desk,
                                                               accounts=()))
    async with desk_client(settings, login=None) as (client, _):
        page = text_of(await (await client.get("/koordynator")).text())
        assert "Nie ma jeszcze żadnego konta koordynatora" in page
        assert "python -m bot haslo" in page and "/panel" in page


async def test_html_in_the_login_is_shown_as_text(tmp_path: Path) -> None:
    login = "<b>ktoś</b>"
    async with desk_client(desk_settings(tmp_path), login=None) as (client, _):
        token = await csrf(client, "/koordynator/logowanie")
        response = await client.post("/koordynator/logowanie", data={
            "login": login, "haslo": "x", "csrf": token})
        assert "<b>ktoś</b>" not in await response.text()
    config = tmp_path / "config.yaml"
    config.write_text("desk:\n  accounts:\n    - login: x<i>y\n      password_hash: "
                      f"'{hash_password(PASSWORD, n=2**10)}'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"desk.accounts\[0\].login"):
        load_settings(config, env={})


def test_haslo_prints_a_hash_that_checks(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_password(io.StringIO("moje długie hasło\n"), out, err) == 0
    stored = out.getvalue().strip()
    assert stored.startswith("scrypt$32768$8$1$") and len(stored.split("$")) == 6
    assert verify_password("moje długie hasło", stored)
    assert not verify_password("moje długie hasłO", stored)
    assert hash_password("moje długie hasło") != stored  # salted
    assert run_password(io.StringIO("krótkie\n"), io.StringIO(), err) == 1
    assert "co najmniej 10 znaków" in err.getvalue()

    config = tmp_path / "config.yaml"
    config.write_text(f"desk:\n  accounts:\n    - login: anna\n      password_hash: '{stored}'\n"
                      "  idle_minutes: 20\n", encoding="utf-8")
    settings = load_settings(config, env={})
    assert settings.desk.account("anna") is not None and settings.desk.idle_minutes == 20
    for bad, message in (("desk:\n  accounts:\n    - login: anna\n      password_hash: abc\n",
                          "password_hash"),
                         ("desk:\n  konta: []\n", "desk.konta: unknown key"),
                         ("desk:\n  accounts: anna\n", "desk.accounts"),
                         ("desk:\n  accounts:\n    - login: anna\n      haslo: x\n",
                          r"desk.accounts\[0\].haslo: unknown key")):
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_settings(config, env={})


async def test_a_client_that_keeps_no_cookies_is_never_signed_in(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, _):
        bare = TestClient(client.server)  # same server, no cookie jar of the signed-in one
        try:
            response = await bare.get("/koordynator", allow_redirects=False)
            assert response.status == 302
            response = await bare.get("/koordynator", allow_redirects=False,
                                      headers={"Cookie": "koordynator=zgadniete"})
            assert response.status == 302
        finally:
            await bare.session.close()


async def test_history_lists_changes_and_offers_undo_where_possible(tmp_path: Path) -> None:
    from bot.desk import history

    async with desk_client(desk_settings(tmp_path)) as (client, channel):
        connection = channel.chat.core.desk.connection
        history.record(connection, NOW, "bartek", "Zmiana wpisu", "czlonkostwo.jak <b>", None)
        undoable = history.record(connection, NOW + dt.timedelta(minutes=5), "anna",
                                  "Nowy wpis", "nauczone.psy", undo_ref=7)
        assert [c.action for c in history.recent(connection, 10)] == ["Nowy wpis",
                                                                      "Zmiana wpisu"]
        page = await (await client.get("/koordynator/historia")).text()
        text = text_of(page)
        assert "28.11.2026 11:05 anna Nowy wpis nauczone.psy Cofnij" in text
        assert "28.11.2026 11:00 bartek Zmiana wpisu czlonkostwo.jak <b>" in text
        assert page.count(">Cofnij</button>") == 1
        from tests.desk import submit
        response = await submit(client, "/koordynator/historia",
                                f"/koordynator/historia/{undoable}/cofnij")
        assert response.status == 303  # no such version (7): the history says so
        shown = await client.get(response.headers["Location"])
        assert "Nie udało mi się cofnąć tej zmiany" in text_of(await shown.text())
