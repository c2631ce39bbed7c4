"""The web chat's JSON API and page, end to end over local HTTP with a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import aiohttp

from bot import texts
from bot.web.app import MAX_TEXT
from bot.web.chat import ANSWER_COMES_HERE, HANDOFF_CONSENT
from bot.web.limits import client_address, networks
from bot.web.server import KnowledgeWatch, standalone_conversation, web_channel
from bot.web.sessions import looks_like_session
from tests.conftest import ROOT, Clock
from tests.test_telegram_meetings import MEETINGS_YAML
from tests.webchat import NOW, post, web_client, web_settings

STATIC = Path(__file__).parent.parent / "bot" / "web" / "static"


async def hand_off(client, question: str = "zgubiłem psa na spacerze") -> tuple[str, dict]:
    first = await post(client, session=None, text=question)
    offer = first["messages"][-1]
    assert offer["text"].startswith(texts.NO_ANSWER)
    assert HANDOFF_CONSENT.format(days=365) in offer["text"]
    [pass_on] = [c for c in offer["choices"] if c["label"] == texts.PASS_ON]
    handed = await post(client, session=first["session"], choice=pass_on["id"])
    return first["session"], handed


async def test_page_is_polish_strict_and_small(tmp_path: Path) -> None:
    settings = web_settings(tmp_path, allowed_origins=("https://www.gmina.example",))
    async with web_client(settings) as (client, _):
        page = await client.get("/czat")
        html = await page.text()
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy
        assert "frame-ancestors 'self' https://www.gmina.example" in policy
        assert '<html lang="pl">' in html and "<script>" not in html and "style=" not in html
        assert "Zapisz link do tej rozmowy" in html and "Usuń moje dane" in html
        assert 'aria-live="polite"' in html and '<label for="pytanie">' in html
        assert "Set-Cookie" not in page.headers
        for name in ("app.js", "app.css", "widget.js"):
            response = await client.get(f"/czat/{name}")
            assert response.status == 200
        assert (await client.get("/widget.js")).status == 200
        assert (await (await client.get("/healthz")).json())["status"] == "ok"
    size = sum((STATIC / n).stat().st_size for n in ("app.js", "app.css", "widget.js"))
    assert size <= 60_000
    scripts = (STATIC / "app.js").read_text() + (STATIC / "widget.js").read_text()
    assert "innerHTML" not in scripts and "eval(" not in scripts
    for name in ("app.js", "app.css", "czat.html"):  # no third-party requests
        assert "http://" not in (STATIC / name).read_text()
        assert "https://" not in (STATIC / name).read_text()


async def test_privacy_note_names_the_controller(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    settings = replace(settings, privacy=replace(settings.privacy,
                                                 controller="Gmina Przykładowa <i>"))
    async with web_client(settings) as (client, _):
        html = await (await client.get("/czat")).text()
        assert "Administrator danych: Gmina Przykładowa &lt;i&gt;." in html


async def test_a_question_is_answered_and_the_conversation_kept(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, _):
        reply = await post(client, session=None, text="jak dołączyć do klastra")
        session = reply["session"]
        assert looks_like_session(session)
        [answer] = reply["messages"]
        assert "koordynator" in answer["text"]
        assert [c["label"] for c in answer["choices"]] == [texts.HELPED, texts.NOT_HELPED]
        helped = await post(client, session=session, choice=answer["choices"][0]["id"])
        assert helped["messages"][0]["text"] == texts.THANKS_FOR_FEEDBACK
        assert helped["retired"] == [answer["id"]]  # the buttons are used up
        history = await (await client.get(f"/api/czat/{session}?po=0")).json()
        assert [(m["from"], m["text"][:20]) for m in history["messages"]] == [
            ("person", "jak dołączyć do klas"), ("bot", answer["text"][:20]),
            ("person", texts.HELPED), ("bot", texts.THANKS_FOR_FEEDBACK)]
        assert history["messages"][1]["choices"] == []


async def test_every_way_to_the_coordinator_says_what_is_kept(tmp_path: Path) -> None:
    consent = HANDOFF_CONSENT.format(days=365)
    async with web_client(web_settings(tmp_path)) as (client, _):
        ask = await post(client, session=None, choice="ask")
        assert ask["messages"][0]["text"] == f"{texts.ASK_PROMPT}\n\n{consent}"
        session = ask["session"]
        handed = await post(client, session=session, text="Czy mogę przyjść z psem?")
        assert handed["messages"][0]["text"].startswith("Przekazałem pytanie")
        answer = await post(client, session=session, text="jak dołączyć do klastra")
        not_helped = await post(client, session=session,
                                choice=answer["messages"][0]["choices"][1]["id"])
        assert not_helped["messages"][0]["text"].endswith(consent)
        menu = await post(client, session=session, text="/menu")
        assert consent not in menu["messages"][0]["text"]


async def test_typed_commands_work_as_in_telegram(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, _):
        menu = await post(client, session=None, text="/menu")
        assert menu["messages"][0]["text"] == texts.MENU_PROMPT
        session = menu["session"]
        unknown = await post(client, session=session, text="/cokolwiek")
        assert unknown["messages"][0]["text"] == texts.UNKNOWN_COMMAND
        mine = await post(client, session=session, text="/moje_dane")
        assert mine["messages"][0]["text"].startswith(texts.MY_DATA_TITLE)


async def test_menu_and_did_you_mean(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, _):
        category = await post(client, session=None, choice="cat:spoldzielnie")
        listing = category["messages"][0]
        assert listing["choices"][0]["id"].startswith("q:")
        picked = await post(client, session=category["session"],
                            choice=listing["choices"][0]["id"])
        assert picked["messages"][0]["choices"][0]["label"] == texts.HELPED
        unsure = await post(client, session=category["session"], text="spółdzielnia")
        assert unsure["messages"][0]["text"] == texts.SUGGEST_INTRO
        suggestions = unsure["messages"][0]["choices"]
        assert suggestions[0]["id"].startswith("q:")
        assert suggestions[-1]["label"] == texts.NONE_OF_THESE


async def test_hand_off_then_the_answer_arrives_live(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, channel):
        session, handed = await hand_off(client)
        confirmation = handed["messages"][0]["text"]
        assert confirmation.startswith("Przekazałem pytanie koordynatorowi")
        assert ANSWER_COMES_HERE in confirmation
        [ticket] = channel.chat.core.desk.open_tickets()
        assert ticket.channel == "web" and ticket.user_id == session
        last = handed["messages"][-1]["id"]
        waiting = asyncio.create_task(client.get(f"/api/czat/{session}?po={last}"))
        await asyncio.sleep(0.1)
        channel.chat.core.desk.answer(ticket.id, "Pies jest w schronisku.")
        channel.postman.start()
        channel.postman.kick()
        response = await asyncio.wait_for(waiting, 2)
        [answer] = (await response.json())["messages"]
        assert answer["text"].endswith("(zgłoszenie nr 1):\n\nPies jest w schronisku.")
        assert answer["text"].startswith("Odpowiedź koordynatora na Twoje pytanie „")
        assert [c["label"] for c in answer["choices"]][:2] == [
            texts.ANSWER_DONE, texts.ANSWER_MORE]
        assert channel.chat.core.desk.pending_deliveries() == [
            d for d in channel.chat.core.desk.pending_deliveries() if d.channel == "telegram"]
        # "Mam dodatkowe pytanie": the next message joins the same ticket, reopened
        more = await post(client, session=session, choice=answer["choices"][1]["id"])
        assert more["messages"][0]["text"] == texts.ANSWER_MORE_PROMPT.format(number=1)
        await post(client, session=session, text="a czy mogę go odebrać w sobotę")
        assert channel.chat.core.desk.ticket(1).status == "open"
        assert channel.chat.core.desk.followups_of(1)[-1] == "a czy mogę go odebrać w sobotę"


async def test_a_long_poll_waits_and_returns_empty(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path), poll_seconds=0.2) as (client, _):
        session = (await post(client, session=None, text="klaster"))["session"]
        response = await client.get(f"/api/czat/{session}?po=2")
        assert response.status == 200 and (await response.json()) == {"messages": []}


async def test_errors_are_polish_json_with_the_right_status(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, _):
        bad = await client.post("/api/czat", data=b"{nie json")
        assert bad.status == 400 and "JSON" in (await bad.json())["error"]
        both = await client.post("/api/czat", json={"session": None, "text": "a", "choice": "b"})
        assert both.status == 400
        unknown = await client.post("/api/czat", json={"session": "A" * 22, "text": "klaster"})
        assert unknown.status == 404 and "rozmowy" in (await unknown.json())["error"]
        assert (await client.get("/api/czat/nie-ma-takiej")).status == 404
        assert (await client.get("/api/czat/" + "A" * 22 + "?po=x")).status in (400, 404)
        long = await client.post("/api/czat", json={"session": None, "text": "a" * (MAX_TEXT + 1)})
        assert long.status == 413 and "4000" in (await long.json())["error"]
        huge = await client.post("/api/czat", data=b"x" * 200_000)
        assert huge.status == 413
        session = (await post(client, session=None, text="klaster"))["session"]
        statuses = []
        for _ in range(25):
            response = await client.post("/api/czat", json={"session": session, "text": "hej"})
            statuses.append(response.status)
        assert statuses[-1] == 429 and 200 in statuses
        assert int(response.headers["Retry-After"]) >= 1
        assert "szybko" in (await response.json())["error"]


async def test_new_sessions_are_limited_per_address_behind_a_trusted_proxy(
        tmp_path: Path) -> None:
    settings = web_settings(tmp_path, trusted_proxies=("127.0.0.1",))
    async with web_client(settings) as (client, _):
        statuses = []
        for _ in range(32):
            response = await client.post("/api/czat", json={"session": None, "text": "klaster"},
                                         headers={"X-Forwarded-For": "203.0.113.7"})
            statuses.append(response.status)
        assert statuses[:30] == [200] * 30 and statuses[-1] == 429
        other = await client.post("/api/czat", json={"session": None, "text": "klaster"},
                                  headers={"X-Forwarded-For": "203.0.113.8"})
        assert other.status == 200
        for _ in range(32):  # this machine itself: limited per session only
            local = await client.post("/api/czat", json={"session": None, "text": "klaster"})
            assert local.status == 200


def test_client_address_trusts_only_configured_proxies() -> None:
    trusted = networks(["10.0.0.0/8", "127.0.0.1"])
    assert client_address("127.0.0.1", "198.51.100.1, 10.1.2.3", trusted) == "198.51.100.1"
    assert client_address("127.0.0.1", "6.6.6.6, 198.51.100.1", trusted) == "198.51.100.1"
    assert client_address("192.0.2.5", "198.51.100.1", trusted) == "192.0.2.5"
    assert client_address("127.0.0.1", None, trusted) == "127.0.0.1"


async def test_my_data_and_forgetting_everything(tmp_path: Path) -> None:
    async with web_client(web_settings(tmp_path)) as (client, channel):
        session, _ = await hand_off(client)
        mine = await post(client, session=session, choice="moje_dane")
        text = mine["messages"][0]["text"]
        assert texts.MY_DATA_TITLE in text and "zgubiłem psa" in text and "wiadomości" in text
        asked = await post(client, session=session, choice="usun_dane")
        [yes, _no] = asked["messages"][0]["choices"]
        done = await post(client, session=session, choice=yes["id"])
        assert done["session"] != session
        assert done["messages"][0]["text"].startswith("Usunięte.")
        assert (await client.get(f"/api/czat/{session}?po=0")).status == 404
        ticket = channel.chat.core.desk.ticket(1)
        assert ticket is not None and ticket.question == "" and ticket.status == "closed"
        db = channel.chat.store.connection
        assert db.execute("SELECT COUNT(*) FROM web_messages WHERE text LIKE '%psa%'"
                          ).fetchone()[0] == 0


async def test_sessions_expire_with_the_retention_time(tmp_path: Path) -> None:
    clock = Clock(NOW)
    async with web_client(web_settings(tmp_path), clock) as (client, channel):
        session = (await post(client, session=None, text="klaster"))["session"]
        clock.now = NOW + dt.timedelta(days=364)
        assert (await client.get(f"/api/czat/{session}?po=0")).status == 200
        clock.now = NOW + dt.timedelta(days=366)
        assert (await client.get(f"/api/czat/{session}?po=0")).status == 404
        channel.tidy()
        assert channel.chat.store.connection.execute(
            "SELECT COUNT(*) FROM web_messages").fetchone()[0] == 0


def test_alone_the_web_chat_picks_up_edited_knowledge(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    settings = web_settings(tmp_path)
    settings = replace(settings, knowledge=replace(settings.knowledge, path=str(knowledge)))
    watch = KnowledgeWatch(settings, Clock(NOW))
    before = watch.matcher
    assert not watch.check()
    (knowledge / "faq" / "zepsuty.yaml").write_text("- id: [\n", encoding="utf-8")
    assert not watch.check() and watch.matcher is before  # broken: the old one stays
    (knowledge / "faq" / "zepsuty.yaml").unlink()
    kontakt = knowledge / "faq" / "kontakt.yaml"
    kontakt.write_text(kontakt.read_text(encoding="utf-8").replace(
        "Szymanowskiego 1,", "Szymanowskiego 2,"), encoding="utf-8")
    assert watch.check()
    answer = watch.matcher.match("gdzie jest biuro klastra").entry
    assert answer is not None and "Szymanowskiego 2," in answer.answer


async def test_upcoming_meetings_offer_a_calendar_file(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    settings = web_settings(tmp_path)
    settings = replace(settings, knowledge=replace(settings.knowledge, path=str(knowledge)))
    async with web_client(settings, Clock(NOW - dt.timedelta(days=2))) as (client, _):
        reply = await post(client, session=None, choice="q:spotkania.najblizsze")
        cards = [m for m in reply["messages"] if m["choices"]]
        assert [c["choices"] for c in cards] == [
            [{"id": "web:ics:2026-12-walne", "label": texts.ADD_TO_CALENDAR}]]  # public only
        assert not any("rem:" in str(m["choices"]) for m in reply["messages"])  # Telegram's
        ics = await client.get("/czat/spotkanie/2026-12-walne.ics")
        assert ics.status == 200 and ics.headers["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in await ics.read()
        assert (await client.get("/czat/spotkanie/2026-12-zarzad.ics")).status == 404
        assert (await client.get("/czat/spotkanie/nie-ma.ics")).status == 404


async def test_stopping_does_not_wait_for_open_long_polls(tmp_path: Path) -> None:
    settings = web_settings(tmp_path)
    core = standalone_conversation(settings, Clock(NOW))
    channel = web_channel(settings, core, poll_seconds=25.0, clock=Clock(NOW))
    await channel.start()
    async with aiohttp.ClientSession() as http:
        api = channel.url.replace("/czat", "/api/czat")
        async with http.post(api, json={"session": None, "text": "klaster"}) as response:
            session = (await response.json())["session"]
        waiting = asyncio.ensure_future(http.get(f"{api}/{session}?po=5"))
        await asyncio.sleep(0.2)
        started = asyncio.get_running_loop().time()
        await channel.stop()
        assert asyncio.get_running_loop().time() - started < 3
        response = await asyncio.wait_for(waiting, 3)
        assert response.status == 200 and (await response.json()) == {"messages": []}
    core.desk.close_storage()
