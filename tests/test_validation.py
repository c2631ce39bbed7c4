"""Each kind of knowledge error, from a broken fixture, is reported with file, line and id."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.loader import load_knowledge

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


def knowledge_with(tmp_path: Path, broken: str, target: str = "faq/zepsute.yaml") -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "minimal", root)
    shutil.copy(FIXTURES / "broken" / broken, root / target)
    return root


def only_problem(root: Path, level: str = "error"):
    problems = [p for p in load_knowledge(root, near_duplicates=True).problems
                if p.level == level]
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_minimal_fixture_is_sound() -> None:
    assert load_knowledge(FIXTURES / "minimal", near_duplicates=True).problems == []


def test_bundled_knowledge_is_sound(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "knowledge")]) == 0
    assert "OK:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("fixture", "line", "entry_id", "says"),
    [
        ("yaml_syntax.yaml", 5, None, "składni YAML"),
        ("duplicate_id.yaml", 2, "klaster.czym_jest", "powtórzony id"),
        ("missing_field.yaml", 2, "klaster.bez_odpowiedzi", "brak pola „answer”"),
        ("empty_field.yaml", 4, "klaster.puste_pytanie", "puste pole „question”"),
        ("unknown_category.yaml", 3, "pogoda.dzisiaj", "nieznana kategoria „pogoda”"),
        ("long_answer.yaml", 7, "klaster.za_dlugo", "4096"),
        ("colliding_phrasing.yaml", 2, "klaster.telefon", "klaster.kontakt"),
        ("unknown_field.yaml", 6, "klaster.literowka", "nieznane pole „keywrods”"),
    ],
)
def test_each_error_names_file_line_and_entry(
    tmp_path: Path, fixture: str, line: int, entry_id: str | None, says: str
) -> None:
    problem = only_problem(knowledge_with(tmp_path, fixture))
    assert problem.file.endswith("zepsute.yaml")
    assert (problem.line, problem.entry_id) == (line, entry_id)
    assert says in problem.message


def test_yaml_syntax_error_gives_the_column(tmp_path: Path) -> None:
    problem = only_problem(knowledge_with(tmp_path, "yaml_syntax.yaml"))
    assert "kolumna" in problem.message


def test_meetings_are_checked(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "bad_meetings.yaml", target="meetings.yaml")
    today = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
    result = load_knowledge(root, now=today)
    problems = [str(p) for p in result.problems]
    assert len(problems) == 3, problems
    assert any("meetings.yaml:5: [2026-12-odwrotnie]" in p and "po jego początku" in p
               for p in problems)
    assert any("meetings.yaml:15: [2026-12-walne]" in p and "powtórzony" in p
               for p in problems)
    assert any("meetings.yaml:21: [2026-12-bez-zapisow]" in p and "„registration”" in p
               for p in problems)
    assert [m.id for m in result.knowledge.meetings] == ["2026-12-walne", "2020-01-dawne"]


def test_near_duplicate_phrasings_warn_but_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = knowledge_with(tmp_path, "near_duplicate.yaml")
    warning = only_problem(root, level="warning")
    assert warning.entry_id == "klaster.definicja" and "klaster.czym_jest" in warning.message
    assert main(["check", str(root)]) == 0
    assert "ostrzeżenie" in capsys.readouterr().out


def test_check_command_exits_1_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = knowledge_with(tmp_path, "missing_field.yaml")
    shutil.copy(FIXTURES / "broken" / "unknown_category.yaml", root / "faq" / "inne.yaml")
    assert main(["check", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("zepsute.yaml:2: [klaster.bez_odpowiedzi]" in line for line in lines)
    assert any("inne.yaml:3: [pogoda.dzisiaj]" in line for line in lines)
    assert lines[-1].startswith("2 błędy.")


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path / "nie_ma")]) == 1


def test_a_button_label_over_40_characters_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = knowledge_with(tmp_path, "long_button.yaml")
    problem = only_problem(root)
    assert (problem.line, problem.entry_id) == (5, "klaster.dlugi_przycisk")
    assert "„button”" in problem.message and "40" in problem.message
    assert main(["check", str(root)]) == 1


def test_a_menu_entry_without_a_button_label_is_a_warning(tmp_path: Path) -> None:
    root = knowledge_with(tmp_path, "no_button.yaml")
    warning = only_problem(root, level="warning")
    assert warning.entry_id == "klaster.bez_przycisku" and "button" in warning.message


def test_the_label_is_the_button_or_else_the_question() -> None:
    entries = {e.id: e for e in load_knowledge(FIXTURES / "minimal").knowledge.entries}
    assert entries["klaster.czym_jest"].label == "Czym jest klaster"
    bundled = load_knowledge(ROOT / "knowledge").knowledge
    in_menu = {c.id for c in bundled.menu_categories()}
    assert all(e.button and len(e.button) <= 40 for e in bundled.entries if e.category in in_menu)
