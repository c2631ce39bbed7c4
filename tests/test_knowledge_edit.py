"""Editing entries field by field: checked before writing, spliced in, undoable."""

from __future__ import annotations

import datetime as dt
import difflib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot import storage
from bot.desk import versions
from bot.knowledge_edit import EntryForm, plan_add, plan_edit, plan_retire, read_entry
from bot.knowledge_preview import Previewer, edited_entry
from bot.loader import load_valid_knowledge
from bot.matcher import Thresholds

ROOT = Path(__file__).parent.parent
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    return copy


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*.yaml"))}


def test_an_edit_changes_only_the_lines_of_that_entry(root: Path) -> None:
    knowledge = load_valid_knowledge(root)
    before = snapshot(root)
    entry = read_entry(root, knowledge, "kontakt.adres")
    assert entry is not None and entry.file == "faq/kontakt.yaml"
    form = replace(entry.form, answer="Biuro jest w Częstochowie.\nZadzwoń przed wizytą.")
    plan = plan_edit(root, knowledge, "kontakt.adres", form, NOW)
    assert plan.ok and plan.files() == ["faq/kontakt.yaml"]
    plan.write()
    after = snapshot(root)
    assert {name for name in before if before[name] != after[name]} == {"faq/kontakt.yaml"}
    old = before["faq/kontakt.yaml"][0].decode().splitlines()
    new = after["faq/kontakt.yaml"][0].decode().splitlines()
    assert old[:5] == new[:5]  # the comments at the top
    removed = [line[1:] for line in difflib.unified_diff(old, new, lineterm="", n=0)
               if line.startswith("-") and not line.startswith("---")]
    assert removed == ["      " + line for line in entry.form.answer.splitlines()]
    assert load_valid_knowledge(root).entry("kontakt.adres").answer.startswith("Biuro jest")


def test_an_unchanged_form_writes_nothing(root: Path) -> None:
    knowledge = load_valid_knowledge(root)
    before = snapshot(root)
    for entry in knowledge.entries:
        editable = read_entry(root, knowledge, entry.id)
        assert editable is not None
        plan = plan_edit(root, knowledge, entry.id, editable.form, NOW)
        assert plan.ok and not plan.changed, entry.id
    assert snapshot(root) == before


def test_errors_are_put_next_to_their_field(root: Path) -> None:
    knowledge = load_valid_knowledge(root)
    form = read_entry(root, knowledge, "kontakt.adres").form
    bad = replace(form, button="x" * 41, checked="28.11.2026", answer="")
    plan = plan_edit(root, knowledge, "kontakt.adres", bad, NOW)
    assert set(plan.errors) == {"button", "checked", "answer"}
    taken = replace(form, phrasings=(*form.phrasings, "jak dolaczyc do klastra"))
    plan = plan_edit(root, knowledge, "kontakt.adres", taken, NOW)
    assert list(plan.errors) == ["phrasings"]
    assert "czlonkostwo.jak_dolaczyc" in plan.errors["phrasings"][0]


def test_add_retire_and_undo(root: Path, tmp_path: Path) -> None:
    connection = storage.connect(tmp_path / "bot.sqlite3")
    knowledge = load_valid_knowledge(root)
    original = (root / "faq" / "inne.yaml").read_bytes()
    form = EntryForm.from_text(question="Czy klaster ma psa?", button="Pies klastra",
                               phrasings="czy klaster ma psa\r\npies w klastrze\n\n",
                               answer="Nie ma.", source="koordynator", checked="2026-11-28")
    plan = plan_add(root, knowledge, "inne", form, NOW)
    assert plan.ok and plan.entry_id == "inne.czy_klaster_ma_psa"
    added = plan.write(lambda path: versions.remember(connection, root, path, NOW, "ala"))
    assert added == [root / "faq" / "inne.yaml"]
    knowledge = load_valid_knowledge(root)
    assert knowledge.entry("inne.czy_klaster_ma_psa").alternates == (
        "czy klaster ma psa", "pies w klastrze")
    retire = plan_retire(root, knowledge, "inne.czy_klaster_ma_psa", NOW)
    assert retire.removes == {"inne.czy_klaster_ma_psa"}
    undo: list[int] = []
    retire.write(lambda path: undo.append(versions.remember(connection, root, path, NOW, "ala")))
    assert (root / "faq" / "inne.yaml").read_bytes() == original
    versions.restore(connection, undo[0], root)
    assert load_valid_knowledge(root).entry("inne.czy_klaster_ma_psa") is not None


