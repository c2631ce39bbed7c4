"""The desk's inbox end to end over HTTP: an answer from the desk reaches the resident on their
channel (the web chat's page, Telegram) exactly as one from Telegram; the Telegram coordinator
chat shows the same state; no double answers; anonymised tickets; HTML shown as text."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot import texts
from bot.config import Settings, WebSettings
from bot.desk.app import CONTEXT_KEY
from bot.tickets import Person
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, RESIDENT
from tests.desk import (
    LOGIN,
    PASSWORD,
    desk_client,
    desk_settings,
    hidden_fields,
    sign_in,
    submit,
    text_of,
    with_accounts,
)
from tests.fakebot import FakeTelegram
from tests.test_telegram_conversation import ask_coordinator
from tests.test_web_api import hand_off
from tests.webchat import running_bot_with_web

TICKET = "/koordynator/zgloszenie/1"
ANSWER = TICKET + "/odpowiedz"


async def test_an_answer_from_the_desk_reaches_the_web_chat(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, _):
        session, handed = await hand_off(client)
        last = handed["messages"][-1]["id"]
        inbox = text_of(await (await client.get("/koordynator")).text())
        assert "Otwarte: 1 zgłoszenie" in inbox
        assert "#1 zgubiłem psa na spacerze czat na stronie" in inbox
        assert "mieszkaniec z czatu na stronie" in inbox and "przed chwilą" in inbox

        waiting = asyncio.create_task(client.get(f"/api/czat/{session}?po={last}"))
        response = await submit(client, TICKET, ANSWER, tresc="Pies czeka w schronisku.")
        assert response.status == 303
        [answer] = (await (await asyncio.wait_for(waiting, 5)).json())["messages"]
        assert answer["text"].endswith("(zgłoszenie nr 1):\n\nPies czeka w schronisku.")

        page = text_of(await (await client.get(response.headers["Location"])).text())
        assert "Zapisałem odpowiedź na zgłoszenie #1" in page  # the one-time note
        assert "z odpowiedzią" in page and "odpowiedź (anna) Pies czeka w schronisku." in page
        again = text_of(await (await client.get(TICKET)).text())
        assert "Zapisałem odpowiedź" not in again  # shown once
        assert "Nie ma otwartych zgłoszeń" in text_of(await (await client.get(
            "/koordynator")).text())
        settled = text_of(await (await client.get("/koordynator/zgloszenia/zalatwione")).text())
        assert "Zgłoszenie #1 z odpowiedzią" in settled and "(anna)" in settled
        history = text_of(await (await client.get("/koordynator/historia")).text())
        assert "anna Odpowiedź na zgłoszenie #1 Pies czeka w schronisku." in history


async def test_a_ticket_answered_meanwhile_is_answered_again_only_when_confirmed(
        tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, channel):
        await hand_off(client)
        form_page = await (await client.get(TICKET)).text()
        # Meanwhile a colleague answers (e.g. in Telegram).
        channel.chat.core.desk.answer(1, "Energa wymienia liczniki.", by="Mateusz")
        data = {**hidden_fields(form_page, ANSWER), "tresc": "Tauron."}
        response = await client.post(ANSWER, data=data)
        assert response.status == 409
        page = text_of(await response.text())
        assert "Nie wysłałem Twojej odpowiedzi" in page
        assert texts.ANSWER_AGAIN["answered"].format(number=1) in page
        assert "odpowiedź (Mateusz) Energa wymienia liczniki." in page  # what happened
        assert channel.chat.core.desk.ticket(1).answer == "Energa wymienia liczniki."
        # "Tak, wyślij mimo to"
        response = await client.post(ANSWER, data=hidden_fields(await response.text(), ANSWER)
                                     | {"tresc": "Tauron."}, allow_redirects=False)
        assert response.status == 303
        assert channel.chat.core.desk.ticket(1).answer == "Tauron."
        # An answered ticket's own form asks for the explicit yes too.
        response = await submit(client, TICKET, ANSWER, tresc="Trzecia.")
        assert response.status == 409
        assert "Trzecia." not in [i.text for i in channel.chat.core.desk.history_of(1)]
        response = await submit(client, TICKET, ANSWER, tresc="Trzecia.", ponownie="1")
        assert response.status == 303
        assert [i.text for i in channel.chat.core.desk.history_of(1)] == [
            "Energa wymienia liczniki.", "Tauron.", "Trzecia."]


async def test_take_and_close_from_the_desk_and_an_anonymised_ticket(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, channel):
        desk = channel.chat.core.desk
        session, handed = await hand_off(client)
        last = handed["messages"][-1]["id"]
        response = await submit(client, TICKET, TICKET + "/biore")
        page = text_of(await (await client.get(response.headers["Location"])).text())
        assert texts.TICKET_TAKEN.format(number=1) in page and "bierze: anna" in page
        assert "Biorę" not in page.split("Historia")[1]  # the button is gone
        inbox = text_of(await (await client.get("/koordynator")).text())
        assert inbox.endswith("anna Ostatnio załatwione zgłoszenia")

        waiting = asyncio.create_task(client.get(f"/api/czat/{session}?po={last}"))
        response = await submit(client, TICKET, TICKET + "/zamknij",
                                powod="To pytanie do gminy.")
        page = text_of(await (await client.get(response.headers["Location"])).text())
        assert ("Zamknąłem zgłoszenie #1 bez odpowiedzi. Mieszkaniec dostanie o tym "
                "wiadomość z powodem.") in page
        assert "zamknięte bez odpowiedzi: To pytanie do gminy." in page
        [notice] = (await (await asyncio.wait_for(waiting, 5)).json())["messages"]
        assert "Zamknąłem Twoje zgłoszenie nr 1" in notice["text"]
        assert "To pytanie do gminy." in notice["text"]
        response = await submit(client, TICKET, ANSWER, tresc="Jednak odpowiem.",
                                ponownie="1")
        assert response.status == 303  # a closed ticket may still be answered, when confirmed

        # The resident deletes their data: nothing can be answered any more.
        await hand_off(client, "zgubiłem kota w parku")
        desk.forget_person(desk.ticket(2).user_id, "web")
        page = await client.get("/koordynator/zgloszenie/2")
        assert "ta osoba usunęła swoje dane" in text_of(await page.text())
        assert 'name="tresc"' not in await page.text()
        form = await (await client.get(TICKET)).text()  # any form's token will do
        response = await client.post("/koordynator/zgloszenie/2/odpowiedz", data={
            "csrf": hidden_fields(form, ANSWER)["csrf"], "tresc": "Halo?", "ponownie": "1"})
        assert response.status == 409
        assert "Nie wyślę odpowiedzi na zgłoszenie #2: ta osoba usunęła swoje dane." in \
            text_of(await response.text())
        assert (await client.get("/koordynator/zgloszenie/99")).status == 404


async def test_the_inbox_with_a_slash_opens_and_refreshes_itself(tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (client, _):
        response = await client.get("/koordynator/")
        assert response.status == 200 and str(response.url).endswith("/koordynator")
        page = await response.text()
        assert "Nie ma otwartych zgłoszeń" in text_of(page)
        assert "odświeża się sama co minutę" in text_of(page)  # new tickets show up by themselves
        script = await client.get("/koordynator/zasoby/inbox.js")
        assert script.status == 200 and "location.reload" in await script.text()


async def test_html_in_any_field_is_shown_as_text(tmp_path: Path) -> None:
    settings = with_accounts(desk_settings(tmp_path), ("<i>ala</i>", PASSWORD))
    async with desk_client(settings, login="<i>ala</i>") as (client, channel):
        desk = channel.chat.core.desk
        desk.hand_off(Person("s1", "s1", "<b>Zły</b>", "<u>x</u>", channel="web"),
                      "<script>alert(1)</script> & <img src=x onerror=alert(2)>", (), 0)
        desk.add_followup(1, "<iframe src=//zly.example>", 0)
        desk.copy_into(1, 0, {"from_chat_id": 1, "message_id": 2, "kind": "photo"})
        response = await submit(client, TICKET, ANSWER, tresc="<b>pogrubione</b>")
        assert response.status == 303
        desk.hand_off(Person("s2", "s2", "", channel="web"), "drugie", (), 0)
        await submit(client, "/koordynator/zgloszenie/2", "/koordynator/zgloszenie/2/zamknij",
                     powod="<a href=//zly.example>klik</a>")
        for path in ("/koordynator", TICKET, "/koordynator/zgloszenie/2",
                     "/koordynator/zgloszenia/zalatwione", "/koordynator/historia"):
            page = await (await client.get(path)).text()
            for raw in ("<script>", "<img", "<iframe", "<b>", "<u>", "<i>", "<a href=//"):
                assert raw not in page, (path, raw)
        page = await (await client.get(TICKET)).text()
        assert "mieszkaniec dołączył zdjęcie" in text_of(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img" in page
        assert "&lt;b&gt;pogrubione&lt;/b&gt;" in page and "&lt;i&gt;ala&lt;/i&gt;" in page


@asynccontextmanager
async def desk_over_http(base: str) -> AsyncIterator[aiohttp.ClientSession]:
    session = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        await sign_in(session, LOGIN, PASSWORD)
        yield session
    finally:
        await session.close()


def beside_telegram(settings: Settings) -> Settings:
    settings = replace(settings, web=WebSettings(enabled=True, port=0))
    return replace(settings, desk=replace(settings.desk, accounts=with_accounts(
        settings, (LOGIN, PASSWORD)).desk.accounts))


async def test_an_answer_from_the_desk_reaches_telegram_and_the_ticket_post(
        tg: FakeTelegram, settings: Settings) -> None:
    async with running_bot_with_web(beside_telegram(settings)) as (_, channel), \
            desk_over_http(channel.url.removesuffix("/czat")) as client:
        post = await ask_coordinator(tg, "kto wymienia liczniki w Rudnikach")
        inbox = text_of(await (await client.get("/koordynator")).text())
        assert "#1 kto wymienia liczniki w Rudnikach Telegram Anna Nowak (@anowak)" in inbox

        start = len(tg.sent)
        response = await submit(client, TICKET, TICKET + "/biore")
        assert response.status == 303
        taken = await tg.wait_for(lambda s: s.method == "editMessageText"
                                  and s.message_id == post.message_id and "Biorę:" in s.text,
                                  start=start)
        assert "👤 Biorę: anna" in taken.text

        start = len(tg.sent)
        response = await submit(client, TICKET, ANSWER, tresc="Liczniki wymienia Tauron.")
        assert response.status == 303
        answer = await tg.wait_for_text(RESIDENT.id, "Liczniki wymienia Tauron.", start=start)
        assert "zgłoszenie nr 1" in answer.text
        await tg.wait_for(lambda s: s.method == "editMessageText"
                          and s.message_id == post.message_id
                          and "✅ Odpowiedziano" in s.text and "(anna)" in s.text, start=start)

        # Answered in Telegram while the desk's page was open: the desk does not answer again.
        second = await ask_coordinator(tg, "czy gmina Kłomnice należy do klastra")
        form_page = await (await client.get("/koordynator/zgloszenie/2")).text()
        await tg.send_text(COORDINATOR, "Tak, należy.", chat=COORDINATOR_CHAT, reply_to=second)
        await tg.wait_for_text(RESIDENT.id, "Tak, należy.")
        response = await client.post("/koordynator/zgloszenie/2/odpowiedz", data={
            **hidden_fields(form_page, "/koordynator/zgloszenie/2/odpowiedz"),
            "tresc": "Należy."})
        assert response.status == 409
        page = text_of(await response.text())
        assert "Koordynator" in page and "Tak, należy." in page
        await asyncio.sleep(0.5)
        assert not [s for s in tg.messages_to(RESIDENT.id) if s.text == "Należy."
                    or "Należy." in (s.text or "").split("\n")]

        start = len(tg.sent)
        third = await ask_coordinator(tg, "gdzie jest biuro klastra")
        response = await submit(client, "/koordynator/zgloszenie/3",
                                "/koordynator/zgloszenie/3/zamknij")
        assert response.status == 303
        await tg.wait_for(lambda s: s.method == "editMessageText"
                          and s.message_id == third.message_id and "🔒 Zamknięte" in s.text,
                          start=start)
        await tg.wait_for_text(RESIDENT.id, "Zamknąłem Twoje zgłoszenie nr 3", start=start)


async def test_the_desk_reloads_knowledge_alone_and_beside_telegram(
        tg: FakeTelegram, settings: Settings, tmp_path: Path) -> None:
    async with desk_client(desk_settings(tmp_path)) as (_, channel):
        ctx = channel.app[CONTEXT_KEY]
        assert ctx.telegram is None and ctx.coordinator_chat() == 0
        assert (await ctx.reload(frozenset())).startswith("Wczytałem bazę wiedzy:")
    async with running_bot_with_web(beside_telegram(settings)) as (application, channel):
        ctx = channel.app[CONTEXT_KEY]
        assert ctx.telegram is application and ctx.coordinator_chat() == COORDINATOR_CHAT.id
        assert (await ctx.reload(frozenset())).startswith("Baza wiedzy wczytana")
        assert ctx.knowledge() is application.bot_data["services"].matcher.knowledge
