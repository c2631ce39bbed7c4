"""Knowledge edits cannot silently lose answers (issue 9, 2b), end to end through the fake
Bot API: held-back reloads, files still being written, restarts on the last good snapshot."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import texts
from bot.config import KnowledgeSettings, Settings
from bot.knowledge_keeper import KnowledgeKeeper
from bot.loader import KnowledgeError, load_valid_knowledge
from bot.snapshot import SNAPSHOT_DIR, snapshot_info
from bot.tg.app import build_application
from tests.conftest import COORDINATOR, COORDINATOR_CHAT, ROOT, running_bot
from tests.fakebot import FakeTelegram
from tests.test_telegram import ask

BUNDLED = load_valid_knowledge(ROOT / "knowledge")
_funding = BUNDLED.entry("klaster.finansowanie")  # the last entry of faq/klaster.yaml
assert _funding is not None
FUNDING, FUNDING_ANSWER = _funding.question, _funding.answer.strip()[:40]
_contact = BUNDLED.entry("kontakt.ogolny")
assert _contact is not None
CONTACT = _contact.answer.strip()[:40]


@pytest.fixture
def own_knowledge(settings: Settings, tmp_path: Path) -> tuple[Settings, Path]:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    return replace(settings, knowledge=KnowledgeSettings(path=str(knowledge))), knowledge


def cut_before(path: Path, entry_id: str) -> None:
    """What a half-saved edit leaves: the file ends at a line end before `entry_id`."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text[:text.index(f"  - id: {entry_id}\n")], encoding="utf-8")


async def coordinator_says(tg: FakeTelegram, command: str) -> str:
    start = len(tg.sent)
    await tg.send_text(COORDINATOR, command, chat=COORDINATOR_CHAT)
    reply = await tg.wait_for(lambda s: s.chat_id == COORDINATOR_CHAT.id, start=start)
    return reply.text or ""


async def look_at_files(application: Application) -> None:
    """One run of the knowledge watch, as the job queue would run it."""
    queue = application.job_queue
    assert queue is not None
    for job in queue.get_jobs_by_name("knowledge-watch"):
        await job.run(application)


