"""The ticket desk on a real SQLite file: nothing handed off is lost, also across restarts."""

import datetime as dt
from pathlib import Path

import pytest

from bot.storage import connect
from bot.tickets import Person, TicketDesk
from tests.conftest import Clock

COORDINATOR_CHAT = -100500
ANNA = Person(user_id=11, chat_id=11, display_name="Anna Kowalska", username="anka")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def desk(db_path: Path, clock: Clock) -> TicketDesk:
    return TicketDesk(connect(db_path), clock)


def test_a_hand_off_is_stored_and_owed_to_the_coordinator_chat(desk: TicketDesk) -> None:
    ticket, outcome = desk.hand_off(ANNA, "Czy sołectwo może być w klastrze?",
                                    ["czlonkostwo.kto_moze"], COORDINATOR_CHAT)
    assert outcome == "new" and ticket.status == "open" and ticket.id == 1
    assert ticket.suggestions == ("czlonkostwo.kto_moze",)
    [owed] = desk.pending_deliveries()
    assert (owed.kind, owed.ticket_id, owed.chat_id) == ("ticket", 1, COORDINATOR_CHAT)


def test_more_questions_join_the_open_ticket(desk: TicketDesk) -> None:
    first, _ = desk.hand_off(ANNA, "pierwsze", [], COORDINATOR_CHAT)
    again, outcome = desk.hand_off(ANNA, "drugie", [], COORDINATOR_CHAT)
    assert outcome == "joined" and again.id == first.id
    assert [d.kind for d in desk.pending_deliveries()] == ["ticket", "followup"]
    desk.answer(first.id, "odpowiedź")
    third, outcome = desk.hand_off(ANNA, "trzecie", [], COORDINATOR_CHAT)
    assert outcome == "new" and third.id == first.id + 1


def test_replies_to_any_ticket_message_find_the_ticket_after_a_restart(
    db_path: Path, clock: Clock
) -> None:
    desk = TicketDesk(connect(db_path), clock)
    ticket, _ = desk.hand_off(ANNA, "pytanie", [], COORDINATOR_CHAT)
    desk.hand_off(ANNA, "dopisek", [], COORDINATOR_CHAT)
    first, followup = desk.pending_deliveries()
    desk.mark_sent(first, [700])
    desk.mark_sent(followup, [705, 706])
    desk.close_storage()

    restarted = TicketDesk(connect(db_path), clock)
    assert restarted.pending_deliveries() == []
    assert restarted.ticket_for_message(COORDINATOR_CHAT, 700).id == ticket.id
    assert restarted.ticket_for_message(COORDINATOR_CHAT, 705).id == ticket.id
    assert restarted.ticket_for_message(COORDINATOR_CHAT, 706).id == ticket.id
    assert restarted.ticket_for_message(COORDINATOR_CHAT, 701) is None


def test_an_answer_is_owed_to_the_resident_until_sent(desk: TicketDesk, db_path: Path) -> None:
    ticket, _ = desk.hand_off(ANNA, "pytanie", [], COORDINATOR_CHAT)
    desk.mark_sent(desk.pending_deliveries()[0], [1])
    answered = desk.answer(ticket.id, "Tak, może.")
    assert answered.status == "answered" and answered.answer == "Tak, może."
    [owed] = desk.pending_deliveries()
    assert (owed.kind, owed.chat_id, owed.text) == ("answer", ANNA.chat_id, "Tak, może.")
    desk.mark_attempt(owed)
    assert desk.pending_deliveries()[0].attempts == 1  # still owed after a failed try
    desk.mark_undeliverable(owed, "blocked")
    assert desk.pending_deliveries() == []
    assert desk.answer(999, "nikt") is None


def test_open_tickets_oldest_first_and_closing(desk: TicketDesk, clock: Clock) -> None:
    desk.hand_off(ANNA, "a", [], COORDINATOR_CHAT)
    clock.now += dt.timedelta(hours=1)
    desk.hand_off(Person(12, 12, "Jan"), "b", [], COORDINATOR_CHAT)
    assert [t.question for t in desk.open_tickets()] == ["a", "b"]
    assert desk.close(1).status == "closed"
    assert desk.close(1) is None
    assert [t.question for t in desk.open_tickets()] == ["b"]


