"""The phrasing classifier's stored model: a restart reuses it, a damaged or unwritable store
only means training again, and the answers are the same either way."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot import classifier
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher
from bot.polish import fold

ROOT = Path(__file__).parent.parent
QUESTIONS = ["ile kosztuje członkostwo w klastrze", "kto może zostać członkiem klastra",
             "nie mam prądu od rana, gdzie dzwonić", "co to jest spółdzielnia energetyczna"]


def answers(matcher: Matcher) -> list[tuple[str, str | None, float]]:
    return [(r.status, r.entry.id if r.entry else None, r.score)
            for r in map(matcher.match, QUESTIONS)]


def fresh_matcher() -> Matcher:
    """A matcher built as a new process would: nothing remembered in memory."""
    classifier.classifier_for.cache_clear()
    return Matcher(load_valid_knowledge(ROOT / "knowledge"))


def test_a_restart_uses_the_stored_model_and_answers_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOLINIA_CACHE", str(tmp_path))
    first = answers(fresh_matcher())
    assert len(list(tmp_path.glob("*.npz"))) == 1

    def no_training(*args: object) -> Callable[[], dict[str, np.ndarray]]:
        raise AssertionError("trained again although the model was stored")

    monkeypatch.setattr(classifier, "_start_training", no_training)
    assert answers(fresh_matcher()) == first


def test_a_damaged_store_is_trained_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setenv("INFOLINIA_CACHE", str(tmp_path))
    expected = answers(fresh_matcher())
    stored = next(tmp_path.glob("*.npz"))
    stored.write_bytes(b"not a model")
    assert answers(fresh_matcher()) == expected
    assert stored.read_bytes() != b"not a model"


def test_an_unwritable_store_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("INFOLINIA_CACHE", str(blocked / "cache"))
    result = fresh_matcher().match("ile kosztuje członkostwo w klastrze")
    assert result.status == "answer" and result.entry.id == "czlonkostwo.koszty"


@pytest.mark.parametrize("entries", [2, 3, 5])
def test_the_classifier_prefers_each_phrasings_own_entry(
    entries: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two entries make one model for both; four or more are trained in two halves."""
    monkeypatch.setenv("INFOLINIA_CACHE", str(tmp_path))
    topics = [["awaria prądu", "nie ma prądu", "prąd wyłączyli"],
              ["składka członkowska", "ile kosztuje członkostwo", "opłata za członkostwo"],
              ["spotkanie klastra", "kiedy zebranie", "najbliższe spotkanie"],
              ["dotacje na panele", "dofinansowanie fotowoltaiki", "pieniądze na panele"],
              ["adres biura", "gdzie jest siedziba", "adres koordynatora"]][:entries]
    phrasings = [(fold(p), label) for label, topic in enumerate(topics) for p in topic]
    model = classifier.PhrasingClassifier(
        [tuple(p.split()) for p, _ in phrasings], [p for p, _ in phrasings],
        [label for _, label in phrasings], entries)
    for text, label in phrasings:
        assert int(np.argmax(model.margins(text.split(), text))) == label, text
