"""The web chat in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium; nothing is downloaded): a question, a suggestion, a hand-off, the coordinator's
Telegram answer arriving live, a reload; the widget on another site's page; axe-core finds no
accessibility violations; screenshots at 390 and 1280 px go to tests/screenshots/."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot import texts
from bot.config import EmailSettings, Settings, WebSettings
from bot.web.chat import EMAIL_OFFER
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, ROOT
from tests.fakebot import FakeTelegram
from tests.webchat import SmtpServer, free_port, running_bot_with_web

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = ROOT / "tests" / "screenshots"
AXE_DIR = ROOT / "tests" / ".axe"  # npm install --prefix tests/.axe axe-core (git-ignored)
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                       reason="needs Debian's chromium and chromium-driver (.ci/run installs)"),
]


def axe_source() -> str:
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(AXE_DIR), "axe-core@4"], check=False, timeout=180,
                       capture_output=True)
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install --prefix tests/.axe axe-core)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-sync",
                 "--disable-component-update", "--hide-scrollbars", "--force-device-scale-factor=1",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


async def in_thread(call: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.to_thread(call, *args)


async def until(driver: Any, script: str, timeout: float = 8.0) -> Any:
    """Wait until a JavaScript expression in the page is truthy; its value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = await in_thread(driver.execute_script, f"return ({script});")
        if value:
            return value
        if loop.time() > deadline:
            # the chat's conversation when the page has one, else the whole page (the desk)
            shown = await in_thread(driver.execute_script, "return (document.getElementById("
                                    "'rozmowa') || document.body).innerText;")
            raise AssertionError(f"not in time: {script}\npage:\n{shown}")
        await asyncio.sleep(0.1)


def bubble_with(text: str, author: str = "bot") -> str:
    return (f"[...document.querySelectorAll('#rozmowa .msg.{author}')]"
            f".find(e => e.textContent.includes({text!r}))")


