"""The desk's meetings, announcements and statistics in a real headless Chromium, beside the
real Telegram application (the fake Bot API): sign in, add a meeting, and `/spotkania` on
Telegram lists it. axe-core finds nothing on these pages; screenshots at 1280 and 390 px go to
tests/screenshots/ (desk-*.png)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bot.config import Settings
from tests.conftest import RESIDENT
from tests.desk import browser_sign_in
from tests.fakebot import FakeTelegram
from tests.test_desk_meetings_telegram import desk_and_bot  # noqa: F401
from tests.test_telegram_meetings import subscribe
from tests.test_web_browser import (  # noqa: F401
    CHROMEDRIVER,
    CHROMIUM,
    axe_violations,
    browser,
    in_thread,
    screenshot,
)
from tests.webchat import running_bot_with_web

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)),
                       reason="needs Debian's chromium and chromium-driver (.ci/run installs)"),
]


async def type_into(driver: Any, field_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    field = await in_thread(driver.find_element, By.ID, field_id)
    if await in_thread(field.get_property, "value"):
        await in_thread(field.clear)
    await in_thread(field.send_keys, text)


async def submit(driver: Any, selector: str) -> None:
    from selenium.webdriver.common.by import By
    button = await in_thread(driver.find_element, By.CSS_SELECTOR, selector)
    await in_thread(button.click)


async def text(driver: Any, selector: str = "main") -> str:
    from selenium.webdriver.common.by import By
    element = await in_thread(driver.find_element, By.CSS_SELECTOR, selector)
    return str(await in_thread(lambda: element.text))


async def check_page(driver: Any, name: str) -> None:
    """No accessibility violations, nothing wider than a phone; screenshots at both widths."""
    await in_thread(driver.set_window_size, 1280, 900)
    assert await axe_violations(driver) == [], name
    await screenshot(driver, f"desk-{name}-1280.png", 1280)
    await screenshot(driver, f"desk-{name}-390.png", 390)
    overflow = await in_thread(driver.execute_script,
                               "return document.documentElement.scrollWidth;")
    assert overflow <= 390, (name, overflow)
    await in_thread(driver.set_window_size, 1280, 900)


async def test_a_meeting_added_in_the_desk_is_listed_on_telegram(
        tg: FakeTelegram, desk_and_bot: Settings, browser: Any) -> None:  # noqa: F811
    async with running_bot_with_web(desk_and_bot) as (_, channel):
        await subscribe(tg)
        start = len(tg.sent)
        await tg.send_text(RESIDENT, "zgubiłem psa")  # an unanswered question
        await tg.wait_for(lambda s: s.chat_id == RESIDENT.id, start=start)
        base = channel.url.removesuffix("/czat")
        browser.implicitly_wait(5)  # elements of the page a click leads to
        await in_thread(browser_sign_in, browser, base)

        await in_thread(browser.get, base + "/koordynator/spotkania")
        await check_page(browser, "spotkania")
        await type_into(browser, "title", "Dyżur energetyczny <dla mieszkańców>")
        await type_into(browser, "when", "31.02.2027 10:00")
        await type_into(browser, "place", "Urząd Gminy Mykanów, sala 12")
        await type_into(browser, "registration", "bez zapisów")
        await submit(browser, "form.meeting-form button[type=submit]")
        assert "Takiego dnia nie ma w kalendarzu" in await text(browser, "#when-blad")
        await check_page(browser, "spotkania-blad")
        await type_into(browser, "when", "12.01.2027 16:00-18:00")
        await submit(browser, "form.meeting-form button[type=submit]")
        note = await text(browser, ".note")
        assert note.startswith("Dodałem spotkanie „Dyżur energetyczny <dla mieszkańców>”")

        start = len(tg.sent)
        await tg.send_text(RESIDENT, "/spotkania")
        card = await tg.wait_for_text(RESIDENT.id, "Dyżur energetyczny", start=start)
        assert "Dyżur energetyczny <dla mieszkańców>" in card.text
        assert "wtorek, 12 stycznia 2027, 16:00–18:00" in card.text

        await in_thread(browser.get, base + "/koordynator/spotkania/2026-12-walne/przenies")
        await check_page(browser, "przenies")
        await in_thread(browser.get, base + "/koordynator/ogloszenia")
        await type_into(browser, "ogloszenie", "Zapraszamy na dyżur energetyczny.\nDo zobaczenia!")
        await submit(browser, "main form button[type=submit]")
        assert "📢 Ogłoszenie" in await text(browser, ".bubble")
        await check_page(browser, "ogloszenie-podglad")
        await submit(browser, "form[action$='/wyslij'] button")
        await tg.wait_for_text(RESIDENT.id, "Zapraszamy na dyżur energetyczny.")
        await in_thread(browser.refresh)
        assert "Dostarczone\n1" in await text(browser, "table.totals") or \
            "Dostarczone 1" in await text(browser, "table.totals")
        await check_page(browser, "ogloszenie-raport")

        await in_thread(browser.get, base + "/koordynator/statystyki")
        assert "zgubiłem psa" in await text(browser)
        await check_page(browser, "statystyki")
        await in_thread(browser.find_element(
            "link text", "Dodaj jako sformułowanie…").click)
        assert "Pytanie mieszkańca: zgubiłem psa" in await text(browser)
        await check_page(browser, "sformulowanie")
