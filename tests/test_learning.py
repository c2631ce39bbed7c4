"""The learning preview: what is proposed, what is flagged, and edits of learned entries."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.learning import (
    LEARNED_FILE,
    Proposal,
    add_entry,
    add_phrasing,
    button_label,
    explain,
    learned,
    personal_flags,
    propose,
    remove_learned,
    remove_phrasing,
    replace_answer,
    shorten,
    tidy_question,
    update_learned,
    without_personal,
)
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher

ROOT = Path(__file__).parent.parent
KNOWLEDGE = load_valid_knowledge(ROOT / "knowledge")
TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", copy)
    return copy


def test_the_proposal_tidies_the_question_and_keeps_the_answer_for_review() -> None:
    proposal = propose("dzien dobry, czy klaster organizuje warsztaty dla szkol podstawowych",
                       "Dzień dobry Panie Kubo! Tak, wiosną.", ["kontakt.adres"], KNOWLEDGE)
    assert proposal.question == "Czy klaster organizuje warsztaty dla szkol podstawowych?"
    assert len(proposal.button) <= 40 and proposal.button.endswith("…")
    assert proposal.category == "kontakt"  # the suggested entry's category
    assert proposal.targets == ("kontakt.adres",)
    assert proposal.answer == "Dzień dobry Panie Kubo! Tak, wiosną."  # nothing dropped silently


def test_small_talk_is_no_target_and_the_default_category_is_inne() -> None:
    proposal = propose("agregat dla OSP", "Nie.", ["rozmowa.powitanie", "nie.ma"], KNOWLEDGE)
    assert proposal.targets == () and proposal.category == "inne"


def test_greetings_names_and_sign_offs_are_flagged() -> None:
    proposal = Proposal("Czy są warsztaty?", "Dzień dobry Panie Kubo! Tak, wiosną. Zapraszam "
                        "też Panią Basię.\nPozdrawiam, Mateusz", "klaster", "Warsztaty")
    flags = personal_flags(proposal)
    assert any("powitania „Dzień dobry Panie Kubo!”" in f for f in flags)
    assert any("Panie Kubo" in f and "Panią Basię" in f for f in flags)
    assert any("Pozdrawiam, Mateusz" in f for f in flags)
    assert without_personal(proposal.answer) == "Tak, wiosną. Zapraszam też Panią Basię."


def test_a_plain_answer_has_no_flags() -> None:
    proposal = Proposal("Czy są warsztaty?", "Tak, wiosną – szczegóły na stronie klastra.",
                        "klaster", "Warsztaty")
    assert personal_flags(proposal) == []
    assert without_personal(proposal.answer) == proposal.answer


def test_over_long_question_and_button_are_flagged_at_once() -> None:
    long = "a" * 201
    flags = personal_flags(Proposal(long, "Tak.", "inne", "b" * 41))
    assert any("201 znaków" in f and "skróć" in f for f in flags)
    assert any("41 znaków" in f for f in flags)


def test_labels_are_cut_at_a_word_with_an_ellipsis() -> None:
    assert button_label("Krótkie pytanie?") == "Krótkie pytanie?"
    label = shorten("Jak dołączyć do istniejącej spółdzielni energetycznej w gminie", 40)
    assert label == "Jak dołączyć do istniejącej spółdzielni…"
    assert tidy_question("  czy   mogę  ") == "Czy mogę?"


def test_learned_entries_are_edited_and_removed(root: Path) -> None:
    question = "Czy klaster kupi agregat prądotwórczy dla OSP w Kruszynie?"
    assert add_entry(root, category="inne", question=question, answer="Nie.", today=TODAY,
                     number=3, button="Agregat dla OSP").ok
    assert add_phrasing(root, entry_id="kontakt.adres", text="gdzie was szukać").ok
    items = learned(root, load_valid_knowledge(root))
    assert [(i.entry_id, i.is_entry) for i in items] == [("inne.odpowiedz_3", True),
                                                         ("kontakt.adres", False)]
    assert items[0].label == "Agregat dla OSP"
    change = update_learned(root, entry_id="inne.odpowiedz_3", field_name="answer",
                            value="Nie, ale gmina może pomóc.\nZapytaj w urzędzie.", today=TODAY)
    assert change.ok, change.problems
    entry = load_valid_knowledge(root).entry("inne.odpowiedz_3")
    assert entry is not None and entry.answer.startswith("Nie, ale gmina może pomóc.")
    assert remove_phrasing(root, entry_id="kontakt.adres", index=0).ok
    assert remove_learned(root, entry_id="inne.odpowiedz_3").ok
    assert learned(root, load_valid_knowledge(root)) == []
    assert (root / LEARNED_FILE).read_text(encoding="utf-8").startswith("# Wpisy")


def test_replacing_an_answer_keeps_the_hand_written_file_as_it_was_otherwise(root: Path) -> None:
    path = root / "faq" / "kontakt.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    change = replace_answer(root, entry_id="kontakt.adres", answer="Biuro: pokój 12.",
                            today=TODAY)
    assert change.ok, change.problems
    after = path.read_text(encoding="utf-8").splitlines()
    assert after[:5] == before[:5]  # the header comments stay
    knowledge = load_valid_knowledge(root)
    result = Matcher(knowledge).match("gdzie jest biuro klastra")
    assert result.entry is not None and result.entry.answer == "Biuro: pokój 12."


def test_a_refused_change_is_one_line_naming_the_file_from_the_knowledge_folder(
    root: Path
) -> None:
    change = add_entry(root, category="inne", question="Czy dostanę bardzo długą odpowiedź?",
                       answer="Tak. " * 1100, today=TODAY, number=4)
    assert not change.ok
    line = explain(change, root)
    assert line.startswith("po tej zmianie baza wiedzy miałaby błędy: faq/nauczone.yaml:")
    assert "4096" in line and str(root) not in line and "\n" not in line
    assert not (root / LEARNED_FILE).exists()  # undone
    same = add_entry(root, category="inne", question="Jak dołączyć do klastra?", answer="Tak.",
                     today=TODAY, number=5)
    assert explain(same, root).startswith("takie pytanie ma już wpis czlonkostwo.jak_dolaczyc")


def test_a_greeting_without_punctuation_is_still_flagged() -> None:
    proposal = Proposal("Czy?", "Witam serdecznie klaster nie kupuje sprzętu.", "inne", "Czy?")
    assert any("„Witam" in flag for flag in personal_flags(proposal))
    assert tidy_question("dzien dobry czy klaster organizuje warsztaty") == (
        "Czy klaster organizuje warsztaty?")


def test_a_question_typed_without_polish_letters_is_pointed_out() -> None:
    proposal = Proposal("Jak dolaczyc do spoldzielni energetycznej?", "Tak.", "inne", "Jak")
    [flag] = personal_flags(proposal, KNOWLEDGE)
    assert "„dolaczyc” → „dołączyć”" in flag and "„spoldzielni” → „spółdzielni”" in flag
    assert personal_flags(replace(proposal, question="Jak dołączyć?"), KNOWLEDGE) == []


@pytest.mark.parametrize("question", ["Mój pesel 80010112345 – czy to potrzebne?",
                                      "Proszę o telefon 600 100 200 w sprawie paneli",
                                      "Piszę z jan.kowalski@example.pl, czy mogę dołączyć?"])
def test_personal_data_in_the_question_is_flagged(question: str) -> None:
    flags = personal_flags(Proposal(question, "Tak.", "inne", "Pytanie"))
    assert any("numer albo e-mail" in flag for flag in flags)


def test_a_promise_to_one_person_is_flagged() -> None:
    proposal = Proposal("Czy?", "Pani Basiu, sprawdzę to. Oddzwonię na 600 100 200.", "inne",
                        "Czy?")
    flags = personal_flags(proposal)
    assert any("„oddzwonię”, „sprawdzę”" in flag for flag in flags)
    assert any("Pani Basiu" in flag for flag in flags)
