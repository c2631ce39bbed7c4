"""Helpers for the desk tests: a signed-in aiohttp TestClient over the standalone web channel,
a form's CSRF token, and signing in with a real browser."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import cache
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.config import DeskAccount, DeskSettings, Settings
from bot.desk.limits import SignInLimiter
from bot.desk.passwords import hash_password
from bot.desk.wiring import DeskHooks, watch_reload
from bot.web.server import WebChannel, standalone_conversation, web_channel
from tests.conftest import Clock
from tests.webchat import NOW, knowledge_watch, web_settings

LOGIN = "anna"
PASSWORD = "tajne hasło koordynatora"
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@cache
def password_hash(password: str = PASSWORD) -> str:
    """Cheap to check (tests sign in often); the real cost is `hash_password`'s default."""
    return hash_password(password, n=2**10)


def desk_settings(tmp_path: Path, *accounts: tuple[str, str], **web: Any) -> Settings:
    """The web chat's test settings with desk accounts ((login, password), ...; default the
    one LOGIN / PASSWORD)."""
    accounts = accounts or ((LOGIN, PASSWORD),)
    settings = web_settings(tmp_path, **web)
    return with_accounts(settings, *accounts)


def with_accounts(settings: Settings, *accounts: tuple[str, str]) -> Settings:
    return replace(settings, desk=replace(settings.desk if settings.desk else DeskSettings(),
                                          accounts=tuple(DeskAccount(login, password_hash(pw))
                                                         for login, pw in accounts)))


@asynccontextmanager
async def desk_client(settings: Settings, clock: Clock | None = None, *,
                      login: str | None = LOGIN, password: str = PASSWORD,
                      limiter: SignInLimiter | None = None, poll_seconds: float = 1.0,
                      ) -> AsyncIterator[tuple[TestClient, WebChannel]]:
    """The standalone web channel (web chat + desk) on a test server; signed in as `login`
    (None: not signed in). The client keeps the session cookie."""
    clock = clock or Clock(NOW)
    watch = knowledge_watch(settings, clock)
    core = standalone_conversation(settings, clock, watch)
    channel = web_channel(settings, core, clock=clock, poll_seconds=poll_seconds,
                          standalone=True, desk_hooks=DeskHooks(reload=watch_reload(watch)))
    if limiter is not None:
        from bot.desk.signin import LIMITER_KEY
        channel.app[LIMITER_KEY] = limiter
    client = TestClient(TestServer(channel.app))
    await client.start_server()
    channel.postman.start()  # answers reach the web chat as in service
    try:
        if login is not None:
            await sign_in(client, login, password)
        yield client, channel
    finally:
        await client.close()
        await channel.postman.stop()
        core.desk.close_storage()


async def sign_in(client: TestClient, login: str = LOGIN, password: str = PASSWORD) -> None:
    token = await csrf(client, "/koordynator/logowanie")
    response = await client.post("/koordynator/logowanie", allow_redirects=False,
                                 data={"login": login, "haslo": password, "csrf": token})
    assert response.status == 303, await response.text()


async def csrf(client: TestClient, path: str) -> str:
    """The CSRF token in the form(s) of the page at `path`."""
    response = await client.get(path)
    assert response.status == 200, (path, response.status)
    found = CSRF.search(await response.text())
    assert found is not None, f"no csrf field on {path}"
    return unescape(found.group(1))


async def post_form(client: TestClient, path: str, form_page: str | None = None,
                    **fields: str) -> Any:
    """POST a desk form as a browser would: the token from `form_page` (default: `path`),
    redirects not followed."""
    token = await csrf(client, form_page or path)
    return await client.post(path, data={"csrf": token, **fields}, allow_redirects=False)


class _Forms(HTMLParser):
    """The forms of a page: action -> hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = values.get("action", "")
            self.forms.setdefault(self._action, {})
        elif tag == "input" and self._action is not None and values.get("type") == "hidden":
            self.forms[self._action][values.get("name", "")] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None


def hidden_fields(page: str, action: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(page)
    assert action in parser.forms, f"no form posting to {action}: {list(parser.forms)}"
    return parser.forms[action]


async def submit(client: Any, page_path: str, action: str, **fields: str) -> Any:
    """Open `page_path`, fill the form that posts to `action` (its hidden fields as the page
    has them, plus `fields`) and send it; redirects not followed."""
    response = await client.get(page_path)
    assert response.status == 200, (page_path, response.status)
    data = {**hidden_fields(await response.text(), action), **fields}
    return await client.post(action, data=data, allow_redirects=False)


def text_of(page: str) -> str:
    """A page's visible text, roughly: tags out, entities decoded."""
    bare = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
    return " ".join(unescape(bare).split())


def browser_sign_in(driver: Any, base_url: str, login: str = LOGIN,
                    password: str = PASSWORD) -> None:
    """Sign in through the form with Selenium (blocking: run it in a thread)."""
    from selenium.webdriver.common.by import By

    driver.get(base_url.rstrip("/") + "/koordynator/logowanie")
    driver.find_element(By.ID, "login").send_keys(login)
    driver.find_element(By.ID, "haslo").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
    driver.find_element(By.CSS_SELECTOR, "form.who")  # the signed-in header