def test_entries_the_bot_needs_are_not_retired(root: Path) -> None:
    knowledge = load_valid_knowledge(root)
    plan = plan_retire(root, knowledge, "rozmowa.potwierdzenie", NOW)
    assert not plan.ok and "nie wycofam" in plan.errors[""][0]


def test_a_version_never_leaves_the_knowledge_folder(root: Path, tmp_path: Path) -> None:
    connection = storage.connect(tmp_path / "bot.sqlite3")
    with pytest.raises(versions.VersionError):
        versions.remember(connection, root, root / ".." / "bot.sqlite3", NOW, "ala")
    connection.execute("INSERT INTO knowledge_versions (path, content, saved_at, login) "
                       "VALUES ('../../etc/passwd', x'00', '', 'x')")
    with pytest.raises(versions.VersionError):
        versions.restore(connection, 1, root)


def test_the_check_uses_the_unsaved_phrasing(root: Path) -> None:
    knowledge = load_valid_knowledge(root)
    previewer = Previewer(Thresholds())
    form = read_entry(root, knowledge, "kontakt.adres").form
    question = "gdzie trzymacie rowery"
    saved = previewer.preview(knowledge, edited_entry(knowledge, "kontakt.adres", "kontakt",
                                                      form), question)
    assert saved.status == "handoff"
    unsaved = edited_entry(knowledge, "kontakt.adres", "kontakt", form.with_phrasing(question))
    found = previewer.preview(knowledge, unsaved, question)
    assert found.status == "answer" and found.answer.entry_id == "kontakt.adres"
    assert found.answer.edited
    new = edited_entry(knowledge, None, "inne", EntryForm(question="Czy klaster ma psa?",
                                                          phrasings=("pies klastra",)))
    assert previewer.preview(knowledge, new, "czy klaster ma psa").answer.edited


def test_an_undo_that_would_break_the_knowledge_is_refused(root: Path, tmp_path: Path) -> None:
    connection = storage.connect(tmp_path / "bot.sqlite3")
    knowledge = load_valid_knowledge(root)
    form = read_entry(root, knowledge, "kontakt.adres").form
    kept: list[int] = []
    plan_retire(root, knowledge, "kontakt.adres", NOW).write(
        lambda path: kept.append(versions.remember(connection, root, path, NOW, "ala")))
    knowledge = load_valid_knowledge(root)
    clash = EntryForm(question="Gdzie jest biuro klastra?", phrasings=form.phrasings,
                      answer="Inne biuro.", source=("ja",), checked="2026-11-28")
    assert plan_add(root, knowledge, "inne", clash, NOW).write()
    before = snapshot(root)
    with pytest.raises(versions.WouldBreak, match="miałaby błędy"):
        versions.restore(connection, kept[0], root)
    assert snapshot(root) == before


def test_old_versions_are_forgotten_and_their_changes_lose_undo(root: Path,
                                                                tmp_path: Path) -> None:
    from bot.desk import history

    connection = storage.connect(tmp_path / "bot.sqlite3")
    path = root / "faq" / "kontakt.yaml"
    old = versions.remember(connection, root, path, NOW, "ala")
    new = versions.remember(connection, root, path, NOW + versions.KEPT_FOR, "ala")
    old_change = history.record(connection, NOW, "ala", "Zmiana wpisu", "kontakt.adres", old)
    new_change = history.record(connection, NOW + versions.KEPT_FOR, "ala", "Zmiana wpisu",
                                "kontakt.adres", new)
    assert versions.forget_older_than(connection, NOW + dt.timedelta(days=1)) == 1
    with pytest.raises(versions.VersionError):
        versions.get(connection, old)
    assert versions.get(connection, new).content == path.read_bytes()
    assert history.change(connection, old_change).undo_ref is None
    assert history.change(connection, new_change).undo_ref == new