async def ask(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    field = await in_thread(driver.find_element, By.ID, "pytanie")
    await in_thread(field.send_keys, text)
    await in_thread(field.send_keys, Keys.ENTER)


async def click_choice(driver: Any, label: str) -> None:
    await in_thread(driver.execute_script, """
        const last = [...document.querySelectorAll('#rozmowa button.choice')]
            .filter(b => b.textContent === arguments[0]).pop();
        last.focus();
        last.click();""", label)


async def screenshot(driver: Any, name: str, width: int) -> Path:
    await in_thread(driver.set_window_size, width, 900)
    await asyncio.sleep(0.3)
    height = await in_thread(driver.execute_script,
                             "return document.documentElement.scrollHeight;")
    await in_thread(driver.set_window_size, width, min(max(height, 900), 4000))
    await in_thread(driver.execute_script, "window.scrollTo({top: 0, behavior: 'instant'});")
    await asyncio.sleep(0.3)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    await in_thread(driver.save_screenshot, str(path))
    return path


async def axe_violations(driver: Any) -> list[dict[str, Any]]:
    await in_thread(driver.execute_script, axe_source())
    return await in_thread(driver.execute_async_script, """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                     'best-practice']})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))));""")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


async def test_the_web_chat_in_chromium(tg: FakeTelegram, settings: Settings, browser: Any,
                                        smtp: SmtpServer) -> None:
    host_port = free_port()
    host_origin = f"http://127.0.0.1:{host_port}"
    settings = replace(settings, web=WebSettings(enabled=True, port=0,
                                                 allowed_origins=(host_origin,)),
                       email=EmailSettings(host="127.0.0.1", port=smtp.port, starttls=False,
                                           sender="infolinia@klaster.example"))
    async with running_bot_with_web(settings) as (_, channel):
        await in_thread(browser.get, channel.url)
        await until(browser, "document.querySelector('.menu button.choice')")
        assert await axe_violations(browser) == []

        # Keyboard only: Tab to the first category, Enter opens it.
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        for _ in range(3):  # skip link, (menu heading is not focusable), first category
            await in_thread(ActionChains(browser).send_keys(Keys.TAB).perform)
            if await in_thread(browser.execute_script, "return document.activeElement"
                               ".classList.contains('choice');"):
                break
        outline = await in_thread(browser.execute_script,
                                  "return getComputedStyle(document.activeElement).outlineStyle;")
        assert outline == "solid"  # the focus is visible
        await in_thread(ActionChains(browser).send_keys(Keys.ENTER).perform)
        await until(browser, bubble_with("wybierz pytanie"))

        await ask(browser, "jak dołączyć do klastra")
        await until(browser, bubble_with("DOEKO"))
        await ask(browser, "spółdzielnia")
        await until(browser, bubble_with(texts.SUGGEST_INTRO))
        first = await in_thread(browser.execute_script, """
            const items = [...document.querySelectorAll('#rozmowa > li')];
            return items.pop().querySelector('button.choice').textContent;""")
        await click_choice(browser, first)
        await until(browser, "[...document.querySelectorAll('#rozmowa button.choice')]"
                    f".filter(b => b.textContent === {texts.HELPED!r}).length >= 2")

        start = len(tg.sent)
        await ask(browser, "zgubiłem psa na spacerze")
        await until(browser, bubble_with(texts.NO_ANSWER[:30]))
        await click_choice(browser, texts.PASS_ON)
        await until(browser, bubble_with("Przekazałem pytanie koordynatorowi"))
        post = await tg.wait_for_text(COORDINATOR_CHAT.id, "Zgłoszenie #", start=start)
        assert "Kanał: czat na stronie" in post.text

        await click_choice(browser, EMAIL_OFFER)  # the optional e-mail, with consent
        await until(browser, "!document.getElementById('email').hidden")
        assert await axe_violations(browser) == []
        address = await in_thread(browser.find_element, "id", "adres")
        await in_thread(address.send_keys, "anna@example.pl")
        await in_thread(browser.execute_script, "document.getElementById('zgoda').click();"
                        "document.querySelector('#email button[type=submit]').click();")
        await until(browser, bubble_with("Zapisałem adres anna@example.pl"))

        await tg.send_text(COORDINATOR, "Pies czeka w schronisku przy ul. Polnej.",
                           chat=COORDINATOR_CHAT, reply_to=post)
        await until(browser, bubble_with("Pies czeka w schronisku"), timeout=6)
        for _ in range(50):
            if smtp.mailbox.messages:
                break
            await asyncio.sleep(0.1)
        assert "Pies czeka w schronisku" in smtp.mailbox.messages[0].get_content()

        assert await axe_violations(browser) == []
        wide = await screenshot(browser, "czat-1280.png", 1280)
        await in_thread(browser.refresh)
        await until(browser, bubble_with("Pies czeka w schronisku"))
        await until(browser, bubble_with("zgubiłem psa na spacerze", "person"))
        await in_thread(browser.execute_script, "document.getElementById('link').click();")
        link = await until(browser, "document.getElementById('link-tekst').value")
        session = await in_thread(browser.execute_script,
                                  "return localStorage.getItem('infolinia.sesja');")
        assert link == f"{channel.url}#s={session}"
        assert await axe_violations(browser) == []
        # "Another device": nothing stored, only the saved link.
        await in_thread(browser.execute_script, "localStorage.clear();")
        await in_thread(browser.get, "about:blank")
        await in_thread(browser.get, link)
        await until(browser, bubble_with("Pies czeka w schronisku"))
        assert await in_thread(browser.execute_script, "return location.hash;") == ""
        await in_thread(browser.set_window_size, 390, 844)  # a phone's first screen
        await asyncio.sleep(0.5)
        await in_thread(browser.save_screenshot, str(SCREENSHOTS / "czat-390-telefon.png"))
        narrow = await screenshot(browser, "czat-390.png", 390)
        assert await axe_violations(browser) == []
        for shot in (wide, narrow):
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        # The widget on another site's page: a button that opens the chat in an iframe.
        host = web.Application()
        page = ("<!doctype html><html lang='pl'><head><meta charset='utf-8'><title>Gmina"
                "</title></head><body><main><h1>Strona gminy</h1><p>Aktualności.</p></main>"
                f"<script src='{channel.url}/widget.js' async></script></body></html>")

        async def host_page(_: web.Request) -> web.Response:
            return web.Response(text=page, content_type="text/html")

        host.router.add_get("/", host_page)
        runner = web.AppRunner(host)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", host_port).start()
        try:
            await in_thread(browser.set_window_size, 390, 844)
            await in_thread(browser.get, host_origin + "/")
            await until(browser, "document.querySelector('button[aria-controls=infolinia-czat]')")
            await in_thread(browser.execute_script,
                            "document.querySelector('button[aria-controls=infolinia-czat]')"
                            ".click();")
            await until(browser, "document.getElementById('infolinia-czat')")
            assert await axe_violations(browser) == []  # the button and the frame are named
            frame = await in_thread(browser.find_element, "id", "infolinia-czat")
            await in_thread(browser.switch_to.frame, frame)
            await until(browser, bubble_with("Pies czeka w schronisku"))  # same session
            await in_thread(browser.switch_to.default_content)
            await asyncio.sleep(1.0)  # the smooth scroll to the newest message
            SCREENSHOTS.mkdir(exist_ok=True)
            await in_thread(browser.save_screenshot, str(SCREENSHOTS / "widget-390.png"))
            await in_thread(browser.set_window_size, 1280, 900)
            await asyncio.sleep(0.5)
            await in_thread(browser.save_screenshot, str(SCREENSHOTS / "widget-1280.png"))
            # Escape inside the chat closes the panel; the focus goes back to the button.
            await in_thread(browser.switch_to.frame, frame)
            await in_thread(ActionChains(browser).send_keys(Keys.ESCAPE).perform)
            await in_thread(browser.switch_to.default_content)
            await until(browser, "document.getElementById('infolinia-czat').style.display"
                                 " === 'none' && document.activeElement.getAttribute("
                                 "'aria-expanded') === 'false'")
        finally:
            await runner.cleanup()
