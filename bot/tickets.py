"""Hand-off tickets: questions passed to the coordinator, their replies, and what is owed.

Every change is written to SQLite before anyone is told about it. What must reach Telegram
(a new ticket, a follow-up, the coordinator's answer) becomes a pending delivery that stays
until a send succeeds, so a failed send or a restart loses nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

from bot import storage

Clock = Callable[[], dt.datetime]
# ticket, followup: posts to the coordinator chat; answer: to the resident; copy: a resident's
# photo or file copied into the coordinator chat (text: JSON reference); edit: a ticket post
# rewritten (text: JSON {message_id, text}); notice: a plain line to the coordinator chat;
# status: the ticket post re-rendered with the ticket's state (taken, closed) and buttons.
DeliveryKind = Literal["ticket", "followup", "answer", "copy", "edit", "notice", "status"]
UserId = int | str  # Telegram ids are numbers; other channels use strings
TELEGRAM = "telegram"
REDACTED = "[dane usunięte na prośbę mieszkańca]"
# new ticket, joined the person's open ticket, or that question was handed off before
HandOff = Literal["new", "joined", "already"]
UserFlag = Literal["blocked_bot_at", "banned_at"]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Person:
    """Who asked: enough to reply in their chat and to show the coordinator who it is."""

    user_id: UserId
    chat_id: UserId
    display_name: str
    username: str | None = None
    channel: str = TELEGRAM


@dataclass(frozen=True)
class Ticket:
    id: int
    user_id: UserId
    chat_id: UserId
    display_name: str
    username: str | None
    question: str
    suggestions: tuple[str, ...]
    created_at: dt.datetime
    status: Literal["open", "answered", "closed"]
    answer: str | None = None
    answered_at: dt.datetime | None = None
    channel: str = TELEGRAM
    rating: int | None = None  # the resident's: 1 helped, 0 did not
    claimed_by: str | None = None  # the coordinator who tapped "Biorę"
    answered_by: str | None = None
    closed_at: dt.datetime | None = None
    close_reason: str | None = None  # given to the resident when closed without an answer


@dataclass(frozen=True)
class HistoryItem:
    """One step of a ticket after its question: a follow-up or an answer."""

    moment: dt.datetime
    kind: Literal["followup", "answer"]
    text: str
    by: str | None = None  # who answered


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: DeliveryKind
    ticket_id: int
    chat_id: UserId
    text: str
    attempts: int
    channel: str = TELEGRAM


@dataclass(frozen=True)
class Offer:
    """A question the resident may still hand off with a button."""

    id: int
    user_id: UserId
    chat_id: UserId
    question: str
    suggestions: tuple[str, ...]
    ticket_id: int | None = None
    question_id: int | None = None  # the logged question, for statistics
    channel: str = TELEGRAM

    def belongs_to(self, channel: str, user_id: UserId) -> bool:
        return self.channel == channel and str(self.user_id) == str(user_id)


@dataclass(frozen=True)
class Forgotten:
    """What deleting a person's data did: the channel tells them, the coordinator is told."""

    tickets: int
    closed: tuple[int, ...]


