"""The knowledge editor in the desk, end to end over HTTP, on a copy of the bundled knowledge."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.config import Settings
from bot.loader import load_valid_knowledge
from tests.conftest import ROOT
from tests.desk import csrf, desk_client, desk_settings, post_form, text_of
from tests.webchat import post

EDIT = "/koordynator/wiedza/wpis/kontakt.adres"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    base = desk_settings(tmp_path)
    return replace(base, knowledge=replace(base.knowledge, path=str(copy)))


def files(settings: Settings) -> dict[str, tuple[bytes, int]]:
    root = Path(settings.knowledge.path)
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*.yaml"))}


def form_of(page: str) -> dict[str, str]:
    """The fields of the entry form as the page shows them (what a browser would send)."""
    fields = {}
    for name, value in re.findall(r'<input type="(?:text|date)" id="[^"]*" name="([^"]+)" '
                                  r'value="([^"]*)"', page):
        fields[name] = unescape(value)
    for name, value in re.findall(r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>',
                                  page, flags=re.S):
        fields[name] = unescape(value)
    found = re.search(r'name="wersja" value="([^"]*)"', page)
    if found:
        fields["wersja"] = found.group(1)
    return fields


async def edit(client: TestClient, path: str = EDIT, **changes: str) -> Any:
    page = await (await client.get(path)).text()
    fields = {**form_of(page), **changes}
    return await post_form(client, path, **fields)


async def note_after(client: TestClient, response: Any) -> str:
    assert response.status == 303, await response.text()
    page = await (await client.get(response.headers["Location"])).text()
    found = re.search(r'<p class="note" role="status">(.*?)</p>', page, flags=re.S)
    return unescape(found.group(1)) if found else ""


async def test_an_edited_answer_is_the_next_answer_in_the_web_chat(settings: Settings) -> None:
    async with desk_client(settings) as (client, _):
        listing = text_of(await (await client.get("/koordynator/wiedza")).text())
        assert "Kontakt" in listing and "Gdzie jest biuro klastra?" in listing
        response = await edit(client, odpowiedz="Biuro przeniosłem na ul. Nową 5 w Kłobucku.")
        note = await note_after(client, response)
        assert note.startswith("Zapisałem zmiany (odpowiedź) w pliku faq/kontakt.yaml.")
        assert "Wczytałem bazę wiedzy" in note
        reply = await post(client, session=None, text="Gdzie jest biuro klastra?")
        assert "ul. Nową 5 w Kłobucku" in reply["messages"][-1]["text"]
        history = text_of(await (await client.get("/koordynator/historia")).text())
        assert "Zmiana wpisu" in history and "kontakt.adres" in history and "anna" in history


async def test_errors_are_shown_next_to_the_field_and_nothing_is_written(
        settings: Settings) -> None:
    before = files(settings)
    async with desk_client(settings) as (client, _):
        response = await edit(client, przycisk="Gdzie jest biuro naszego klastra energii?!",
                              sformulowania="adres biura\njak dolaczyc do klastra",
                              sprawdzono="jutro", odpowiedz="Moja nowa odpowiedź")
        assert response.status == 422
        page = await response.text()
        assert re.search(r'id="przycisk-blad">Napis ma 42 znaki, a przycisk mieści najwyżej '
                         r"40\.</p><input[^>]*id=\"przycisk\"", page)
        assert 'id="sprawdzono-blad">Podaj datę sprawdzenia jako RRRR-MM-DD' in page
        assert form_of(page)["odpowiedz"] == "Moja nowa odpowiedź"  # what was typed stays
        # Fixed fields, one phrasing another entry has: the error is next to the phrasings.
        response = await edit(client, sformulowania="adres biura\njak dolaczyc do klastra",
                              odpowiedz="Moja nowa odpowiedź")
        assert response.status == 422
        assert re.search(r'id="sformulowania-blad">„jak dolaczyc do klastra” znaczy to samo co '
                         r"sformułowanie wpisu czlonkostwo\.jak_dolaczyc",
                         await response.text())
    assert files(settings) == before


async def test_an_unchanged_save_writes_no_file(settings: Settings) -> None:
    before = files(settings)
    async with desk_client(settings) as (client, _):
        note = await note_after(client, await edit(client))
        assert note == "Nic się nie zmieniło – niczego nie zapisałem."
        await note_after(client, await edit(client, pytanie="Gdzie jest biuro klastra?  "))
        assert files(settings) == before
        await note_after(client, await edit(client, odpowiedz="Krótko: Częstochowa."))
    after = files(settings)
    assert [name for name in before if before[name] != after[name]] == ["faq/kontakt.yaml"]


async def test_comments_and_order_survive_an_edit(settings: Settings) -> None:
    path = Path(settings.knowledge.path) / "faq" / "kontakt.yaml"
    old = path.read_text(encoding="utf-8").splitlines()
    async with desk_client(settings) as (client, _):
        await note_after(client, await edit(client, przycisk="Adres biura"))
    new = path.read_text(encoding="utf-8").splitlines()
    assert len(new) == len(old)
    assert [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == [
        old.index('    button: "Gdzie jest biuro klastra?"')]
    assert new[old.index('    button: "Gdzie jest biuro klastra?"')] == '    button: "Adres biura"'


async def test_add_retire_and_undo(settings: Settings) -> None:
    inne = Path(settings.knowledge.path) / "faq" / "inne.yaml"
    original = inne.read_bytes()
    async with desk_client(settings) as (client, _):
        page = await (await client.get(
            "/koordynator/wiedza/nowy?pytanie=czy%20klaster%20ma%20psa%20obronnego")).text()
        prefilled = form_of(page)
        assert prefilled["pytanie"] == "Czy klaster ma psa obronnego?"
        assert prefilled["sformulowania"] == "czy klaster ma psa obronnego"
        response = await post_form(client, "/koordynator/wiedza/nowy", **{
            **prefilled, "kategoria": "inne", "odpowiedz": "Nie, klaster nie ma psa.",
            "zrodlo": "koordynator"})
        assert "Dodałem wpis „Czy klaster ma psa obronnego?” do pliku faq/inne.yaml." in (
            await note_after(client, response))
        new = response.headers["Location"]
        reply = await post(client, session=None, text="czy klaster ma psa obronnego")
        assert reply["messages"][-1]["text"] == "Nie, klaster nie ma psa."
        page = text_of(await (await client.get(new + "/wycofaj")).text())
        assert "Czy na pewno wycofać wpis „Czy klaster ma psa obronnego?”" in page
        response = await post_form(client, new + "/wycofaj")
        assert "Wycofałem wpis" in await note_after(client, response)
        assert inne.read_bytes() == original
        reply = await post(client, session=None, text="czy klaster ma psa obronnego")
        assert reply["messages"][-1]["text"] != "Nie, klaster nie ma psa."
        assert (await client.get(new)).status == 404
        history = await (await client.get("/koordynator/historia")).text()
        [undo] = re.findall(r'action="(/koordynator/historia/\d+/cofnij)"', history)[:1]
        response = await post_form(client, undo, "/koordynator/historia")
        assert response.status == 303
        reply = await post(client, session=None, text="czy klaster ma psa obronnego")
        assert reply["messages"][-1]["text"] == "Nie, klaster nie ma psa."


async def test_the_check_reflects_an_unsaved_phrasing(settings: Settings) -> None:
    before = files(settings)
    async with desk_client(settings) as (client, _):
        token = await csrf(client, EDIT)
        fields = form_of(await (await client.get(EDIT)).text())
        body = {"wpis": "kontakt.adres", **fields, "zapytanie": "gdzie trzymacie rowery"}
        headers = {"X-CSRF-Token": token}
        saved = await (await client.post("/koordynator/wiedza/sprawdz", json=body,
                                         headers=headers)).json()
        assert saved["status"] == "handoff"
        body["sformulowania"] += "\ngdzie trzymacie rowery"
        unsaved = await (await client.post("/koordynator/wiedza/sprawdz", json=body,
                                           headers=headers)).json()
        assert unsaved["status"] == "answer" and unsaved["answer"]["id"] == "kontakt.adres"
        assert unsaved["text"].startswith("Bot odpowie wpisem „Gdzie jest biuro klastra?” "
                                          "(ten wpis)")
        refused = await client.post("/koordynator/wiedza/sprawdz", json=body)
        assert refused.status == 403  # no CSRF header
        # Without JavaScript the same form's "Sprawdź" button shows it, nothing saved.
        page = await (await client.get(EDIT + "?sformulowanie=gdzie%20trzymacie%20rowery"))\
            .text()
        assert "gdzie trzymacie rowery" in form_of(page)["sformulowania"]
        fields = {**form_of(page), "zapytanie": "gdzie trzymacie rowery", "akcja": "sprawdz"}
        page = await (await post_form(client, EDIT, **fields)).text()
        assert "Bot odpowie wpisem „Gdzie jest biuro klastra?” (ten wpis)" in unescape(page)
    assert files(settings) == before


@pytest.mark.parametrize("path", [
    "/koordynator/wiedza/wpis/..%2f..%2fetc%2fpasswd",
    "/koordynator/wiedza/wpis/..%2F..%2Fcategories",
    "/koordynator/wiedza/wpis/%2e%2e",
    "/koordynator/wiedza/wpis/faq%2fkontakt.yaml",
    "/koordynator/wiedza/wpis/nie.ma_takiego",
])
async def test_path_traversal_is_refused(settings: Settings, path: str) -> None:
    before = files(settings)
    async with desk_client(settings) as (client, _):
        response = await client.get(path)
        assert response.status in (400, 404)
        if response.status == 404 and "text/html" in response.content_type:
            assert "Nie" in text_of(await response.text())
        token = await csrf(client, EDIT)
        for target in (path, path + "/wycofaj"):
            response = await client.post(target, data={"csrf": token, "pytanie": "x"})
            assert response.status in (400, 404, 405)
        response = await post_form(client, "/koordynator/wiedza/nowy", "/koordynator/wiedza/nowy",
                                   kategoria="../../etc", pytanie="Pytanie?",
                                   sformulowania="pytanie", odpowiedz="Tak.", zrodlo="ja",
                                   sprawdzono="2026-11-28")
        assert response.status == 422
        assert 'id="kategoria-blad">Wybierz kategorię z listy.' in await response.text()
    assert files(settings) == before


async def test_html_typed_in_any_field_is_shown_as_text(settings: Settings) -> None:
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    async with desk_client(settings) as (client, _):
        response = await edit(client, pytanie=f"Gdzie {evil}?", przycisk=f"B {evil}",
                              sformulowania=f"adres biura\n{evil}", odpowiedz=f"Tu {evil}",
                              zrodlo=f"strona {evil}")
        assert response.status == 422  # the label is too long; everything is shown back
        page = await response.text()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        await note_after(client, await edit(client, pytanie=f"Gdzie {evil}?",
                                            odpowiedz=f"Tu {evil}", przycisk="Adres"))
        for path in ("/koordynator/wiedza", EDIT, "/koordynator/historia",
                     "/koordynator/wiedza?szukaj=%3Cscript%3E"):
            page = await (await client.get(path)).text()
            assert "<script>alert" not in page and "<img src=x" not in page, path
        knowledge = load_valid_knowledge(settings.knowledge.path)
        assert knowledge.entry("kontakt.adres").answer == f"Tu {evil}"
