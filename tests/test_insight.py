"""Question log, statistics, report and learning, on real SQLite and real files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from bot.insights import compute_stats
from bot.learning import LEARNED_FILE, add_entry, add_phrasing
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher
from bot.normalize import Normalizer
from bot.question_log import QuestionLog
from bot.report import render_report, unanswered_csv
from bot.storage import connect
from bot.tg.insight import stats_html
from bot.tickets import Person, TicketDesk
from tests.conftest import Clock

ROOT = Path(__file__).parent.parent
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
KNOWLEDGE = load_valid_knowledge(ROOT / "knowledge")


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW - dt.timedelta(days=3))


@pytest.fixture
def db(tmp_path: Path):
    return connect(tmp_path / "bot.sqlite3")


def test_questions_are_logged_without_the_person(db, clock: Clock) -> None:
    log = QuestionLog(db, clock=clock)
    first = log.record("jak dolaczyc do klastra", "answer", "czlonkostwo.jak_dolaczyc", 96.0)
    log.feedback(first, helped=True)
    second = log.record("zgubilem psa", "handoff", None, 10.0)
    log.handed_off(second)
    columns = [row[1] for row in db.execute("PRAGMA table_info(questions)")]
    assert not {"user_id", "chat_id", "username", "display_name"} & set(columns)
    rows = log.since(NOW - dt.timedelta(days=30))
    assert [(r.status, r.entry_id, r.feedback, r.handed_off) for r in rows] == [
        ("answer", "czlonkostwo.jak_dolaczyc", "helped", False), ("handoff", None, None, True)]


def test_question_text_can_be_left_out_and_is_dropped_after_retention(db, clock: Clock) -> None:
    QuestionLog(db, keep_text=False, clock=clock).record("tajne", "handoff")
    log = QuestionLog(db, clock=clock)
    log.record("jawne", "handoff")
    clock.now += dt.timedelta(days=400)
    assert log.forget_texts_older_than(dt.timedelta(days=365)) == 1
    assert [r.text for r in log.since(NOW - dt.timedelta(days=30))] == [None, None]


def sample_history(db, clock: Clock) -> tuple[QuestionLog, TicketDesk]:
    log, desk = QuestionLog(db, clock=clock), TicketDesk(db, clock)
    for text in ("jak dolaczyc do klastra", "jak dołączyć do klastra?", "Jak dolaczyc do klastra"):
        log.feedback(log.record(text, "answer", "czlonkostwo.jak_dolaczyc", 95.0), helped=True)
    log.feedback(log.record("ile kosztuje", "answer", "czlonkostwo.koszty", 90.0), helped=False)
    log.record("spoldzielnia", "suggest", None, 55.0)
    for text in ("czy klaster dofinansuje pompę ciepła", "Czy klaster dofinansuje pompe ciepla?",
                 "klaster dofinansuje pompy ciepła?", "zgubiłem psa"):
        log.handed_off(log.record(text, "handoff", None, 20.0))
    ticket, _ = desk.hand_off(Person(1, 1, "Anna"), "pompa ciepła?", [], -100)
    clock.now += dt.timedelta(hours=2)
    desk.answer(ticket.id, "Nie.")
    desk.hand_off(Person(2, 2, "Jan"), "inne", [], -100)
    return log, desk


def test_statistics_count_outcomes_group_unanswered_and_time_replies(db, clock: Clock) -> None:
    log, desk = sample_history(db, clock)
    stats = compute_stats(log, desk, Normalizer(KNOWLEDGE.synonyms), NOW, 30)
    assert (stats.questions, stats.answered, stats.suggested, stats.no_answer) == (9, 4, 1, 4)
    assert stats.handed_off == 4
    assert stats.helped_rate == 0.75
    assert stats.top_entries == [("czlonkostwo.jak_dolaczyc", 3), ("czlonkostwo.koszty", 1)]
    assert [g.count for g in stats.unanswered] == [3, 1, 1]
    assert "pomp" in stats.unanswered[0].example
    assert stats.median_reply == dt.timedelta(hours=2)
    assert stats.open_tickets == 1
    assert len(stats.daily) == 30 and sum(d.questions for d in stats.daily) == 9


def test_residents_ratings_of_answers_reach_the_statistics_and_the_report(
    db, clock: Clock
) -> None:
    log, desk = sample_history(db, clock)
    stats = compute_stats(log, desk, Normalizer(KNOWLEDGE.synonyms), NOW, 30)
    assert stats.answer_rating_text == "brak ocen"
    assert desk.rate(1, 1) and not desk.rate(2, 1)  # ticket 2 has no answer to rate
    stats = compute_stats(log, desk, Normalizer(KNOWLEDGE.synonyms), NOW, 30)
    assert (stats.answers_rated_up, stats.answers_rated_down) == (1, 0)
    page = render_report(stats, KNOWLEDGE, NOW)
    assert "Oceny odpowiedzi koordynatora" in page and "👍 1 · 👎 0" in page
    assert "Oceny odpowiedzi koordynatora: 👍 1 · 👎 0" in stats_html(stats, KNOWLEDGE)


def test_report_is_self_contained_polish_html_and_the_csv_lists_unanswered(
    db, clock: Clock
) -> None:
    log, desk = sample_history(db, clock)
    stats = compute_stats(log, desk, Normalizer(KNOWLEDGE.synonyms), NOW, 30)
    page = render_report(stats, KNOWLEDGE, NOW)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="pl">' in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count("class='bar h") == 30 and page.count("class='col'") == 60
    assert KNOWLEDGE.entry("czlonkostwo.jak_dolaczyc").question in page
    assert "Pytania bez odpowiedzi" in page and "dofinansuje" in page
    rows = list(csv.reader(io.StringIO(unanswered_csv(stats))))
    assert rows[0] == ["pytanie", "ile_razy", "ostatnio", "inne_sformulowania"]
    assert rows[1][1] == "3"


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    return root


def test_learning_a_new_entry_answers_the_question_next_time(knowledge_copy: Path) -> None:
    hand_written = {p: p.read_bytes() for p in (knowledge_copy / "faq").glob("*.yaml")}
    question = "Czy klaster kupi agregat prądotwórczy dla OSP w Kruszynie?"
    assert Matcher(load_valid_knowledge(knowledge_copy)).match(question).status != "answer"
    change = add_entry(knowledge_copy, category="inne", question=question,
                       answer="Klaster nie udziela dotacji osobom prywatnym.\nZapytaj w gminie.",
                       today=dt.date(2026, 11, 26), number=12)
    assert change.ok, change.problems
    knowledge = load_valid_knowledge(knowledge_copy)
    entry = knowledge.entry("inne.odpowiedz_12")
    assert entry.source == ("odpowiedź koordynatora",) and str(entry.checked) == "2026-11-26"
    result = Matcher(knowledge).match(question)
    assert result.status == "answer" and result.entry.id == "inne.odpowiedz_12"
    assert all(p.read_bytes() == content for p, content in hand_written.items())


def test_learning_a_phrasing_keeps_comments_in_the_learned_file(knowledge_copy: Path) -> None:
    learned = knowledge_copy / LEARNED_FILE
    learned.write_text("# Notatka koordynatora: nie usuwać\nphrasings:\n"
                       "  kontakt.adres:  # biuro\n    - gdzie macie biuro\n", encoding="utf-8")
    change = add_phrasing(knowledge_copy, entry_id="kontakt.adres",
                          text="pod jakim adresem urzędujecie")
    assert change.ok, change.problems
    text = learned.read_text(encoding="utf-8")
    assert text.startswith("# Notatka koordynatora: nie usuwać")
    assert "# biuro" in text and text.index("gdzie macie biuro") < text.index("urzędujecie")
    result = Matcher(load_valid_knowledge(knowledge_copy)).match("pod jakim adresem urzędujecie")
    assert result.entry is not None and result.entry.id == "kontakt.adres"


def test_a_change_that_would_break_the_knowledge_is_undone(knowledge_copy: Path) -> None:
    change = add_phrasing(knowledge_copy, entry_id="kontakt.adres", text="jak dolaczyc do klastra")
    assert not change.ok
    assert any("czlonkostwo.jak_dolaczyc" in p.message for p in change.problems)
    assert not (knowledge_copy / LEARNED_FILE).exists()
    load_valid_knowledge(knowledge_copy)  # still sound


def test_acknowledgements_are_not_questions(db, clock: Clock) -> None:
    log, desk = QuestionLog(db, clock=clock), TicketDesk(db, clock)
    for text in ("ok", "xD", "???", "👍", "tak"):
        log.record(text, "handoff")
    log.record("dzięki!", "answer", "rozmowa.podziekowanie", 90.0)
    log.record("jak dolaczyc do klastra", "answer", "czlonkostwo.jak_dolaczyc", 95.0)
    log.handed_off(log.record("ok a co z dotacją na pompę ciepła", "handoff"))
    stats = compute_stats(log, desk, Normalizer(KNOWLEDGE.synonyms), NOW, 30)
    assert (stats.questions, stats.answered, stats.small_talk) == (2, 1, 6)
    assert [g.example for g in stats.unanswered] == ["ok a co z dotacją na pompę ciepła"]
    page = render_report(stats, KNOWLEDGE, NOW)
    assert "Poza tym 6 wiadomości bez pytania" in page


def test_a_period_without_questions_says_so(db, clock: Clock) -> None:
    stats = compute_stats(QuestionLog(db, clock=clock), TicketDesk(db, clock),
                          Normalizer(KNOWLEDGE.synonyms), NOW, 1)
    page = render_report(stats, KNOWLEDGE, NOW)
    assert "nikt nie zadał pytania" in page and "Wszystkie pytania" not in page
    assert "Ostatni dzień" in page