async def test_a_file_cut_short_is_held_back_shown_and_applied_on_przeladuj(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    async with running_bot(settings):
        assert FUNDING_ANSWER in (await ask(tg, FUNDING)).text
        cut_before(knowledge / "faq" / "klaster.yaml", "klaster.subregion")
        held = await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie wczytałem zmian")
        assert "zniknęłyby wpisy:" in held.text
        assert ("• faq/klaster.yaml: klaster.subregion, klaster.podstawa_prawna, "
                "klaster.aktualnosci, klaster.finansowanie") in held.text
        assert "Jeśli to zamierzone, wyślij /przeladuj." in held.text
        assert str(knowledge) not in held.text  # paths relative to the knowledge folder
        assert FUNDING_ANSWER in (await ask(tg, FUNDING)).text  # nothing lost meanwhile

        confirmed = await coordinator_says(tg, "/przeladuj")
        assert "Baza wiedzy wczytana (na polecenie)" in confirmed
        assert "Usunięte na Twoje polecenie: klaster.aktualnosci" in confirmed
        assert FUNDING_ANSWER not in ((await ask(tg, FUNDING)).text or "")


async def test_a_deleted_kontakt_yaml_is_held_back_and_kontakt_still_works(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    async with running_bot(settings):
        (knowledge / "faq" / "kontakt.yaml").unlink()
        held = await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie wczytałem zmian")
        assert "• faq/kontakt.yaml (pliku nie ma): kontakt.koordynator" in held.text
        assert "kontakt.ogolny" in held.text
        contact = await ask(tg, "/kontakt")
        assert CONTACT in contact.text
        # Another edit meanwhile is held back too while the loss stands, and says so again.
        faq = knowledge / "faq" / "inne.yaml"
        faq.write_text(faq.read_text(encoding="utf-8") + "\n# poprawka\n", encoding="utf-8")
        again = await tg.wait_for_text(COORDINATOR_CHAT.id, "Nie wczytałem zmian",
                                        start=tg.sent.index(held) + 1)
        assert "kontakt.ogolny" in again.text
        assert CONTACT in (await ask(tg, "/kontakt")).text


async def test_przeladuj_shows_a_loss_first_and_confirms_only_what_was_shown(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    async with running_bot(settings, watch_interval=3600) as application:
        cut_before(knowledge / "faq" / "klaster.yaml", "klaster.finansowanie")
        await look_at_files(application)  # seen once: the command need not wait to compare
        first = await coordinator_says(tg, "/przeladuj")
        assert "Nie wczytałem zmian w bazie wiedzy (na polecenie)" in first
        assert "klaster.finansowanie" in first
        cut_before(knowledge / "faq" / "klaster.yaml", "klaster.aktualnosci")
        second = await coordinator_says(tg, "/przeladuj")  # a loss not shown yet: held again
        assert "Nie wczytałem zmian" in second and "klaster.aktualnosci" in second
        assert FUNDING_ANSWER in (await ask(tg, FUNDING)).text
        third = await coordinator_says(tg, "/przeladuj")
        assert "Baza wiedzy wczytana (na polecenie)" in third


async def test_a_file_still_being_written_is_waited_for(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    faq = knowledge / "faq" / "klaster.yaml"
    whole = faq.read_text(encoding="utf-8") + """
  - id: klaster.godziny
    category: klaster
    question: "W jakich godzinach pracuje infolinia klastra?"
    alternates: ["godziny pracy infolinii", "kiedy dziala infolinia", "infolinia godziny",
                 "do ktorej czynna infolinia", "od ktorej godziny infolinia"]
    answer: "Odpowiadam całą dobę."
    source: ["strona klastra"]
    checked: 2026-11-26
"""
    async with running_bot(settings, watch_interval=3600) as application:
        start = len(tg.sent)
        for end in (len(whole) // 3, 2 * len(whole) // 3 + 7, len(whole)):
            faq.write_text(whole[:end], encoding="utf-8")  # the editor writes in parts
            await look_at_files(application)
        await asyncio.sleep(0.1)
        assert tg.messages_to(COORDINATOR_CHAT.id)[start:] == []  # nothing half-written read
        await look_at_files(application)  # unchanged since the last look: now it is read
        loaded = await tg.wait_for_text(COORDINATOR_CHAT.id, "Baza wiedzy wczytana", start=start)
        assert loaded.text.startswith(texts.RELOADED_TEMPLATE.split(" (")[0])
        assert [s for s in tg.messages_to(COORDINATOR_CHAT.id) if "Nie wczyta" in (s.text or "")
                ] == []
        assert (await ask(tg, "w jakich godzinach działa infolinia")).text == (
            "Odpowiadam całą dobę.")


async def test_a_restart_with_broken_knowledge_runs_on_the_snapshot_and_says_why(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, knowledge = own_knowledge
    async with running_bot(settings):
        pass  # a sound start: the snapshot is taken
    assert (tmp_path / "data" / SNAPSHOT_DIR / "faq" / "klaster.yaml").is_file()
    faq = knowledge / "faq" / "klaster.yaml"
    good = faq.read_text(encoding="utf-8")
    faq.write_text(good.replace("  - id: klaster.misja\n", "  - id: [klaster.misja\n"),
                   encoding="utf-8")
    async with running_bot(settings):
        report = await tg.wait_for_text(COORDINATOR_CHAT.id, "Uruchomiłem się z ostatnią dobrą")
        assert "obecne pliki mają błędy (1)" in report.text
        assert re.search(r"\nfaq/klaster\.yaml:\d+: błąd", report.text)  # file:line, relative
        assert str(tmp_path) not in report.text
        assert FUNDING_ANSWER in (await ask(tg, FUNDING)).text
        assert CONTACT in (await ask(tg, "/kontakt")).text
        faq.write_text(good, encoding="utf-8")  # fixed: picked up by the watch
        await tg.wait_for_text(COORDINATOR_CHAT.id, "Baza wiedzy wczytana (automatycznie",
                               start=tg.sent.index(report) + 1)


async def test_a_restart_that_would_lose_a_file_runs_on_the_snapshot_until_confirmed(
    tg: FakeTelegram, own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    async with running_bot(settings):
        pass
    (knowledge / "faq" / "kontakt.yaml").unlink()
    async with running_bot(settings):
        report = await tg.wait_for_text(COORDINATOR_CHAT.id, "Uruchomiłem się z ostatnią dobrą")
        assert "• faq/kontakt.yaml (pliku nie ma): kontakt.koordynator" in report.text
        assert CONTACT in (await ask(tg, "/kontakt")).text
        assert "Baza wiedzy wczytana (na polecenie)" in await coordinator_says(tg, "/przeladuj")
        assert (await ask(tg, "/kontakt")).text == texts.NO_ANSWER
    saved = snapshot_info(Path(settings.storage.path).parent / SNAPSHOT_DIR)
    assert saved is not None and "kontakt.ogolny" not in saved.entries  # the next start's base


def test_broken_knowledge_without_a_snapshot_still_stops_the_start(
    own_knowledge: tuple[Settings, Path]
) -> None:
    settings, knowledge = own_knowledge
    faq = knowledge / "faq" / "klaster.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "  - id: [zepsute\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        build_application(settings)
    assert any("klaster.yaml" in p.file for p in raised.value.problems)


async def test_a_reload_command_does_not_read_files_that_keep_changing(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    keeper = KnowledgeKeeper(knowledge, tmp_path / "data" / SNAPSHOT_DIR, settle_seconds=0.1)
    keeper.start(dt.datetime.now(dt.UTC))
    faq = knowledge / "faq" / "inne.yaml"

    async def keep_writing() -> None:
        for number in range(12):
            with faq.open("a", encoding="utf-8") as file:
                file.write(f"# linia {number}\n")
            await asyncio.sleep(0.02)

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.01)
    outcome = await keeper.reload(dt.datetime.now(dt.UTC))
    await writer
    assert outcome.kind == "unsettled" and outcome.unsettled == ("faq/inne.yaml",)
    assert keeper.check(dt.datetime.now(dt.UTC)) is None  # the final state, seen once
    loaded = keeper.check(dt.datetime.now(dt.UTC))
    assert loaded is not None and loaded.applied


def test_a_damaged_snapshot_falls_back_to_the_previous_one(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    snapshot = tmp_path / "data" / SNAPSHOT_DIR
    now = dt.datetime.now(dt.UTC)
    KnowledgeKeeper(knowledge, snapshot).start(now)
    shutil.copytree(snapshot, snapshot.with_name(SNAPSHOT_DIR + ".old"))
    (snapshot / "faq" / "klaster.yaml").write_text("entries: [", encoding="utf-8")  # power cut
    (knowledge / "categories.yaml").write_text("categories: [", encoding="utf-8")
    keeper = KnowledgeKeeper(knowledge, snapshot)
    assert len(keeper.start(now).entries) == len(BUNDLED.entries)
    assert keeper.start_report is not None and keeper.start_report.problems


def started_keeper(tmp_path: Path) -> tuple[Path, KnowledgeKeeper, dt.datetime]:
    """A copy of the bundled knowledge, its keeper started without a snapshot, and now."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    keeper = KnowledgeKeeper(knowledge, None)
    now = dt.datetime.now(dt.UTC)
    keeper.start(now)
    return knowledge, keeper, now


def test_a_meeting_that_vanishes_is_held_back_like_an_entry(tmp_path: Path) -> None:
    knowledge, keeper, now = started_keeper(tmp_path)
    cut_before(knowledge / "meetings.yaml", "2022-12-plany-2023")
    assert keeper.check(now) is None  # first seen: maybe still being written
    held = keeper.check(now)
    assert held is not None and held.kind == "held"
    assert held.removal.meetings == ("2022-12-plany-2023",) and not held.removal.entries
    assert "2022-12-plany-2023" in {m.id for m in keeper.knowledge.meetings}  # still served


def test_a_file_that_cannot_be_read_is_reported_not_a_crash(tmp_path: Path) -> None:
    knowledge, keeper, now = started_keeper(tmp_path)
    (knowledge / "faq" / "kopia.yaml").mkdir()  # not a file: reading it fails
    outcome = keeper.load_now(now)
    assert outcome.kind == "rejected"
    assert [str(p) for p in outcome.problems] == [
        "faq/kopia.yaml:0: błąd: nie mogę odczytać pliku (Is a directory)"]