class TicketDesk:
    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._db = connection
        self._clock = clock

    @property
    def connection(self) -> sqlite3.Connection:
        return self._db

    # -- offers -------------------------------------------------------------------------
    def remember_offer(self, person: Person, question: str, suggestions: Sequence[str],
                       question_id: int | None = None) -> Offer:
        cursor = self._db.execute(
            "INSERT INTO offers (user_id, chat_id, question, suggestions, created_at, "
            "question_id, channel) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (person.user_id, person.chat_id, question, json.dumps(list(suggestions)),
             self._now(), question_id, person.channel),
        )
        return Offer(_id(cursor), person.user_id, person.chat_id, question, tuple(suggestions),
                     None, question_id, person.channel)

    def offer(self, offer_id: int) -> Offer | None:
        row = self._db.execute("SELECT * FROM offers WHERE id = ?", (offer_id,)).fetchone()
        if row is None:
            return None
        return Offer(row["id"], row["user_id"], row["chat_id"], row["question"],
                     tuple(json.loads(row["suggestions"])), row["ticket_id"], row["question_id"],
                     row["channel"])

    def hand_off_offer(self, offer: Offer, person: Person, coordinator_chat: int,
                       *, max_open: int = 1) -> tuple[Ticket, HandOff]:
        """Hand off an offered question once; a second tap returns the ticket it went to."""
        with self._transaction():
            if offer.ticket_id is not None:
                ticket = self.ticket(offer.ticket_id)
                assert ticket is not None
                return ticket, "already"
            ticket, outcome = self.hand_off(person, offer.question, offer.suggestions,
                                            coordinator_chat, max_open=max_open)
            self._db.execute("UPDATE offers SET ticket_id = ? WHERE id = ?",
                             (ticket.id, offer.id))
        return ticket, outcome

    def forget_offers_older_than(self, age: dt.timedelta) -> int:
        cutoff = (self._clock() - age).isoformat()
        return self._db.execute("DELETE FROM offers WHERE created_at < ?", (cutoff,)).rowcount

    # -- tickets ------------------------------------------------------------------------
    def hand_off(
        self, person: Person, question: str, suggestions: Sequence[str], coordinator_chat: int,
        *, max_open: int = 1,
    ) -> tuple[Ticket, HandOff]:
        """Store the question as a new ticket while the person has fewer than `max_open`
        open ones; otherwise as a follow-up of their newest open ticket."""
        with self._transaction():
            existing = self.open_ticket_of(person.user_id, person.channel)
            if (existing is not None
                    and self._open_count(person.user_id, person.channel) >= max_open):
                self._owe("followup", existing.id, coordinator_chat, question)
                return existing, "joined"
            cursor = self._db.execute(
                "INSERT INTO tickets (user_id, chat_id, display_name, username, question, "
                "suggestions, created_at, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (person.user_id, person.chat_id, person.display_name, person.username, question,
                 json.dumps(list(suggestions)), self._now(), person.channel),
            )
            ticket_id = _id(cursor)
            self._owe("ticket", ticket_id, coordinator_chat, question)
        ticket = self.ticket(ticket_id)
        assert ticket is not None
        return ticket, "new"

    def add_followup(self, ticket_id: int, text: str, coordinator_chat: int,
                     *, reopen: bool = False) -> Ticket | None:
        """More from the resident for a ticket; `reopen` puts an answered ticket back in the
        queue (a reply to the coordinator's answer)."""
        with self._transaction():
            ticket = self.ticket(ticket_id)
            if ticket is None:
                return None
            if reopen and ticket.status != "open":
                self._db.execute("UPDATE tickets SET status = 'open', closed_at = NULL "
                                 "WHERE id = ?", (ticket_id,))
            self._owe("followup", ticket_id, coordinator_chat, text)
        return self.ticket(ticket_id)

    def copy_into(self, ticket_id: int, coordinator_chat: int, reference: dict[str, object]
                  ) -> None:
        """A resident's photo, file or voice message, to be copied next to the ticket."""
        self._owe("copy", ticket_id, coordinator_chat, json.dumps(reference))

    def link_message(self, channel: str, chat_id: UserId, message_id: str | int,
                     ticket_id: int) -> None:
        """Remember that a resident's message went into a ticket (for edits and replies)."""
        self._db.execute(
            "INSERT OR REPLACE INTO resident_messages (channel, chat_id, message_id, ticket_id) "
            "VALUES (?, ?, ?, ?)", (channel, str(chat_id), str(message_id), ticket_id))

    def ticket_of_resident_message(self, channel: str, chat_id: UserId,
                                   message_id: str | int) -> Ticket | None:
        """The ticket a resident's own message went into, or whose answer it is."""
        row = self._db.execute(
            "SELECT ticket_id FROM resident_messages WHERE channel = ? AND chat_id = ? "
            "AND message_id = ?", (channel, str(chat_id), str(message_id))).fetchone()
        if row is None:
            row = self._db.execute(
                "SELECT ticket_id FROM deliveries WHERE kind = 'answer' AND channel = ? "
                "AND chat_id = ? AND message_id = ?",
                (channel, chat_id, message_id)).fetchone()
        return self.ticket(row[0]) if row else None

    def latest_ticket_of(self, user_id: UserId, channel: str = TELEGRAM) -> Ticket | None:
        row = self._db.execute(
            "SELECT * FROM tickets WHERE user_id = ? AND channel = ? ORDER BY id DESC LIMIT 1",
            (user_id, channel)).fetchone()
        return _ticket(row) if row else None

    def history_of(self, ticket_id: int) -> list[HistoryItem]:
        """What the resident added and what the coordinators answered, oldest first."""
        rows = self._db.execute(
            "SELECT kind, text, created_at, payload FROM deliveries WHERE ticket_id = ? "
            "AND kind IN ('followup', 'answer') AND text != '' ORDER BY id", (ticket_id,))
        return [HistoryItem(dt.datetime.fromisoformat(r["created_at"]), r["kind"], r["text"],
                            json.loads(r["payload"] or "{}").get("by")) for r in rows]

    def attachments_of(self, ticket_id: int) -> list[tuple[dt.datetime, str]]:
        """When the resident sent a photo, file or voice message to the ticket, and what."""
        rows = self._db.execute(
            "SELECT created_at, text FROM deliveries WHERE ticket_id = ? AND kind = 'copy' "
            "AND text != '' ORDER BY id", (ticket_id,))
        found = []
        for row in rows:
            try:
                what = str(json.loads(row["text"]).get("kind") or "")
            except (ValueError, AttributeError):
                what = ""
            found.append((dt.datetime.fromisoformat(row["created_at"]), what))
        return found

    def settled_tickets(self, limit: int) -> list[Ticket]:
        """Answered or closed tickets, the most recently settled first."""
        rows = self._db.execute(
            "SELECT * FROM tickets WHERE status != 'open' "
            "ORDER BY COALESCE(answered_at, closed_at, created_at) DESC, id DESC LIMIT ?",
            (limit,))
        return [_ticket(row) for row in rows]

    def followups_of(self, ticket_id: int) -> list[str]:
        rows = self._db.execute(
            "SELECT text FROM deliveries WHERE kind = 'followup' AND ticket_id = ? "
            "AND text != '' ORDER BY id", (ticket_id,))
        return [r["text"] for r in rows]

    def answer(self, ticket_id: int, text: str, by: str | None = None,
               acted_in: int | None = None) -> Ticket | None:
        """Record the coordinator's answer and owe it to the resident."""
        with self._transaction():
            ticket = self.ticket(ticket_id)
            if ticket is None:
                return None
            self._db.execute(
                "UPDATE tickets SET status = 'answered', answer = ?, answered_at = ?, "
                "answered_by = COALESCE(?, answered_by) WHERE id = ?",
                (text, self._now(), by, ticket_id),
            )
            extra: dict[str, object] = {"by": by} if by else {}
            if acted_in is not None:  # told there once delivered (e.g. a private chat)
                extra["acted_in"] = acted_in
            self._owe("answer", ticket_id, ticket.chat_id, text, ticket.channel, extra)
        return self.ticket(ticket_id)

    def close(self, ticket_id: int, reason: str = "") -> Ticket | None:
        """Close an open ticket without an answer; None when there is no such open ticket."""
        updated = self._db.execute(
            "UPDATE tickets SET status = 'closed', closed_at = ?, close_reason = ? "
            "WHERE id = ? AND status = 'open'",
            (self._now(), reason or None, ticket_id),
        ).rowcount
        return self.ticket(ticket_id) if updated else None

    def claim(self, ticket_id: int, name: str) -> Ticket | None:
        """A coordinator takes an open ticket ("Biorę"); None when it is not open."""
        updated = self._db.execute(
            "UPDATE tickets SET claimed_by = ? WHERE id = ? AND status = 'open'",
            (name, ticket_id)).rowcount
        return self.ticket(ticket_id) if updated else None

    def owe_notice(self, ticket: Ticket, text: str) -> None:
        """A plain message to the resident of `ticket`, on their channel."""
        self._owe("notice", ticket.id, ticket.chat_id, text, ticket.channel)

    def owe_status(self, ticket_id: int, coordinator_chat: int) -> None:
        """The ticket post is to show the ticket's state anew (an edit, no new message)."""
        self._owe("status", ticket_id, coordinator_chat, "")

    def rate(self, ticket_id: int, rating: int) -> bool:
        """The resident's rating of an answered ticket (the latest tap counts)."""
        return bool(self._db.execute(
            "UPDATE tickets SET rating = ? WHERE id = ? AND answer IS NOT NULL",
            (rating, ticket_id)).rowcount)

    def ratings_since(self, since: dt.datetime) -> tuple[int, int]:
        """Answers rated as helpful and as not, among those given since `since`."""
        row = self._db.execute(
            "SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = 0), 0) FROM tickets "
            "WHERE answered_at >= ?", (since.astimezone(dt.UTC).isoformat(),)).fetchone()
        return int(row[0]), int(row[1])

    def ticket(self, ticket_id: int) -> Ticket | None:
        row = self._db.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        return _ticket(row) if row else None

    def open_ticket_of(self, user_id: UserId, channel: str = TELEGRAM) -> Ticket | None:
        row = self._db.execute(
            "SELECT * FROM tickets WHERE user_id = ? AND channel = ? AND status = 'open' "
            "ORDER BY id DESC LIMIT 1", (user_id, channel),
        ).fetchone()
        return _ticket(row) if row else None

    def _open_count(self, user_id: UserId, channel: str) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM tickets WHERE user_id = ? AND channel = ? AND status = 'open'",
            (user_id, channel))
        return int(row.fetchone()[0])

    def tickets_of(self, user_id: UserId, channel: str = TELEGRAM) -> list[Ticket]:
        rows = self._db.execute("SELECT * FROM tickets WHERE user_id = ? AND channel = ? "
                                "ORDER BY id", (user_id, channel))
        return [_ticket(row) for row in rows]

    def open_tickets(self) -> list[Ticket]:
        rows = self._db.execute("SELECT * FROM tickets WHERE status = 'open' ORDER BY id")
        return [_ticket(row) for row in rows]

    def reply_times_since(self, since: dt.datetime) -> list[dt.timedelta]:
        """How long each ticket answered since `since` waited for its (latest) answer."""
        rows = self._db.execute(
            "SELECT created_at, answered_at FROM tickets WHERE answered_at >= ?",
            (since.astimezone(dt.UTC).isoformat(),))
        return [dt.datetime.fromisoformat(r["answered_at"])
                - dt.datetime.fromisoformat(r["created_at"]) for r in rows]

    def ticket_for_message(self, chat_id: int, message_id: int) -> Ticket | None:
        row = self._db.execute(
            "SELECT t.* FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id "
            "WHERE m.chat_id = ? AND m.message_id = ?",
            (chat_id, message_id),
        ).fetchone()
        return _ticket(row) if row else None

    # -- deliveries ---------------------------------------------------------------------
    def pending_deliveries(self) -> list[Delivery]:
        rows = self._db.execute(
            "SELECT * FROM deliveries WHERE sent_at IS NULL AND failed IS NULL ORDER BY id"
        )
        return [Delivery(r["id"], r["kind"], r["ticket_id"], r["chat_id"], r["text"],
                         r["attempts"], r["channel"]) for r in rows]

    def mark_sent(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        """Telegram took it; every message of a ticket post then stands for the ticket."""
        with self._transaction():
            self._db.execute(
                "UPDATE deliveries SET sent_at = ?, message_id = ?, attempts = attempts + 1 "
                "WHERE id = ?",
                (self._now(), message_ids[0] if message_ids else None, delivery.id),
            )
            if delivery.kind in ("ticket", "followup"):
                self._db.executemany(
                    "INSERT OR REPLACE INTO ticket_messages (chat_id, message_id, ticket_id) "
                    "VALUES (?, ?, ?)",
                    [(delivery.chat_id, m, delivery.ticket_id) for m in message_ids],
                )

    def mark_attempt(self, delivery: Delivery) -> None:
        self._db.execute("UPDATE deliveries SET attempts = attempts + 1 WHERE id = ?",
                         (delivery.id,))

    def mark_undeliverable(self, delivery: Delivery, reason: str) -> None:
        self._db.execute("UPDATE deliveries SET failed = ?, attempts = attempts + 1 WHERE id = ?",
                         (reason, delivery.id))

    # -- residents ----------------------------------------------------------------------
    def record_blocked(self, user_id: UserId, channel: str = TELEGRAM) -> None:
        self._flag(user_id, channel, "blocked_bot_at", self._now())

    def record_active(self, user_id: UserId, channel: str = TELEGRAM) -> None:
        """The person wrote to the bot, so they no longer block it (no write unless flagged)."""
        self._db.execute("UPDATE users SET blocked_bot_at = NULL WHERE user_id = ? "
                         "AND channel = ? AND blocked_bot_at IS NOT NULL", (user_id, channel))

    def has_blocked(self, user_id: UserId, channel: str = TELEGRAM) -> bool:
        return self._flagged(user_id, channel, "blocked_bot_at")

    def ban(self, user_id: UserId, channel: str = TELEGRAM) -> None:
        self._flag(user_id, channel, "banned_at", self._now())

    def unban(self, user_id: UserId, channel: str = TELEGRAM) -> bool:
        return self._db.execute("UPDATE users SET banned_at = NULL WHERE user_id = ? "
                                "AND channel = ? AND banned_at IS NOT NULL",
                                (user_id, channel)).rowcount > 0

    def is_banned(self, user_id: UserId, channel: str = TELEGRAM) -> bool:
        return self._flagged(user_id, channel, "banned_at")

    def banned_ids(self, channel: str = TELEGRAM) -> set[str]:
        rows = self._db.execute("SELECT user_id FROM users WHERE channel = ? "
                                "AND banned_at IS NOT NULL", (channel,))
        return {str(r[0]) for r in rows}

    def _flag(self, user_id: UserId, channel: str, column: UserFlag, moment: str) -> None:
        self._db.execute(
            f"INSERT INTO users (channel, user_id, {column}) VALUES (?, ?, ?) "
            f"ON CONFLICT (channel, user_id) DO UPDATE SET {column} = excluded.{column}",
            (channel, user_id, moment),
        )

    def _flagged(self, user_id: UserId, channel: str, column: UserFlag) -> bool:
        row = self._db.execute(f"SELECT {column} FROM users WHERE user_id = ? AND channel = ?",
                               (user_id, channel)).fetchone()
        return bool(row and row[column])

    # -- privacy ------------------------------------------------------------------------
    def forget_person(self, user_id: UserId, channel: str = TELEGRAM,
                      coordinator_chat: int | None = None) -> Forgotten:
        """Remove a person's texts and identity; tickets keep their numbers for statistics.

        Open tickets are closed; with `coordinator_chat`, the ticket posts there are owed an
        edit to a redacted text and the coordinator a line about each closed ticket.
        """
        with self._transaction():
            rows = self._db.execute("SELECT id, status FROM tickets WHERE user_id = ? "
                                    "AND channel = ?", (user_id, channel)).fetchall()
            ids = [r["id"] for r in rows]
            closed = tuple(r["id"] for r in rows if r["status"] == "open")
            self._db.executemany("UPDATE tickets SET status = 'closed', closed_at = ? "
                                 "WHERE id = ?", [(self._now(), t) for t in closed])
            posts = self._db.execute(
                f"SELECT chat_id, message_id, ticket_id FROM ticket_messages WHERE ticket_id IN "
                f"({','.join('?' * len(ids))})", ids).fetchall() if ids else []
            self._anonymise(ids)
            self._db.execute("DELETE FROM offers WHERE user_id = ? AND channel = ?",
                             (user_id, channel))
            self._db.execute("DELETE FROM users WHERE user_id = ? AND channel = ?",
                             (user_id, channel))
            self._db.execute("DELETE FROM resident_messages WHERE ticket_id IN "
                             f"({','.join('?' * len(ids))})", ids)
            if coordinator_chat is not None:
                for post in posts:
                    self._owe("edit", post["ticket_id"], post["chat_id"], json.dumps(
                        {"message_id": post["message_id"],
                         "text": f"Zgłoszenie nr {post['ticket_id']}: {REDACTED}"}))
                for ticket_id in closed:
                    self._owe("notice", ticket_id, coordinator_chat,
                              f"Zgłoszenie nr {ticket_id} zamknięte: ta osoba usunęła swoje "
                              "dane.")
        return Forgotten(len(ids), closed)

    def anonymise_older_than(self, age: dt.timedelta) -> int:
        """Retention: tickets older than `age` lose their texts and identity."""
        cutoff = (self._clock() - age).isoformat()
        with self._transaction():
            ids = [r["id"] for r in self._db.execute(
                "SELECT id FROM tickets WHERE created_at < ? AND user_id != 0", (cutoff,))]
            self._anonymise(ids)
        return len(ids)

    def _anonymise(self, ticket_ids: Sequence[int]) -> None:
        for ticket_id in ticket_ids:
            self._db.execute(
                "UPDATE tickets SET user_id = 0, chat_id = 0, display_name = '', username = NULL, "
                "question = '', suggestions = '[]', answer = NULL WHERE id = ?", (ticket_id,))
            self._db.execute(  # nothing more is sent about a forgotten ticket
                "UPDATE deliveries SET text = '', failed = CASE WHEN sent_at IS NULL "
                "THEN COALESCE(failed, 'forgotten') ELSE failed END WHERE ticket_id = ?",
                (ticket_id,))

    def close_storage(self) -> None:
        self._db.close()

    # -- helpers ------------------------------------------------------------------------
    def _owe(self, kind: DeliveryKind, ticket_id: int, chat_id: UserId, text: str,
             channel: str = TELEGRAM, payload: dict[str, object] | None = None) -> None:
        self._db.execute(
            "INSERT INTO deliveries (kind, ticket_id, chat_id, text, created_at, channel, "
            "payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, ticket_id, chat_id, text, self._now(), channel, json.dumps(payload or {})),
        )

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()

    def _transaction(self) -> AbstractContextManager[None]:
        return storage.transaction(self._db)


def _id(cursor: sqlite3.Cursor) -> int:
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _ticket(row: sqlite3.Row) -> Ticket:
    return Ticket(
        id=row["id"], user_id=row["user_id"], chat_id=row["chat_id"],
        display_name=row["display_name"], username=row["username"], question=row["question"],
        suggestions=tuple(json.loads(row["suggestions"])),
        created_at=dt.datetime.fromisoformat(row["created_at"]), status=row["status"],
        answer=row["answer"],
        answered_at=dt.datetime.fromisoformat(row["answered_at"]) if row["answered_at"] else None,
        channel=row["channel"],
        rating=row["rating"], claimed_by=row["claimed_by"], answered_by=row["answered_by"],
        closed_at=dt.datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else None,
        close_reason=row["close_reason"],
    )
