"""Meetings, announcements and statistics in the coordinator's desk, over HTTP, on a copy of the
bundled knowledge: what the coordinator does there changes meetings.yaml and what the bot says."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import KnowledgeSettings, MeetingSettings, Settings
from tests.conftest import ROOT, Clock
from tests.desk import csrf, desk_client, desk_settings, post_form
from tests.desk import text_of as raw_text
from tests.test_telegram_meetings import MEETINGS_YAML
from tests.webchat import post

BASE = "/koordynator/spotkania"


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    (root / "meetings.yaml").write_text(MEETINGS_YAML, encoding="utf-8")
    return root


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    settings = desk_settings(tmp_path)
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge)),
                   meetings=MeetingSettings(remind_before="24h"))


def text_of(page: str) -> str:
    """A page's visible text with its spaces collapsed."""
    return " ".join(raw_text(page).split())


async def follow(client, response) -> str:  # type: ignore[no-untyped-def]
    """The page a 303 leads to (its one-time note included)."""
    assert response.status == 303, await response.text()
    page = await client.get(response.headers["Location"])
    assert page.status == 200
    return await page.text()


async def meetings_in_chat(client) -> str:  # type: ignore[no-untyped-def]
    """What the web chat answers when a resident asks for the meetings."""
    reply = await post(client, session=None, text="kiedy najbliższe spotkanie?")
    return "\n".join(m["text"] for m in reply["messages"])


async def test_add_move_and_cancel_change_the_file_and_the_answers(
        settings: Settings, knowledge: Path, clock: Clock) -> None:
    meetings = knowledge / "meetings.yaml"
    async with desk_client(settings, clock) as (client, _):
        listing = text_of(await (await client.get(BASE)).text())
        assert "Spotkanie członków klastra" in listing and "Narada członków" in listing
        assert "Tylko dla członków klastra" in listing

        added = await post_form(client, BASE, title="Warsztaty <b>dla</b> szkół",
                                when="15.12.2026 10:00-12:30", place="Świetlica & sala",
                                audience="public", registration="")
        assert added.status == 400
        assert "Napisz, jak się zapisać – albo „bez zapisów”." in text_of(await added.text())
        added = await post_form(client, BASE, title="Warsztaty <b>dla</b> szkół",
                                when="15.12.2026 10:00-12:30", place="Świetlica & sala",
                                audience="public", registration="bez zapisów")
        page = await follow(client, added)
        assert "Dodałem spotkanie „Warsztaty &lt;b&gt;dla&lt;/b&gt; szkół”" in page
        assert "<b>dla</b>" not in page
        text = meetings.read_text(encoding="utf-8")
        assert 'start: "2026-12-15 10:00"' in text and 'end: "2026-12-15 12:30"' in text
        assert "2026-12-walne" in text  # the others stay
        said = await meetings_in_chat(client)
        assert "Warsztaty <b>dla</b> szkół" in said
        assert "wtorek, 15 grudnia 2026, 10:00–12:30" in said

        meeting_id = "2026-12-warsztaty-b-dla-b-szkol"
        assert f"{BASE}/{meeting_id}/przenies" in page
        form = await client.get(f"{BASE}/{meeting_id}/przenies")
        assert "Nikt jeszcze nie dostał przypomnienia" in text_of(await form.text())
        moved = await post_form(client, f"{BASE}/{meeting_id}/przenies", when="16.12.2026 9:00")
        assert "Przeniosłem „Warsztaty &lt;b&gt;dla&lt;/b&gt; szkół” na środa, 16 grudnia " \
               "2026, 09:00–11:30" in await follow(client, moved)  # it kept its length
        assert 'start: "2026-12-16 09:00"' in meetings.read_text(encoding="utf-8")
        assert "środa, 16 grudnia 2026, 09:00–11:30" in await meetings_in_chat(client)

        confirm = text_of(await (await client.get(f"{BASE}/{meeting_id}/odwolaj")).text())
        assert "Odwołać spotkanie Warsztaty <b>dla</b> szkół (środa, 16 grudnia" in confirm
        cancelled = await post_form(client, f"{BASE}/{meeting_id}/odwolaj",
                                    f"{BASE}/{meeting_id}/odwolaj")
        assert "Odwołałem „Warsztaty &lt;b&gt;dla&lt;/b&gt; szkół”." in await follow(
            client, cancelled)
        assert meeting_id not in meetings.read_text(encoding="utf-8")
        assert "Warsztaty" not in await meetings_in_chat(client)
        assert (await client.get(f"{BASE}/{meeting_id}/odwolaj")).status == 404

        history = text_of(await (await client.get("/koordynator/historia")).text())
        for action in ("Dodanie spotkania", "Przeniesienie spotkania", "Odwołanie spotkania"):
            assert action in history
        assert "anna" in history

        # "Cofnij" on the cancellation puts the meeting back, in the file and in the answers.
        page = await (await client.get("/koordynator/historia")).text()
        undo = re.findall(r'action="(/koordynator/historia/\d+/cofnij)"', page)[0]
        restored = await post_form(client, undo, "/koordynator/historia")
        assert "Cofnąłem zmianę." in await follow(client, restored)
        assert meeting_id in meetings.read_text(encoding="utf-8")
        assert "Warsztaty <b>dla</b> szkół" in await meetings_in_chat(client)


