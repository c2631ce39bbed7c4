"""The outbox's small parts: Polish plurals, splitting between words, error kinds, rendering."""

from __future__ import annotations

import datetime as dt
import re
from html import escape, unescape

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot import storage
from bot.outbox import OutboxStore, tickets_phrase
from bot.plural import plural
from bot.textsplit import split_words, utf16_len
from bot.tg.delivery import outcome_of, ticket_number, ticket_post
from bot.tickets import Person, TicketDesk
from tests.test_telegram import KNOWLEDGE


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 zgłoszeń"), (1, "1 zgłoszenie"), (2, "2 zgłoszenia"), (4, "4 zgłoszenia"),
    (5, "5 zgłoszeń"), (12, "12 zgłoszeń"), (22, "22 zgłoszenia"), (25, "25 zgłoszeń"),
    (112, "112 zgłoszeń"), (104, "104 zgłoszenia"),
])
def test_polish_plural(count: int, expected: str) -> None:
    assert tickets_phrase(count) == expected
    assert plural(count, "osoba", "osoby", "osób").split()[0] == str(count)


def test_split_only_between_words_and_within_the_limit() -> None:
    text = " ".join(f"słowo{i}" for i in range(2000))
    parts = split_words(text, 500, first_limit=100)
    assert utf16_len(parts[0]) <= 100 and all(utf16_len(p) <= 500 for p in parts)
    assert " ".join(parts) == text  # every cut fell on a space


def test_a_word_longer_than_a_message_is_cut_but_entities_never_are() -> None:
    question = "<&>" * 2000  # 6,000 characters, no spaces, each one escaped in HTML
    desk = TicketDesk(storage.connect(":memory:"))
    ticket, _ = desk.hand_off(Person(7003, 7003, "BezSpacji"), question, (), -100)
    post = ticket_post(ticket, question, KNOWLEDGE, followup=False)
    assert post.document is None and len(post.messages) == 2
    assert post.messages[0].startswith(f"<b>Zgłoszenie #{ticket.id}</b>\nOd: BezSpacji, ID 7003")
    bodies = [post.messages[0].split("\n\n")[1], post.messages[1].split("\n\n", 1)[1]]
    # each part is a whole escaped piece of the question
    pieces = []
    for body in bodies:
        assert body.count("&") == body.count("&lt;") + body.count("&amp;") + body.count("&gt;")
        pieces.append(body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert "".join(pieces) == question
    assert all(escape(p) in m for p, m in zip(pieces, post.messages, strict=True))


def test_a_question_over_three_messages_becomes_a_file() -> None:
    question = "Bardzo długi opis sprawy. " * 700  # about 18,000 characters
    desk = TicketDesk(storage.connect(":memory:"))
    ticket, _ = desk.hand_off(Person(5, 5, "Ola"), question, (), -100)
    post = ticket_post(ticket, question, KNOWLEDGE, followup=False)
    assert len(post.messages) == 1 and post.document == question.encode()
    assert "w pliku" in post.messages[0]
    shown = unescape(re.sub(r"<[^>]+>", "", post.messages[0]))
    assert utf16_len(shown) + 80 <= 4096  # room left for "✅ Odpowiedziano …"


def test_ticket_headers_are_read_back() -> None:
    assert ticket_number("Zgłoszenie #7\nOd: Ala") == 7
    assert ticket_number("Zgłoszenie nr 12 – pełna treść") == 12
    assert ticket_number("Zgłoszenie #3, dalsza część") == 3
    assert ticket_number("✅ Odpowiedź na zgłoszenie #3 dostarczona.") is None
    assert ticket_number(None) is None


@pytest.mark.parametrize(("error", "chat_id", "kind", "reason"), [
    (Forbidden("Forbidden: bot was blocked by the user"), 5, "gone", "blocked"),
    (Forbidden("Forbidden: user is deactivated"), 5, "gone", "deactivated"),
    (Forbidden("Forbidden: bot was kicked from the group chat"), -5, "unreachable", "kicked"),
    (Forbidden("Forbidden: bot is not a member of the supergroup chat"), -5, "unreachable",
     "not_member"),
    (BadRequest("Bad Request: chat not found"), 5, "gone", "deleted"),
    (BadRequest("Bad Request: chat not found"), -5, "unreachable", "not_found"),
    (BadRequest("Bad Request: can't parse entities"), 5, "rejected",
     "Can't parse entities"),
    (TimedOut(), 5, "retry", "timeout"),
    (NetworkError("Bad Gateway"), 5, "retry", "network: Bad Gateway"),
    (ValueError("boom"), 5, "retry", "ValueError"),
])
def test_every_error_kind_has_an_outcome(error: Exception, chat_id: int, kind: str,
                                         reason: str) -> None:
    outcome = outcome_of(error, chat_id, [])
    assert (outcome.kind, outcome.reason) == (kind, reason)


def test_migration_and_flood_control_carry_their_parameters() -> None:
    assert outcome_of(ChatMigrated(-1007), -5, []).new_chat_id == -1007
    retry = outcome_of(RetryAfter(dt.timedelta(seconds=17)), 5, [11])
    assert (retry.kind, retry.after, retry.message_ids) == ("retry", 17.0, (11,))


def test_announcement_copies_are_owed_all_at_once() -> None:
    db = storage.connect(":memory:")
    store = OutboxStore(db, lambda: dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
    assert store.owe_many("announcement", [1, 2, 3], "Hej", payload={"batch": "b"}) == 3
    assert store.batch_counts("b") == (3, 0, 0)
    assert [d.chat_id for d in store.owed()] == [1, 2, 3]
