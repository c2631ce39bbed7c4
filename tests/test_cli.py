"""The `python -m bot match` contract, run as a real process the way quality checks run it."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def run_match(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "match", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)


def test_match_prints_one_json_object_per_line_in_order() -> None:
    done = run_match("Jak dołączyć do klastra?\n\nzgubilem psa\nspółdzielnia\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Jak dołączyć do klastra?", "", "zgubilem psa",
                                          "spółdzielnia"]
    for row in rows:
        assert set(row) >= {"query", "status", "id", "score", "suggestions"}
        assert 0 <= row["score"] <= 100
        assert len(row["suggestions"]) <= 3
        assert all(set(s) == {"id", "score"} for s in row["suggestions"])
        assert (row["id"] is not None) == (row["status"] == "answer")
    assert rows[0]["status"] == "answer" and rows[0]["id"] == "czlonkostwo.jak_dolaczyc"
    assert all(s["id"] != rows[0]["id"] for s in rows[0]["suggestions"])
    assert rows[1]["status"] == "handoff"
    assert rows[2]["status"] == "handoff"
    assert rows[3]["status"] == "suggest"


def test_match_reports_non_questions_as_no_answer_and_names_the_small_talk_reply() -> None:
    done = run_match("ok\n???\nasdfgh\nDzień dobry!\nJak dołączyć do klastra?\n")
    assert done.returncode == 0, done.stderr
    ok, marks, mashing, greeting, question = (json.loads(line)
                                              for line in done.stdout.splitlines())
    assert (ok["status"], ok["id"], ok["smalltalk"]) == ("handoff", None,
                                                         "rozmowa.potwierdzenie")
    for row in (marks, mashing):
        assert (row["status"], row["id"], row["smalltalk"]) == ("handoff", None,
                                                                "rozmowa.niezrozumiale")
        assert row["suggestions"] == []
    # A greeting is an entry of the FAQ: answered.
    assert (greeting["status"], greeting["id"]) == ("answer", "rozmowa.powitanie")
    assert greeting["smalltalk"] == "rozmowa.powitanie"
    assert question["smalltalk"] is None


def test_match_handles_ten_thousand_lines() -> None:
    questions = ["jak dolaczyc do klastra", "kiedy powstal klaster", "qwerty", ""] * 2500
    done = run_match("\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert len(rows) == 10_000
    assert json.loads(rows[-3])["query"] == "kiedy powstal klaster"


def test_match_with_another_knowledge_directory() -> None:
    done = run_match("numer do koordynatora\n", "--knowledge", str(FIXTURES / "minimal"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "klaster.kontakt"


def test_match_refuses_broken_knowledge_with_the_reasons(tmp_path: Path) -> None:
    done = run_match("cokolwiek\n", "--knowledge", str(tmp_path))
    assert done.returncode == 1
    assert "categories.yaml" in done.stderr


def test_check_runs_as_a_module() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "check"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stdout
