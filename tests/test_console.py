"""The local chat: what a person sees typing into `python run_bot.py --console`."""

import datetime as dt
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot import texts
from bot.console import CONSOLE_HANDOFF, ConsoleChat
from bot.knowledge import KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher, MatchResult, Suggestion

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_valid_knowledge(ROOT / "knowledge")


@pytest.fixture
def chat(knowledge: KnowledgeBase) -> ConsoleChat:
    return ConsoleChat(Matcher(knowledge), clock=lambda: dt.datetime(2026, 11, 26, tzinfo=dt.UTC))


def test_a_clear_question_gets_the_entry_answer_and_feedback_choices(
    chat: ConsoleChat, knowledge
) -> None:
    entry = knowledge.entry("czlonkostwo.jak_dolaczyc")
    reply = chat.reply("jak dolaczyc do klastra")
    assert reply.startswith(entry.answer.strip())
    assert reply.endswith(f"1. {texts.HELPED}\n  2. {texts.NOT_HELPED}")
    assert chat.reply("1") == texts.THANKS_FOR_FEEDBACK


class _SeeAlso:
    """The real matcher, whose direct answers also name one sibling ("see also")."""

    def __init__(self, matcher: Matcher, sibling_id: str) -> None:
        self._matcher = matcher
        self._sibling = matcher.knowledge.entry(sibling_id)

    def match(self, text: str) -> MatchResult:
        result = self._matcher.match(text)
        if result.status != "answer":
            return result
        return replace(result, suggestions=(Suggestion(self._sibling, 30.0),))

    def __getattr__(self, name: str) -> object:
        return getattr(self._matcher, name)


def test_an_answer_offers_its_see_also_sibling_before_the_hand_off(knowledge) -> None:
    chat = ConsoleChat(_SeeAlso(Matcher(knowledge), "czlonkostwo.koszty"),
                       clock=lambda: dt.datetime(2026, 11, 26, tzinfo=dt.UTC))
    sibling = knowledge.entry("czlonkostwo.koszty")
    reply = chat.reply("jak dolaczyc do klastra")
    assert reply.startswith(knowledge.entry("czlonkostwo.jak_dolaczyc").answer.strip())
    assert reply.endswith(f"1. {texts.HELPED}\n  2. "
                          f"{texts.SEE_ALSO.format(label=sibling.label)}\n  3. {texts.NOT_HELPED}")
    assert chat.reply("2").startswith(sibling.answer.strip())


def test_did_you_mean_lists_numbered_choices_and_a_number_picks_one(
    chat: ConsoleChat, knowledge
) -> None:
    reply = chat.reply("spółdzielnia")
    assert reply.startswith(texts.SUGGEST_INTRO)
    lines = reply.splitlines()[1:]
    assert lines[-1].endswith(texts.NONE_OF_THESE)
    first_label = lines[0].split(". ", 1)[1]
    picked = next(e for e in knowledge.entries if (getattr(e, "label", None) or e.question)
                  == first_label)
    assert chat.reply("1").startswith(picked.answer.strip())


def test_unknown_question_is_handed_off_and_the_console_says_where_it_went(
    chat: ConsoleChat
) -> None:
    reply = chat.reply("zgubiłem psa")
    assert reply.startswith(texts.NO_ANSWER)
    handed_off = chat.reply("1")
    assert texts.HANDED_OFF.format(number=1) in handed_off
    assert handed_off.endswith(CONSOLE_HANDOFF)


def test_asking_for_a_human_asks_for_the_question_then_hands_it_off(chat: ConsoleChat) -> None:
    reply = chat.reply("chcę rozmawiać z konsultantem")
    assert reply.endswith(texts.ASK_PROMPT)
    handed_off = chat.reply("chodzi o dzierżawę dachu pod panele")
    assert texts.HANDED_OFF.format(number=1) in handed_off


def test_while_a_ticket_is_open_a_thank_you_is_not_added_to_it(chat: ConsoleChat) -> None:
    chat.reply("zgubiłem psa")
    chat.reply("1")
    assert texts.JOINED_TICKET.format(number=1) not in chat.reply("dziękuję")
    assert texts.JOINED_TICKET.format(number=1) in chat.reply("to był jamnik, reaguje na Burek")


def test_menu_browses_categories_then_questions(chat: ConsoleChat, knowledge) -> None:
    menu = chat.reply("/menu")
    category = knowledge.menu_categories()[0]
    assert "1. " + category.name in menu
    assert "Rozmowa" not in menu
    questions = chat.reply("1")
    assert questions.startswith(texts.CHOOSE_QUESTION.format(category=category.name))
    first = knowledge.entries_in(category.id)[0]
    assert "1. " + (getattr(first, "label", None) or first.question) in questions
    assert chat.reply("1").startswith(first.answer.strip())


def test_upcoming_meetings_are_rendered_from_the_data(chat: ConsoleChat, knowledge) -> None:
    reply = chat.reply("kiedy najbliższe spotkanie klastra")
    assert reply.startswith(knowledge.entry("spotkania.najblizsze").answer)  # none planned
    assert chat.reply("/spotkania").startswith(knowledge.entry("spotkania.najblizsze").answer)
    past = chat.reply("jakie spotkania już się odbyły")
    assert "Jaroszowice" in past and "czerwca 2022" in past


def test_my_data_lists_the_ticket_and_deleting_removes_it(chat: ConsoleChat) -> None:
    chat.reply("zgubiłem psa")
    chat.reply("1")
    assert "Pytanie: zgubiłem psa" in chat.reply("/moje_dane")
    assert chat.reply("/usun_dane").startswith(texts.FORGET_CONFIRM)
    assert chat.reply("1") == texts.FORGOTTEN.format(count=1)
    assert texts.MY_DATA_NO_TICKETS in chat.reply("/moje_dane")


def test_out_of_range_number_is_explained(chat: ConsoleChat) -> None:
    chat.reply("spółdzielnia")
    assert chat.reply("9").startswith("Wpisz numer od 1 do")


def test_run_bot_console_chats_over_stdin_without_a_token(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "--console"],
        input="jak dolaczyc do klastra\nzgubiłem psa na spacerze\n/koniec\n", capture_output=True,
        text=True, encoding="utf-8", cwd=ROOT, timeout=60,
        env={"PATH": "", "TELEGRAM_BOT_TOKEN": ""},
    )
    assert done.returncode == 0, done.stderr
    assert texts.greeting().splitlines()[0] in done.stdout
    assert texts.NO_ANSWER in done.stdout
    assert done.stdout.rstrip().endswith("Do widzenia!")


def test_run_bot_without_token_points_to_the_console(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "run_bot.py")], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env={"PATH": ""})
    assert done.returncode == 2
    assert "telegram.token" in done.stderr and "--console" in done.stderr
