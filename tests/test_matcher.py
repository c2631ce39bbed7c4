"""The matcher on the bundled knowledge: evaluation sets and the behaviour residents notice."""

from pathlib import Path

import pytest
import yaml

from bot.greeting import only_greets
from bot.knowledge import KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import OUT_OF_SCOPE_CATEGORY, Matcher, Thresholds
from bot.polish import fold

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_valid_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def matcher(knowledge: KnowledgeBase) -> Matcher:
    return Matcher(knowledge)


def in_scope(name: str) -> list[tuple[str, list[str]]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return [(q, case["ids"]) for case in data["in_scope"] for q in case["q"]]


def out_of_scope(name: str) -> list[str]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8")).get("out_of_scope", [])


@pytest.mark.parametrize(
    ("question", "ids"), [pytest.param(q, ids, id=q) for q, ids in in_scope("dev.yaml")]
)
def test_every_development_question_leads_to_its_entry(
    matcher: Matcher, question: str, ids: list[str]
) -> None:
    """Answered, or (for bare keywords shared by siblings: "członkowie spółdzielni") offered
    first among the suggestions."""
    result = matcher.match(question)
    first = result.entry if result.status == "answer" else (
        result.suggestions[0].entry if result.suggestions else None)
    assert first is not None and first.id in ids, (result.status, result.score)


def test_development_questions_are_nearly_all_answered_directly(matcher: Matcher) -> None:
    cases = in_scope("dev.yaml")
    right = sum(1 for q, ids in cases
                if (r := matcher.match(q)).status == "answer" and r.entry and r.entry.id in ids)
    assert right / len(cases) >= 0.95, f"{right}/{len(cases)}"


@pytest.mark.parametrize("question", out_of_scope("dev.yaml"))
def test_no_development_out_of_scope_question_is_answered(
    matcher: Matcher, question: str
) -> None:
    result = matcher.match(question)
    # "qwerty" is among them: it gets the small-talk "napisz pytanie", never an FAQ answer.
    faq_answer = result.status == "answer" and result.entry and not result.entry.is_smalltalk
    assert not faq_answer, (result.entry.id if result.entry else None, result.score)


@pytest.mark.parametrize(("name", "floor", "ceiling"),
                         [("holdout.yaml", 0.94, 0.07), ("fresh.yaml", 0.93, 0.08),
                          ("blind_tune.yaml", 0.89, 0.06)])
def test_held_out_sets_stay_above_their_floor(
    matcher: Matcher, name: str, floor: float, ceiling: float
) -> None:
    """Sets written apart from the knowledge (blind_tune.yaml by people who never saw it).
    The target is 92% answered right with at most 3% of unrelated questions answered; the
    floors guard what the matcher reaches today."""
    cases = in_scope(name)
    right = sum(
        1 for q, ids in cases
        if (r := matcher.match(q)).status == "answer" and r.entry and r.entry.id in ids
    )
    unrelated = out_of_scope(name)
    false = sum(1 for q in unrelated
                if (r := matcher.match(q)).status == "answer" and not r.entry.is_smalltalk)
    assert right / len(cases) >= floor, f"{right}/{len(cases)} answered right"
    assert false / len(unrelated) <= ceiling, f"{false}/{len(unrelated)} unrelated answered"


def test_every_entry_answers_its_own_question(knowledge: KnowledgeBase, matcher: Matcher) -> None:
    wrong = [e.id for e in knowledge.entries if e.category != OUT_OF_SCOPE_CATEGORY
             and ((r := matcher.match(e.question)).entry is None or r.entry.id != e.id)]
    assert wrong == []


@pytest.mark.parametrize("question", ["Jaki jest REGON starostwa?",
                                      "godziny otwarcia urzędu gminy w sobotę",
                                      "jak założyć spółdzielnię mieszkaniową",
                                      "czy znacie sprawdzoną firmę od pomp ciepła",
                                      "od soboty nie mam zasięgu w komórce w Lelowie",
                                      "dekoder pokazuje brak sygnału, kto naprawia nadajnik?",
                                      "sąsiad odpala agregat w nocy, gdzie to zgłosić?"])
def test_known_out_of_scope_topics_are_handed_off_not_answered(
    matcher: Matcher, question: str
) -> None:
    result = matcher.match(question)
    assert result.status == "handoff" and result.entry is None
    assert all(s.entry.category != OUT_OF_SCOPE_CATEGORY for s in result.suggestions)


def test_typos_and_missing_diacritics_still_find_the_entry(matcher: Matcher) -> None:
    for question in ("jak dolaczyc do klastra", "jak dołonczyć do klastra",
                     "Jak DOŁĄCZYĆ do klastra???"):
        result = matcher.match(question)
        assert result.entry is not None and result.entry.id == "czlonkostwo.jak_dolaczyc"


def test_unclear_question_offers_up_to_three_choices(matcher: Matcher) -> None:
    result = matcher.match("spółdzielnia")
    assert result.status == "suggest"
    assert result.entry is None
    assert 2 <= len(result.suggestions) <= 3
    assert all(s.entry.id.startswith("spoldzielnie.") for s in result.suggestions)
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_input_is_handed_off(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status == "handoff" and result.score == 0.0


@pytest.mark.parametrize("question", ["ok", "OK.", "tak", "Dobrze", "jasne", "👍", "👍🏻", "xD"])
def test_acknowledgements_get_a_short_reply_not_a_handoff(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "rozmowa.potwierdzenie"
    assert result.suggestions == () and result.language is None


@pytest.mark.parametrize("question", ["???", "?", "?!?", "😀", "\u200b", "asdf", "sdfghj",
                                      "w i z na"])
def test_symbols_and_gibberish_ask_for_a_question(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "rozmowa.niezrozumiale"


def test_an_acknowledgement_before_a_question_does_not_hide_it(matcher: Matcher) -> None:
    result = matcher.match("ok, a ile kosztuje członkostwo w klastrze?")
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "czlonkostwo.koszty"


@pytest.mark.parametrize(
    ("question", "language"),
    [("hello, I need help", "en"), ("Hi, is there anyone who speaks English?", "en"),
     ("Привіт, мені потрібна допомога, немає світла", "uk"),
     ("Здравствуйте, у меня нет света, что делать?", "ru"),
     ("Hallo, ich brauche Hilfe mit meiner Stromrechnung", "de")],
)
def test_other_languages_are_handed_off_with_the_language(
    matcher: Matcher, question: str, language: str
) -> None:
    result = matcher.match(question)
    assert (result.status, result.language) == ("handoff", language)


@pytest.mark.parametrize("question", ["hello", "jak dolaczyc do klastra", "super, dzieki",
                                      "czy jest jakis support dla firm w klastrze"])
def test_polish_with_loanwords_and_no_diacritics_stays_polish(
    matcher: Matcher, question: str
) -> None:
    assert matcher.match(question).language is None


def test_thanks_in_another_language_is_answered_as_small_talk(matcher: Matcher) -> None:
    result = matcher.match("thank you")
    assert result.status == "answer" and result.entry is not None
    assert (result.entry.id, result.language) == ("rozmowa.podziekowanie", "en")


def test_very_long_text_does_not_break_matching(matcher: Matcher) -> None:
    result = matcher.match("jak dołączyć do klastra " + "bla " * 2000)
    assert result.status in ("answer", "suggest", "handoff")


def test_thanks_and_acknowledgements_are_answered_but_never_suggested(matcher: Matcher) -> None:
    thanks = matcher.match("dzięki wielkie")
    assert thanks.status == "answer" and thanks.entry and thanks.entry.is_smalltalk
    never = {"rozmowa.podziekowanie", "rozmowa.potwierdzenie", "rozmowa.niezrozumiale"}
    for question in ("co umiesz", "pomoc", "hej co tam", "dzięki, a jak dołączyć?", "ok a kontakt"):
        result = matcher.match(question)
        assert not any(s.entry.id in never for s in result.suggestions)


def test_a_question_about_the_bot_itself_offers_what_it_can_do(matcher: Matcher) -> None:
    # Half about a human, half about what the chat is for: the help text is one button.
    result = matcher.match("a co tu w ogóle można załatwić przez ten czat i czy ktoś żywy odpisze")
    offered = [result.entry.id] if result.entry else []
    offered += [s.entry.id for s in result.suggestions]
    assert "rozmowa.pomoc" in offered and "kontakt.konsultant" in offered


def test_greeting_before_a_question_does_not_hide_it(matcher: Matcher) -> None:
    result = matcher.match("Dzień dobry, ile kosztuje członkostwo w klastrze?")
    assert result.entry is not None and result.entry.id == "czlonkostwo.koszty"


def test_thresholds_decide_between_answer_suggest_and_handoff(knowledge: KnowledgeBase) -> None:
    question = "jak dołączyć do klastra"
    assert Matcher(knowledge).match(question).status == "answer"
    # Far-ahead candidates and long messages are answered somewhat below the threshold, so
    # "never answer" takes a threshold well above 100.
    strict = Matcher(knowledge, Thresholds(answer=150, margin=0, suggest=10))
    assert strict.match(question).status == "suggest"
    hopeless = Matcher(knowledge, Thresholds(answer=150, margin=0, suggest=100.1))
    assert hopeless.match(question).status == "handoff"


def test_a_long_story_is_answered_with_the_entry_its_question_asks_for(matcher: Matcher) -> None:
    story = ("Dobry wieczór, u mnie w Janowie od godziny nie ma prądu, w lodówce wszystko się "
             "rozmrozi, sąsiadka też nie ma światła, sprawdziłam korki i są w porządku. "
             "Gdzie mam dzwonić, żeby zgłosić awarię??")
    result = matcher.match(story)
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "inne.awaria"


def test_a_self_introduction_and_a_place_name_do_not_hide_the_question(
    matcher: Matcher
) -> None:
    result = matcher.match("Jestem wójtem gminy Przyrów i rada pyta mnie, ile kosztuje "
                           "członkostwo naszej gminy w klastrze, czy są jakieś składki?")
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == "czlonkostwo.koszty"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [("ile kosztuje członkostwo w klastrze", "czlonkostwo.koszty"),
     ("kto może zostać członkiem klastra", "czlonkostwo.kto_moze"),
     ("jak zostać członkiem klastra", "czlonkostwo.jak_dolaczyc"),
     ("czy opłaca się wejść do klastra", "czlonkostwo.korzysci"),
     ("czym jest spółdzielnia energetyczna", "spoldzielnie.czym_jest"),
     ("jak założyć spółdzielnię energetyczną", "spoldzielnie.jak_zalozyc"),
     ("kto może być członkiem spółdzielni energetycznej", "spoldzielnie.kto_moze")],
)
def test_siblings_of_one_topic_are_told_apart_by_the_question_form(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    result = matcher.match(question)
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == entry_id


@pytest.mark.parametrize("question", ["jak morze gmina pszystąpić do klastra",
                                      "jakie są obowionzki członków klastra"])
def test_spelling_by_ear_is_understood(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.entry is not None or result.suggestions
    first = result.entry or result.suggestions[0].entry
    assert first.id in ("czlonkostwo.jak_dolaczyc", "czlonkostwo.kto_moze",
                        "czlonkostwo.obowiazki")


def test_a_bare_topic_name_gets_its_definition(matcher: Matcher) -> None:
    # People who never saw the knowledge ask "spółdzielnia energetyczna?" meaning "what is it":
    # the definition is the answer, or the first of the choices offered.
    for topic, meant in (("spółdzielnia energetyczna", "spoldzielnie.czym_jest"),
                         ("klaster", "klaster.czym_jest")):
        result = matcher.match(topic)
        first = result.entry if result.status == "answer" else (
            result.suggestions[0].entry if result.suggestions else None)
        assert result.status in ("answer", "suggest") and first is not None
        assert first.id == meant


@pytest.mark.parametrize("word, topic", [("członkostwo", "czlonkostwo."),
                                         ("spotkania", "spotkania.")])
def test_a_vague_topic_word_offers_the_siblings_together(matcher: Matcher, word: str,
                                                          topic: str) -> None:
    result = matcher.match(word)
    assert result.status == "suggest"
    assert len(result.suggestions) >= 2
    assert all(s.entry.id.startswith(topic) for s in result.suggestions)


def test_the_meetings_word_offers_the_upcoming_meetings(matcher: Matcher) -> None:
    # Typed like the /spotkania command, without its slash: the next meetings are one button.
    offered = [s.entry.id for s in matcher.match("spotkania").suggestions]
    assert "spotkania.najblizsze" in offered


@pytest.mark.parametrize("message", [
    "Dzień dobry, tu Halina z Mykanowa. Pozdrawiam serdecznie!",
    "Szanowni Państwo, uprzejmie witam w imieniu Urzędu Gminy Kłomnice.",
    "siema, kolega z Blachowni mi podeslal tego bota, to pisze, elo",
    "dziendobry panstwu",
    "Dobry dzień, ja Olena z Kłobucka",
])
def test_a_greeting_with_an_introduction_is_greeted(matcher: Matcher, message: str) -> None:
    result = matcher.match(message)
    assert result.status == "answer" and result.entry.id == "rozmowa.powitanie"


@pytest.mark.parametrize("message", [
    # Introductions full of the cluster's own words, "czy", "nie": the writer says it greets.
    "Dzień dobry, tu sołtys z Kruszyny, syn mi ustawił ten czat o klastrze energii, zobaczymy "
    "czy działa, to na początek się przywitam",
    "Dzień dobry, jestem księgową w tartaku pod Koniecpolem, nie wiedziałam, że klaster ma "
    "taki czat, więc chcę tylko powiedzieć dzień dobry",
])
def test_a_message_that_says_it_only_greets_is_greeted(matcher: Matcher, message: str) -> None:
    result = matcher.match(message)
    assert result.status == "answer" and result.entry.id == "rozmowa.powitanie"


@pytest.mark.parametrize("message", [
    "Witam na początek, szukam numeru do koordynatora",
    "Dzień dobry, najpierw się przywitam, bo mam problem z rachunkiem za prąd",
])
def test_a_declared_greeting_with_a_question_or_need_is_not_just_greeted(
        matcher: Matcher, message: str) -> None:
    result = matcher.match(message)
    assert result.entry is None or result.entry.id != "rozmowa.powitanie"


@pytest.mark.parametrize("message", [
    "Dzień dobry, tu Halina z Mykanowa, od rana nie mam prądu",
    "Witam, poproszę o numer do koordynatora klastra",
    "Dzień dobry, szukam pracy w Kłomnicach",
    # A letter about a matter, cut off before its request: not a greeting.
    "Szanowni Państwo, w nawiązaniu do rozmowy telefonicznej z zeszłego tygodnia uprzejmie "
    "informuję, że sołectwo Rybna",
    "Szanowni Państwo, przesyłam w załączeniu protokół z zebrania wiejskiego w Kobyłczycach",
])
def test_a_greeting_around_a_request_is_not_just_greeted(matcher: Matcher, message: str
                                                         ) -> None:
    result = matcher.match(message)
    assert result.entry is None or result.entry.id != "rozmowa.powitanie"


@pytest.mark.parametrize(("question", "expected"), [
    # Joining an existing cooperative is part of faq-spec's "members and territory".
    ("jak się zapisać do działającej już spółdzielni energetycznej?", "spoldzielnie.kto_moze"),
    ("czy jako emerytka mogę być członkiem spółdzielni energetycznej", "spoldzielnie.kto_moze"),
    # Who runs the grid belongs with outages: the cluster does not run the grid.
    ("czyja jest linia energetyczna za moim płotem?", "inne.awaria"),
    ("kto w powiecie jest operatorem sieci energetycznej", "inne.awaria"),
])
def test_questions_go_to_the_spec_entry_that_covers_them(
    matcher: Matcher, question: str, expected: str
) -> None:
    result = matcher.match(question)
    assert result.status == "answer" and result.entry.id == expected


@pytest.mark.parametrize("message, meant", [
    ("dzieki, pozdrawiam serdecznie", "rozmowa.podziekowanie"),
    ("Witam, dziękuję za wczorajszą odpowiedź", "rozmowa.podziekowanie"),
])
def test_thanks_signed_off_with_regards_is_thanks(matcher: Matcher, message: str,
                                                  meant: str) -> None:
    result = matcher.match(message)
    assert result.status == "answer" and result.entry is not None
    assert result.entry.id == meant


def test_thanks_in_advance_only_opens_a_greeting() -> None:
    text = "Dzień dobry, tu Halina z Mykanowa, z góry dziękuję"
    assert only_greets(text, fold(text))
    thanks = "Dzień dobry, tu Halina z Mykanowa, dziękuję za odpowiedź"
    assert not only_greets(thanks, fold(thanks))


def test_the_greeting_is_no_choice_beside_a_hand_off(matcher: Matcher) -> None:
    result = matcher.match("Dzień dobry, potrzebuję pomocy z meldunkiem dla syna, gdzie to się "
                           "załatwia w Kłomnicach")
    assert result.status == "handoff"
    assert "rozmowa.powitanie" not in [s.entry.id for s in result.suggestions]
