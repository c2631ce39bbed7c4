import pytest

from bot.normalize import Normalizer
from bot.polish import fold, stem


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Spółdzielnia Energetyczna", "spoldzielnia energetyczna"),
        ("ŁÓDŹ, żółć!", "lodz zolc"),
        ("Czym jest   klaster?!", "czym jest klaster"),
        ("e-mail: ekurbiel@subregion", "e mail ekurbiel subregion"),
    ],
)
def test_fold_removes_case_diacritics_and_punctuation(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_maps_l_with_stroke_which_unicode_does_not_decompose() -> None:
    assert fold("Łódź dołączyć") == "lodz dolaczyc"


@pytest.mark.parametrize(
    "forms",
    [
        ["klastra", "klastrze", "klastrem", "klastrów", "klastry"],
        ["spółdzielnia", "spółdzielni", "spółdzielnię", "spoldzielnie", "spółdzielniach"],
        ["gmina", "gminy", "gminie", "gmin"],
        ["opłata", "opłaty", "oplat", "opłatę"],
        ["prąd", "prądu", "pradem"],
    ],
)
def test_inflected_forms_share_one_stem(forms: list[str]) -> None:
    stems = {stem(fold(form)) for form in forms}
    assert len(stems) == 1, stems


def test_stop_words_are_dropped_but_question_words_stay() -> None:
    normalizer = Normalizer()
    assert normalizer.tokens("Czy to jest w klastrze?") == ["klastr"]
    assert "kto" in normalizer.tokens("kto może dołączyć")
    assert normalizer.tokens("kiedy jest spotkanie") == [stem("kiedy"), stem("spotkanie")]


def test_same_question_with_and_without_diacritics_normalizes_equal() -> None:
    normalizer = Normalizer()
    assert normalizer.key("Jak dołączyć do spółdzielni energetycznej?") == normalizer.key(
        "jak dolaczyc do spoldzielni energetycznej"
    )


def test_synonyms_map_phrases_and_inflections_to_the_first_form() -> None:
    normalizer = Normalizer([["fotowoltaika", "panele słoneczne", "pv"],
                             ["oze", "odnawialne źródła energii"]])
    assert normalizer.tokens("panelami słonecznymi") == normalizer.tokens("fotowoltaika")
    assert normalizer.tokens("PV na dachu") == normalizer.tokens("fotowoltaika na dachu")
    assert normalizer.tokens("odnawialnych źródeł energii") == ["oze"]


def test_courtesy_is_dropped_only_when_something_else_is_asked() -> None:
    normalizer = Normalizer()
    assert normalizer.tokens("Dzień dobry, jak dołączyć do klastra?", drop_courtesy=True) == \
        normalizer.tokens("jak dołączyć do klastra")
    assert normalizer.tokens("dzień dobry", drop_courtesy=True) != []


def test_nasal_vowels_typed_as_they_sound_have_a_respelling() -> None:
    normalizer = Normalizer()
    [token] = normalizer.tokens("dołonczyć")
    assert stem("dolaczyc") in normalizer.respellings(token)