async def test_bad_input_is_named_next_to_its_field_in_polish(
        settings: Settings, knowledge: Path, clock: Clock) -> None:
    meetings = knowledge / "meetings.yaml"
    before = meetings.read_bytes()
    cases = {"31.02.2026 10:00": "Takiego dnia nie ma w kalendarzu",
             "jutro": "Nie rozumiem daty",
             "01.01.2020 10:00": "Ten termin już minął",
             "15.12.2026 25:00": "Godzina powinna być od 0:00 do 23:59",
             "15.12.2026 12:00-10:00": "Godzina zakończenia musi być po godzinie rozpoczęcia",
             "": "Podaj datę i godzinę"}
    async with desk_client(settings, clock) as (client, _):
        for typed, error in cases.items():
            response = await post_form(client, BASE, title="<script>alert(1)</script>",
                                       when=typed, place="Kłobuck", audience="public")
            assert response.status == 400, typed
            page = await response.text()
            found = re.search(r'<p class="field-error" id="when-blad">([^<]*)</p>', page)
            assert found is not None and error in found.group(1), (typed, page)
            assert 'aria-describedby="when-podpowiedz when-blad" aria-invalid="true"' in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
        response = await post_form(client, BASE, title="", when="15.12.2026 10:00", place="",
                                   audience="kazdy")
        page = text_of(await response.text())
        assert response.status == 400
        for error in ("Podaj tytuł spotkania.", "Podaj miejsce spotkania.",
                      "Wybierz, dla kogo jest spotkanie."):
            assert error in page
        moved = await post_form(client, f"{BASE}/2026-12-walne/przenies", when="w przyszły "
                                "czwartek")
        assert moved.status == 400 and "Nie rozumiem daty" in await moved.text()
        assert (await client.get(f"{BASE}/nie-ma/przenies")).status == 404
        assert (await client.get(f"{BASE}/..%2Fmeetings.yaml/odwolaj")).status == 404
        token = await csrf(client, BASE)
        refused = await client.post(f"{BASE}/2026-12-walne/odwolaj", data={"csrf": "zły"},
                                    allow_redirects=False)
        assert refused.status == 403 and token
    assert meetings.read_bytes() == before


async def test_announcements_need_someone_to_send_to(settings: Settings, clock: Clock) -> None:
    async with desk_client(settings, clock) as (client, _):
        page = text_of(await (await client.get("/koordynator/ogloszenia")).text())
        assert "Wszystkim z włączonymi przypomnieniami (0 osób)" in page
        empty = await post_form(client, "/koordynator/ogloszenia/podglad",
                                "/koordynator/ogloszenia", tresc=" ", odbiorcy="all")
        assert empty.status == 400 and "Napisz treść ogłoszenia." in await empty.text()
        nobody = await post_form(client, "/koordynator/ogloszenia/podglad",
                                 "/koordynator/ogloszenia", tresc="<i>Zebranie</i>",
                                 odbiorcy="all")
        page = await nobody.text()
        assert nobody.status == 400 and "nie mam do kogo wysłać" in page
        assert "&lt;i&gt;Zebranie&lt;/i&gt;</textarea>" in page  # kept, as text
        assert (await client.get("/koordynator/ogloszenia/raport/desk%3Anie")).status == 404


async def test_statistics_show_the_report_and_lead_unanswered_questions_to_the_editor(
        settings: Settings, clock: Clock) -> None:
    async with desk_client(settings, clock) as (client, _):
        for question in ("zgubiłem psa", "zgubiłem psa", "<b>gdzie</b> jest mój pies?",
                         "ile kosztuje członkostwo w klastrze"):
            await post(client, session=None, text=question)
        response = await client.get("/koordynator/statystyki")
        page = await response.text()
        assert response.status == 200
        shown = text_of(page)
        for heading in ("Pytania", "Liczba pytań dziennie", "Najczęstsze tematy",
                        "Pytania bez odpowiedzi"):
            assert heading in shown
        assert "style=" not in page.partition("<main")[2]  # the CSP allows no inline styles
        assert "&lt;b&gt;gdzie&lt;/b&gt;" in page and "<b>gdzie</b>" not in page
        assert 'href="/koordynator/wiedza/nowy?pytanie=zgubi%C5%82em%20psa"' in page
        pick = '/koordynator/statystyki/sformulowanie?pytanie=zgubi%C5%82em%20psa'
        assert f'href="{pick}"' in page
        week = text_of(await (await client.get("/koordynator/statystyki?dni=7")).text())
        assert "Statystyki: ostatnie 7 dni" in week

        chooser = await (await client.get(pick)).text()
        assert "Pytanie mieszkańca: zgubiłem psa" in text_of(chooser)
        assert re.search(r'href="/koordynator/wiedza/wpis/[a-z0-9_.-]+\?sformulowanie='
                         r'zgubi%C5%82em%20psa"', chooser)
        escaped = await client.get("/koordynator/statystyki/sformulowanie",
                                   params={"pytanie": "<script>x</script>"})
        assert "&lt;script&gt;x&lt;/script&gt;" in await escaped.text()

        table = await client.get("/koordynator/statystyki.csv?dni=30")
        body = (await table.read()).decode("utf-8-sig")
        assert body.startswith("pytanie,ile_razy") and "zgubiłem psa,2" in body


async def test_the_pages_need_a_session(settings: Settings, clock: Clock) -> None:
    async with desk_client(settings, clock, login=None) as (client, _):
        for path in (BASE, f"{BASE}/2026-12-walne/przenies", "/koordynator/ogloszenia",
                     "/koordynator/statystyki", "/koordynator/statystyki.csv",
                     "/koordynator/statystyki/sformulowanie?pytanie=x"):
            response = await client.get(path, allow_redirects=False)
            assert response.status in (302, 303, 401), path
