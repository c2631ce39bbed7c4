"""The local chat: what a person sees typing into `python run_bot.py --console`."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.console import CONSOLE_HANDOFF, ConsoleChat
from bot.knowledge import KnowledgeBase
from bot.loader import load_valid_knowledge
from bot.matcher import Matcher

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_valid_knowledge(ROOT / "knowledge")


@pytest.fixture
def chat(knowledge: KnowledgeBase) -> ConsoleChat:
    return ConsoleChat(Matcher(knowledge), clock=lambda: dt.datetime(2026, 11, 26, tzinfo=dt.UTC))


def test_a_clear_question_gets_the_entry_answer(chat: ConsoleChat, knowledge) -> None:
    entry = knowledge.entry("czlonkostwo.jak_dolaczyc")
    assert chat.reply("jak dolaczyc do klastra") == entry.answer


def test_did_you_mean_lists_numbered_choices_and_a_number_picks_one(
    chat: ConsoleChat, knowledge
) -> None:
    reply = chat.reply("spółdzielnia")
    assert reply.startswith(texts.SUGGEST_INTRO)
    lines = reply.splitlines()[1:]
    assert lines[-1].endswith(texts.NONE_OF_THESE)
    first_question = lines[0].split(". ", 1)[1]
    picked = next(e for e in knowledge.entries if e.question == first_question)
    assert chat.reply("1") == picked.answer


def test_unknown_question_explains_the_hand_off(chat: ConsoleChat) -> None:
    reply = chat.reply("zgubiłem psa")
    assert reply.startswith(texts.NO_ANSWER)
    assert chat.reply("1") == CONSOLE_HANDOFF


def test_asking_for_a_human_offers_the_hand_off_at_once(chat: ConsoleChat) -> None:
    reply = chat.reply("chcę rozmawiać z konsultantem")
    assert "1. Przekaż koordynatorowi" in reply
    assert chat.reply("1") == CONSOLE_HANDOFF


def test_menu_browses_categories_then_questions(chat: ConsoleChat, knowledge) -> None:
    menu = chat.reply("/menu")
    assert "1. " + knowledge.menu_categories()[0].name in menu
    assert "Rozmowa" not in menu
    questions = chat.reply("1")
    first = knowledge.entries_in(knowledge.menu_categories()[0].id)[0]
    assert "1. " + first.question in questions
    assert chat.reply("1") == first.answer


def test_upcoming_meetings_are_rendered_from_the_data(chat: ConsoleChat, knowledge) -> None:
    reply = chat.reply("kiedy najbliższe spotkanie klastra")
    assert reply == knowledge.entry("spotkania.najblizsze").answer  # none planned in the data
    past = chat.reply("jakie spotkania już się odbyły")
    assert "Jaroszowice" in past and "czerwca 2022" in past


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
    assert texts.GREETING.splitlines()[0] in done.stdout
    assert texts.NO_ANSWER in done.stdout
    assert done.stdout.rstrip().endswith("Do widzenia!")


def test_run_bot_without_token_points_to_the_console(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "run_bot.py")], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env={"PATH": ""})
    assert done.returncode == 2
    assert "telegram.token" in done.stderr and "--console" in done.stderr
