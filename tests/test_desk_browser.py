"""The desk in a real headless Chromium (Debian's chromium and chromium-driver): a resident
hands a question off in the web chat, the coordinator signs in through the form, answers it
from the desk, and the resident's page shows the answer; axe-core finds nothing on the sign-in
page, the inbox and the ticket page; screenshots at 1280 and 390 px in tests/screenshots/."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot import texts
from bot.desk.wiring import DeskHooks, watch_reload
from bot.web.server import standalone_conversation, web_channel
from tests.conftest import Clock
from tests.desk import browser_sign_in, desk_settings
from tests.test_web_browser import (  # noqa: F401 - browser is a fixture
    SCREENSHOTS,
    ask,
    axe_violations,
    browser,
    bubble_with,
    click_choice,
    in_thread,
    pytestmark,
    screenshot,
    until,
)
from tests.webchat import NOW, knowledge_watch


async def shots(driver: Any, name: str) -> None:
    for width in (1280, 390):
        path = await screenshot(driver, f"{name}-{width}.png", width)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        overflow = await in_thread(driver.execute_script,
                                   "return document.documentElement.scrollWidth "
                                   "- document.documentElement.clientWidth;")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
    await in_thread(driver.set_window_size, 1280, 900)


async def test_the_desk_in_chromium(tmp_path: Path, browser: Any) -> None:  # noqa: F811
    settings = desk_settings(tmp_path)
    clock = Clock(NOW)
    watch = knowledge_watch(settings, clock)
    core = standalone_conversation(settings, clock, watch)
    channel = web_channel(settings, core, clock=clock, standalone=True, poll_seconds=5.0,
                          delivery_interval=0.2,
                          desk_hooks=DeskHooks(reload=watch_reload(watch)))
    await channel.start()
    base = channel.url.removesuffix("/czat")
    try:
        # The resident, in the web chat.
        await in_thread(browser.get, channel.url)
        await until(browser, "document.querySelector('.menu button.choice')")
        await ask(browser, "zgubiłem psa na spacerze <b>w parku</b>")
        await until(browser, bubble_with(texts.NO_ANSWER[:30]))
        await click_choice(browser, texts.PASS_ON)
        await until(browser, bubble_with("Przekazałem pytanie koordynatorowi"))
        resident = browser.current_window_handle

        # The coordinator, in another tab.
        await in_thread(browser.switch_to.new_window, "tab")
        await in_thread(browser.get, base + "/koordynator")
        await until(browser, "document.getElementById('haslo')")
        assert await axe_violations(browser) == []
        await shots(browser, "biurko-logowanie")
        await in_thread(browser_sign_in, browser, base)
        await until(browser, "document.querySelector('main table')")
        assert "zgubiłem psa na spacerze <b>w parku</b>" in await in_thread(
            browser.execute_script, "return document.querySelector('main table').innerText;")
        assert await axe_violations(browser) == []
        await shots(browser, "biurko-zgloszenia")

        await in_thread(browser.execute_script,
                        "document.querySelector('a[href=\"/koordynator/zgloszenie/1\"]').click();")
        await until(browser, "document.getElementById('tresc')")
        assert await axe_violations(browser) == []
        await shots(browser, "biurko-zgloszenie")
        field = await in_thread(browser.find_element, "id", "tresc")
        await in_thread(browser.execute_script, "arguments[0].scrollIntoView();"
                        "arguments[0].focus();", field)
        await asyncio.sleep(0.2)
        await in_thread(field.send_keys, "Pies czeka w schronisku przy ul. Polnej.")
        await in_thread(browser.execute_script,
                        "document.querySelector('#tresc').form.requestSubmit();")
        await until(browser, "document.querySelector('.note') && document.querySelector"
                       "('.note').innerText.includes('Zapisałem odpowiedź')")
        assert await axe_violations(browser) == []
        await shots(browser, "biurko-zgloszenie-z-odpowiedzia")
        await in_thread(browser.get, base + "/koordynator/historia")
        await until(browser, "document.querySelector('main table')")
        assert await axe_violations(browser) == []
        await shots(browser, "biurko-historia")

        # Back to the resident: the answer is in the page.
        await in_thread(browser.switch_to.window, resident)
        await until(browser, bubble_with("Pies czeka w schronisku"), timeout=10)
    finally:
        await channel.stop()
        core.desk.close_storage()
    assert SCREENSHOTS.exists() and pytestmark