def test_offers_are_kept_for_the_button_and_forgotten_later(
    desk: TicketDesk, clock: Clock
) -> None:
    offer = desk.remember_offer(ANNA, "co z moim pytaniem?", ["a.b"])
    assert desk.offer(offer.id) == offer
    clock.now += dt.timedelta(days=8)
    assert desk.forget_offers_older_than(dt.timedelta(days=7)) == 1
    assert desk.offer(offer.id) is None


def test_a_resident_who_blocked_the_bot_is_recorded_until_they_write_again(
    desk: TicketDesk,
) -> None:
    assert not desk.has_blocked(11)
    desk.record_blocked(11)
    assert desk.has_blocked(11)
    desk.record_active(11)
    assert not desk.has_blocked(11)


def test_an_offer_is_handed_off_once(desk: TicketDesk) -> None:
    offer = desk.remember_offer(ANNA, "pytanie", [])
    ticket, outcome = desk.hand_off_offer(offer, ANNA, COORDINATOR_CHAT)
    assert outcome == "new"
    again, outcome = desk.hand_off_offer(desk.offer(offer.id), ANNA, COORDINATOR_CHAT)
    assert outcome == "already" and again.id == ticket.id
    assert len(desk.pending_deliveries()) == 1


def test_explicit_hand_offs_open_tickets_up_to_the_limit_then_join(desk: TicketDesk) -> None:
    outcomes = [desk.hand_off(ANNA, f"pytanie {i}", [], COORDINATOR_CHAT, max_open=3)
                for i in range(4)]
    assert [o for _, o in outcomes] == ["new", "new", "new", "joined"]
    assert outcomes[3][0].id == 3  # joins the newest open ticket


def test_forgetting_a_person_keeps_ticket_numbers_without_text_or_identity(
    desk: TicketDesk,
) -> None:
    ticket, _ = desk.hand_off(ANNA, "moje prywatne pytanie", ["a.b"], COORDINATOR_CHAT)
    desk.answer(ticket.id, "odpowiedź")
    desk.remember_offer(ANNA, "inne pytanie", [])
    assert desk.forget_person(ANNA.user_id).tickets == 1
    forgotten = desk.ticket(ticket.id)
    assert (forgotten.user_id, forgotten.display_name, forgotten.username, forgotten.question,
            forgotten.answer) == (0, "", None, "", None)
    assert desk.pending_deliveries() == []  # nothing more is sent to a forgotten person
    assert desk.tickets_of(ANNA.user_id) == []


def test_retention_anonymises_old_tickets_only(desk: TicketDesk, clock: Clock) -> None:
    desk.hand_off(ANNA, "stare", [], COORDINATOR_CHAT)
    clock.now += dt.timedelta(days=400)
    desk.hand_off(Person(12, 12, "Jan"), "nowe", [], COORDINATOR_CHAT)
    assert desk.anonymise_older_than(dt.timedelta(days=365)) == 1
    assert [t.question for t in (desk.ticket(1), desk.ticket(2))] == ["", "nowe"]


def test_banning(desk: TicketDesk) -> None:
    desk.ban(11)
    assert desk.is_banned(11)
    assert desk.unban(11) and not desk.is_banned(11)
    assert not desk.unban(11)


def test_backup_copies_a_live_database(db_path: Path, tmp_path: Path, clock: Clock) -> None:
    import subprocess
    import sys

    desk = TicketDesk(connect(db_path), clock)
    desk.hand_off(ANNA, "pytanie do kopii", [], COORDINATOR_CHAT)  # the bot keeps it open
    config = tmp_path / "config.yaml"
    config.write_text(f"storage:\n  path: {db_path}\n", encoding="utf-8")
    destination = tmp_path / "kopie" / "bot-2026-11-26.sqlite3"
    done = subprocess.run([sys.executable, "-m", "bot", "backup", str(destination),
                           "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    restored = TicketDesk(connect(destination), clock)
    assert restored.ticket(1).question == "pytanie do kopii"
