"""The outbox: everything the bot owes someone, sent by destination, never stalled, never dropped.

Owed messages are rows of `deliveries` (SQLite). Each destination (a channel and a chat) is
drained by its own worker, so a chat that fails or is paced (the coordinator group: 20 posts a
minute) never holds back another. A failing destination backs off on its own, exponentially
with a cap, and never earlier than a 429's `retry_after`. A sender per channel turns a delivery
into API calls and answers with an `Outcome`; the outbox records it. Handlers store what they
owe and `kick()` the outbox; they never wait for a send.

Rules the outbox keeps:
- The coordinator chat is never given up: kicked, not found or migrated, its deliveries stay
  owed, the coordinators are told once in private, and everything goes out when it is back.
- A resident who blocked the bot or deleted their data ends that one delivery; for an answer
  the coordinator is told why, in Polish.
- In the coordinator chat new tickets go first; confirmations of delivered answers are folded
  into an edit of the ticket message, or batched into one message when many wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot import storage, texts
from bot.botstate import BotState
from bot.plural import plural

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Destination = tuple[str, int]  # (channel, chat id)
OutcomeKind = Literal["sent", "retry", "gone", "unreachable", "migrated", "rejected"]

# Kinds posted to the coordinator chat, and the order they go in (lower first).
DELIVERED = "✅ Odpowiedź na zgłoszenie #{number} dostarczona."
COORDINATOR_PRIORITY = {"ticket": 0, "followup": 0, "notice": 1, "confirmation": 2}
# A person's own answers and notices in the order they were owed, then the broadcasts.
RESIDENT_PRIORITY = {"answer": 0, "notice": 0, "meeting_change": 0, "reminder": 1,
                     "announcement": 2}
BATCH_FROM = 3     # this many confirmations waiting: one message for all, edits later
BATCH_SIZE = 60    # tickets named in one batched confirmation
STATE_COORDINATOR_CHAT = "coordinator_chat_id"
STATE_UNREACHABLE_NOTIFIED = "coordinator_chat_unreachable_notified"

GONE_REASONS = {  # why a resident's delivery ended, as the coordinator reads it
    "blocked": "ta osoba zablokowała bota",
    "deleted": "ta osoba usunęła swoje dane",
    "deactivated": "ta osoba usunęła konto w Telegramie",
}
UNREACHABLE_REASONS = {  # why the coordinator chat cannot be written to
    "kicked": "usunięto mnie z grupy",
    "not_member": "nie jestem członkiem grupy",
    "not_found": "Telegram nie znajduje tej grupy",
    "no_rights": "nie mam w grupie prawa pisania",
    "blocked": "zablokowano mnie w tym czacie",
}
ANSWER_NOT_DELIVERED = "Nie dostarczyłem odpowiedzi na zgłoszenie #{number}: {why}."
TICKET_REJECTED = ("Zgłoszenie #{number}: Telegram nie przyjął jego treści, więc nie mogę go tu "
                   "pokazać. Pytanie zobaczysz w /zgloszenia; odpowiedz na tę wiadomość albo: "
                   "/odpowiedz {number} treść")
ANSWER_REJECTED = ("Telegram nie przyjął odpowiedzi na zgłoszenie #{number}. Wyślij ją proszę "
                   "jeszcze raz, np. krótszą.")
CHAT_UNREACHABLE = ("Nie mogę pisać na czacie koordynatorów ({why}). Czeka tam {waiting}; "
                    "wyślę wszystko, gdy tylko czat będzie znów dostępny. Jeśli usunięto mnie z "
                    "grupy, dodaj mnie z powrotem.")
CHAT_BACK = "Czat koordynatorów znów działa; wysyłam tam zaległe zgłoszenia."


def tickets_phrase(count: int) -> str:
    return plural(count, "zgłoszenie", "zgłoszenia", "zgłoszeń")


# ------------------------------------------------------------------------------ values


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt to send a delivery."""

    kind: OutcomeKind
    message_ids: tuple[int, ...] = ()  # sent, or the parts sent before a retry
    after: float | None = None         # retry: not before this many seconds
    reason: str = ""
    new_chat_id: int | None = None

    @classmethod
    def sent(cls, message_ids: Iterable[int] = ()) -> Outcome:
        return cls("sent", tuple(message_ids))

    @classmethod
    def retry(cls, after: float | None = None, reason: str = "",
              message_ids: Iterable[int] = ()) -> Outcome:
        """A passing fault (5xx, 429, timeout, network): try again later."""
        return cls("retry", tuple(message_ids), after=after, reason=reason)

    @classmethod
    def destination_gone(cls, reason: str) -> Outcome:
        """A person who will not get it: "blocked", "deleted", "deactivated", ..."""
        return cls("gone", reason=reason)

    @classmethod
    def destination_unreachable(cls, reason: str, message_ids: Iterable[int] = ()) -> Outcome:
        """A group the bot cannot write to now (kicked, not found): keep it owed."""
        return cls("unreachable", tuple(message_ids), reason=reason)

    @classmethod
    def migrated(cls, new_chat_id: int) -> Outcome:
        """The chat lives on under a new id (a group became a supergroup)."""
        return cls("migrated", new_chat_id=new_chat_id)

    @classmethod
    def rejected(cls, reason: str) -> Outcome:
        """This delivery can never be sent as it is (the API refused its content)."""
        return cls("rejected", reason=reason)


@dataclass(frozen=True)
class Delivery:
    id: int  # 0 for a batch made up by the outbox
    kind: str
    channel: str
    chat_id: int
    ticket_id: int | None
    text: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    attempts: int = 0

    @property
    def destination(self) -> Destination:
        return (self.channel, self.chat_id)

    @property
    def sent_ids(self) -> tuple[int, ...]:
        """Messages of this delivery already sent (a long one interrupted part way)."""
        return tuple(self.payload.get("sent_ids", ()))


class Sender(Protocol):
    """Sends deliveries of one channel; never raises, answers with an Outcome."""

    async def send(self, delivery: Delivery) -> Outcome: ...


# ------------------------------------------------------------------------------ storage

_OWED = "sent_at IS NULL AND failed IS NULL"


class OutboxStore:
    """The `deliveries` rows, over the connection the rest of the bot uses."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock) -> None:
        self._db = connection
        self._clock = clock

    def owe(self, kind: str, chat_id: int, text: str, *, channel: str = "telegram",
            ticket_id: int | None = None, payload: Mapping[str, Any] | None = None) -> int:
        cursor = self._db.execute(
            "INSERT INTO deliveries (kind, channel, ticket_id, chat_id, text, payload, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, channel, ticket_id, chat_id, text, json.dumps(payload or {}), self._now()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def owe_many(self, kind: str, chat_ids: Iterable[int], text: str, *,
                 channel: str = "telegram", payload: Mapping[str, Any] | None = None) -> int:
        """One row per chat in one transaction: a crash leaves all of them or none."""
        rows = [(kind, channel, chat_id, text, json.dumps(payload or {}), self._now())
                for chat_id in chat_ids]
        with self.transaction():
            self._db.executemany(
                "INSERT INTO deliveries (kind, channel, chat_id, text, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def owed(self) -> list[Delivery]:
        rows = self._db.execute(f"SELECT * FROM deliveries WHERE {_OWED} ORDER BY id")
        return [_delivery(r) for r in rows]

    def owed_destinations(self) -> list[Destination]:
        """Destinations with something owed, the longest waiting first."""
        rows = self._db.execute(
            f"SELECT channel, chat_id, MIN(id) AS first FROM deliveries WHERE {_OWED} "
            "GROUP BY channel, chat_id ORDER BY first")
        return [(r["channel"], r["chat_id"]) for r in rows]

    def next_for(self, destination: Destination, priority: Mapping[str, int]) -> Delivery | None:
        order = " ".join(f"WHEN '{kind}' THEN {rank}" for kind, rank in priority.items())
        row = self._db.execute(
            f"SELECT * FROM deliveries WHERE {_OWED} AND channel = ? AND chat_id = ? "
            f"ORDER BY CASE kind {order} ELSE 9 END, "
            "COALESCE(json_extract(payload, '$.reported'), 0), id LIMIT 1",
            destination).fetchone()
        return _delivery(row) if row else None

    def unreported_confirmations(self, destination: Destination, limit: int) -> list[Delivery]:
        rows = self._db.execute(
            f"SELECT * FROM deliveries WHERE {_OWED} AND kind = 'confirmation' "
            "AND channel = ? AND chat_id = ? AND json_extract(payload, '$.reported') IS NULL "
            "ORDER BY id LIMIT ?", (*destination, limit))
        return [_delivery(r) for r in rows]

    def mark_sent(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        ids = [*delivery.sent_ids, *message_ids]
        with self.transaction():
            self._db.execute(
                "UPDATE deliveries SET sent_at = ?, message_id = ?, attempts = attempts + 1, "
                "last_error = NULL, next_attempt_at = NULL, payload = ? WHERE id = ?",
                (self._now(), ids[0] if ids else None,
                 json.dumps({**delivery.payload, "sent_ids": ids}), delivery.id))
            self._map_ticket_messages(delivery, message_ids)

    def mark_progress(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        """Parts of a long delivery went out; a retry goes on from the next part."""
        if not message_ids:
            return
        ids = [*delivery.sent_ids, *message_ids]
        with self.transaction():
            self._db.execute("UPDATE deliveries SET payload = ? WHERE id = ?",
                             (json.dumps({**delivery.payload, "sent_ids": ids}), delivery.id))
            self._map_ticket_messages(delivery, message_ids)

    def mark_reported(self, deliveries: Iterable[Delivery], message_id: int | None) -> None:
        """Confirmations named in a batched message: still owed, as a quiet edit later."""
        with self.transaction():
            for delivery in deliveries:
                payload = {**delivery.payload, "reported": 1, "batch_message_id": message_id}
                self._db.execute("UPDATE deliveries SET payload = ? WHERE id = ?",
                                 (json.dumps(payload), delivery.id))

    def mark_failed(self, delivery: Delivery, reason: str) -> None:
        self._db.execute(
            "UPDATE deliveries SET failed = ?, attempts = attempts + 1, last_error = ?, "
            "next_attempt_at = NULL WHERE id = ?", (reason, reason, delivery.id))

    def mark_attempt(self, delivery: Delivery, error: str) -> None:
        if delivery.id:
            self._db.execute("UPDATE deliveries SET attempts = attempts + 1, last_error = ? "
                             "WHERE id = ?", (error[:200], delivery.id))

    def hold(self, destination: Destination, until: dt.datetime) -> None:
        """Written for people reading the database; the running outbox keeps its own clock."""
        self._db.execute(
            f"UPDATE deliveries SET next_attempt_at = ? WHERE {_OWED} AND channel = ? "
            "AND chat_id = ?", (until.astimezone(dt.UTC).isoformat(), *destination))

    def redirect(self, destination: Destination, new_chat_id: int) -> int:
        """Everything owed to a chat now goes to its new id."""
        return self._db.execute(
            f"UPDATE deliveries SET chat_id = ? WHERE {_OWED} AND channel = ? AND chat_id = ?",
            (new_chat_id, *destination)).rowcount

    def waiting_tickets(self, destination: Destination) -> int:
        row = self._db.execute(
            f"SELECT COUNT(DISTINCT ticket_id) FROM deliveries WHERE {_OWED} "
            "AND kind IN ('ticket', 'followup') AND channel = ? AND chat_id = ?", destination)
        return int(row.fetchone()[0])

    def ticket_post(self, ticket_id: int) -> tuple[int, int] | None:
        """(chat id, message id) of the first message of the ticket's post."""
        row = self._db.execute(
            "SELECT chat_id, message_id FROM deliveries WHERE ticket_id = ? AND kind = 'ticket' "
            "AND sent_at IS NOT NULL AND message_id IS NOT NULL ORDER BY id DESC LIMIT 1",
            (ticket_id,)).fetchone()
        return (row["chat_id"], row["message_id"]) if row else None

    def batch_owed(self, batch: str) -> bool:
        """Whether a copy of this announcement is still owed (cheap: stops at the first)."""
        return self._db.execute(
            f"SELECT 1 FROM deliveries WHERE {_OWED} AND kind = 'announcement' "
            "AND json_extract(payload, '$.batch') = ? LIMIT 1", (batch,)).fetchone() is not None

    def batch_counts(self, batch: str) -> tuple[int, int, int]:
        """(owed, delivered, blocked) copies of one announcement."""
        row = self._db.execute(
            "SELECT SUM(sent_at IS NULL AND failed IS NULL), SUM(sent_at IS NOT NULL), "
            "SUM(failed = 'blocked') FROM deliveries WHERE kind = 'announcement' "
            "AND json_extract(payload, '$.batch') = ?", (batch,)).fetchone()
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)

    def _map_ticket_messages(self, delivery: Delivery, message_ids: Sequence[int]) -> None:
        """Every message of a ticket post stands for the ticket: a reply to any routes."""
        if delivery.kind in ("ticket", "followup") and delivery.ticket_id is not None:
            self._db.executemany(
                "INSERT OR REPLACE INTO ticket_messages (chat_id, message_id, ticket_id) "
                "VALUES (?, ?, ?)", [(delivery.chat_id, m, delivery.ticket_id)
                                     for m in message_ids])

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        return storage.transaction(self._db)


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(row["id"], row["kind"], row["channel"], row["chat_id"], row["ticket_id"],
                    row["text"], json.loads(row["payload"] or "{}"), row["attempts"])


# ------------------------------------------------------------------------------ the outbox


@dataclass
class _Hold:
    failures: int = 0
    until: float = 0.0  # loop time
    transient: bool = False  # the API failed (5xx, timeout), not this chat in particular


GoneListener = Callable[[Delivery, str], None]
MigrationListener = Callable[[int, int], None]


class Outbox:
    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        clock: Clock,
        coordinator_chat: int,
        coordinators: Sequence[int] = (),
        channel: str = "telegram",
        retry_base: float = 1.0,
        retry_cap: float = 60.0,
        unreachable_cap: float = 300.0,
        max_parallel: int = 16,
        idle_check: float = 15.0,
    ) -> None:
        self.store = OutboxStore(connection, clock)
        self.state = BotState(connection, clock)
        self._clock = clock
        self._channel = channel
        self._coordinators = tuple(coordinators)
        self.retry_base = retry_base
        self.retry_cap = retry_cap
        self.unreachable_cap = unreachable_cap
        self._max_parallel = max_parallel
        self._idle_check = idle_check
        self._configured_chat = coordinator_chat
        self._coordinator_chat = self._stored_coordinator_chat(coordinator_chat)
        self._senders: dict[str, Sender] = {}
        self._holds: dict[Destination, _Hold] = {}
        self._workers: dict[Destination, asyncio.Task[None]] = {}
        # Destinations to look at, oldest first, from one read of what is owed: read again
        # only when something new is owed from outside or the list runs out.
        self._candidates: dict[Destination, None] = {}
        self._dirty = True
        self._wake = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False
        self._gone_listeners: list[GoneListener] = []
        self._migration_listeners: list[MigrationListener] = []

    # -- the coordinator chat ------------------------------------------------------------
    @property
    def coordinator_chat_id(self) -> int:
        """The chat tickets go to: the configured one, or what it became (supergroup)."""
        return self._coordinator_chat

    @property
    def coordinator_chat_ids(self) -> tuple[int, ...]:
        """Every id the coordinator chat had while this process ran (the configured first)."""
        return tuple(dict.fromkeys((self._configured_chat, self._coordinator_chat)))

    @property
    def coordinator(self) -> Destination:
        return (self._channel, self._coordinator_chat)

    def _stored_coordinator_chat(self, configured: int) -> int:
        stored = self.state.get(STATE_COORDINATOR_CHAT)
        if stored is None:
            return configured
        moved = json.loads(stored)
        if moved.get("from") == configured:
            log.warning("coordinator chat %s became %s (supergroup); using %s, not the id in "
                        "the config file", configured, moved["to"], moved["to"])
            return int(moved["to"])
        if moved.get("to") != configured:  # the config names another chat now: it wins
            log.warning("the config names coordinator chat %s; forgetting that %s became %s",
                        configured, moved.get("from"), moved.get("to"))
            self.state.delete(STATE_COORDINATOR_CHAT)
        return configured

    def on_migrated(self, listener: MigrationListener) -> None:
        """Call `listener(old, new)` when the coordinator chat gets a new id."""
        self._migration_listeners.append(listener)

    def on_gone(self, listener: GoneListener) -> None:
        """Call `listener(delivery, reason)` when a person will not get a delivery."""
        self._gone_listeners.append(listener)

    # -- owing ----------------------------------------------------------------------------
    def owe_notice(self, chat_id: int, text: str, *, channel: str | None = None) -> int:
        """A plain message to someone, sent with everything else the outbox owes."""
        delivery_id = self.store.owe("notice", chat_id, text, channel=channel or self._channel)
        self.kick()
        return delivery_id

    def owe_announcement(self, chat_ids: Sequence[int], text: str, *, report_to: int,
                         batch: str) -> int:
        """One copy per subscriber; `report_to` hears the totals when the last copy is done."""
        count = self.store.owe_many("announcement", chat_ids, text, channel=self._channel,
                                    payload={"batch": batch, "report_to": report_to})
        if count == 0:
            self._report_announcement(batch, report_to)
        self.kick()
        return count

    # -- running --------------------------------------------------------------------------
    def kick(self) -> None:
        """Something new is owed (or a chat is back): look now, not at the next check."""
        self._dirty = True
        self._wake.set()

    def retry_now(self, chat_id: int, channel: str | None = None) -> None:
        """Forget a destination's back-off (e.g. the bot was added back to the group)."""
        self._holds.pop((channel or self._channel, chat_id), None)
        self.kick()

    def add_sender(self, channel: str, sender: Sender) -> None:
        """Deliveries of `channel` go out through `sender`."""
        self._senders[channel] = sender

    def start(self, senders: Mapping[str, Sender] | None = None) -> None:
        """Start sending in the background (the senders so far, and `senders`)."""
        self._senders.update(senders or {})
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name="outbox")

    async def stop(self, grace: float = 2.0) -> None:
        """Let sends in flight finish for `grace` seconds, then cancel; what is not recorded
        as sent stays owed."""
        self._stopping = True
        self.kick()
        tasks = [t for t in (self._runner, *self._workers.values()) if t is not None]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        self._runner = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            try:
                self._start_workers(loop.time())
            except Exception:  # a database hiccup must not end the outbox
                log.exception("outbox could not read what is owed")
            await self._sleep(loop.time())

    def _start_workers(self, now: float) -> None:
        if self._dirty or not self._candidates:
            self._dirty = False
            if self._configured_chat != self._coordinator_chat:  # rows stored under the old id
                self.store.redirect((self._channel, self._configured_chat),
                                    self._coordinator_chat)
            # Only channels this outbox sends for (the web chat has its own postman).
            self._candidates = dict.fromkeys(d for d in self.store.owed_destinations()
                                             if d[0] in self._senders)
        busy = self._residents_busy()
        for destination in list(self._candidates):
            if destination in self._workers or self._held(destination, now):
                continue
            coordinator = destination == self.coordinator
            if not coordinator and busy >= self._max_parallel:
                continue
            busy += not coordinator
            del self._candidates[destination]
            self._workers[destination] = asyncio.create_task(
                self._drain(destination), name=f"outbox {destination}")

    def _residents_busy(self) -> int:
        return sum(1 for d in self._workers if d != self.coordinator)

    def _held(self, destination: Destination, now: float) -> bool:
        hold = self._holds.get(destination)
        return hold is not None and hold.until > now

    async def _sleep(self, now: float) -> None:
        waits = [h.until - now for h in self._holds.values() if h.until > now]
        timeout = min([self._idle_check, *waits])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=max(timeout, 0.01))

    async def _drain(self, destination: Destination) -> None:
        """Send what one destination is owed, in order, until it is done or has to wait."""
        drained = False
        try:
            while not self._stopping:
                delivery = self._next(destination)
                if delivery is None:
                    drained = True
                    return
                outcome = await self._attempt(delivery)
                try:
                    self._record(delivery, outcome)
                except Exception:
                    log.exception("outbox could not record delivery %s", delivery.id)
                    self._hold(destination, None, self.retry_cap)
                    return
                if outcome.kind not in ("sent", "gone", "rejected"):
                    return
        finally:
            self._workers.pop(destination, None)
            if not drained:  # it waits (back-off, new id): look at it again later
                self._candidates[destination] = None
            self._wake.set()

    def _next(self, destination: Destination) -> Delivery | None:
        coordinator = destination == self.coordinator
        priority = COORDINATOR_PRIORITY if coordinator else RESIDENT_PRIORITY
        delivery = self.store.next_for(destination, priority)
        if (coordinator and delivery is not None and delivery.kind == "confirmation"
                and not delivery.payload.get("reported")):
            waiting = self.store.unreported_confirmations(destination, BATCH_SIZE)
            if len(waiting) >= BATCH_FROM:
                return Delivery(0, "confirmations", destination[0], destination[1], None, "",
                                {"tickets": [d.ticket_id for d in waiting],
                                 "rows": [d.id for d in waiting]})
        return delivery

    async def _attempt(self, delivery: Delivery) -> Outcome:
        if delivery.chat_id == 0:  # the person's data were deleted: nobody to send to
            return Outcome.destination_gone("deleted")
        sender = self._senders.get(delivery.channel)
        if sender is None:
            return Outcome.retry(self.retry_cap, f"no sender for {delivery.channel}")
        try:
            return await sender.send(delivery)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a sender should not raise; if it does, try again later
            log.exception("sending delivery %s failed unexpectedly", delivery.id)
            return Outcome.retry(None, f"{type(exc).__name__}")

    # -- recording outcomes -----------------------------------------------------------------
    def _record(self, delivery: Delivery, outcome: Outcome) -> None:
        destination = delivery.destination
        coordinator = destination == self.coordinator
        if delivery.id == 0:  # a batch of confirmations
            self._record_batch(delivery, outcome)
            return
        kind = outcome.kind
        if coordinator and kind == "gone":
            kind = "unreachable"  # the coordinator chat is never given up
        if kind == "unreachable" and not coordinator:
            kind = "gone"
        if kind == "sent":
            self.store.mark_sent(delivery, outcome.message_ids)
            self._sent(delivery)
        elif kind == "retry":
            self.store.mark_progress(delivery, outcome.message_ids)
            self.store.mark_attempt(delivery, outcome.reason)
            self._hold(destination, outcome.after, self.retry_cap,
                       transient=outcome.after is None)
            log.info("delivery %s to %s postponed: %s", delivery.id, destination, outcome.reason)
        elif kind == "unreachable":
            self.store.mark_progress(delivery, outcome.message_ids)
            self.store.mark_attempt(delivery, outcome.reason)
            self._hold(destination, None, self.unreachable_cap)
            log.warning("coordinator chat unreachable (%s); %s kept owed", outcome.reason,
                        delivery.kind)
            self._tell_coordinators_unreachable(outcome.reason)
        elif kind == "migrated":
            assert outcome.new_chat_id is not None
            self._migrate(destination, outcome.new_chat_id)
        elif kind == "gone":
            self.store.mark_failed(delivery, outcome.reason)
            self._gone(delivery, outcome.reason)
        elif kind == "rejected":
            log.error("delivery %s (%s) refused by the API: %s", delivery.id, delivery.kind,
                      outcome.reason)
            self.store.mark_failed(delivery, f"rejected: {outcome.reason}"[:200])
            if delivery.kind == "answer" and delivery.ticket_id is not None:
                self.owe_notice(self.coordinator_chat_id,
                                ANSWER_REJECTED.format(number=delivery.ticket_id))
            elif delivery.kind == "ticket" and delivery.ticket_id is not None:
                # A plain stand-in: the ticket is never missing from the chat, and its header
                # lets a reply to it route.
                self.owe_notice(self.coordinator_chat_id,
                                TICKET_REJECTED.format(number=delivery.ticket_id))
            self._maybe_report_announcement(delivery)

    def _record_batch(self, batch: Delivery, outcome: Outcome) -> None:
        rows = [d for d in self.store.unreported_confirmations(batch.destination, BATCH_SIZE)
                if d.id in batch.payload["rows"]]
        if outcome.kind == "sent":
            self.store.mark_reported(rows, outcome.message_ids[0] if outcome.message_ids
                                     else None)
            self._chat_is_back(batch.destination)
            self._holds.pop(batch.destination, None)
        elif outcome.kind == "migrated" and outcome.new_chat_id is not None:
            self._migrate(batch.destination, outcome.new_chat_id)
        elif outcome.kind in ("gone", "unreachable"):
            self._hold(batch.destination, None, self.unreachable_cap)
            self._tell_coordinators_unreachable(outcome.reason)
        elif outcome.kind == "rejected":  # never again as a batch: each goes out as an edit
            log.error("batched confirmation refused: %s", outcome.reason)
            self.store.mark_reported(rows, None)
        else:
            self._hold(batch.destination, outcome.after, self.retry_cap,
                       transient=outcome.after is None)

    def _sent(self, delivery: Delivery) -> None:
        self._holds.pop(delivery.destination, None)
        self._api_is_back()
        if delivery.destination == self.coordinator:
            self._chat_is_back(delivery.destination)
        if delivery.kind == "answer" and delivery.ticket_id is not None:
            self.store.owe("confirmation", self.coordinator_chat_id, "", channel=self._channel,
                           ticket_id=delivery.ticket_id)
            acted_in = delivery.payload.get("acted_in")
            if acted_in is not None and acted_in not in self.coordinator_chat_ids:
                # the coordinator answered elsewhere (a private chat): told there as well
                self.store.owe("notice", int(acted_in), DELIVERED.format(
                    number=delivery.ticket_id), channel=self._channel)
                self._candidates[(self._channel, int(acted_in))] = None
            self._candidates[self.coordinator] = None
        self._maybe_report_announcement(delivery)

    def _gone(self, delivery: Delivery, reason: str) -> None:
        log.info("delivery %s (%s) ended: %s", delivery.id, delivery.kind, reason)
        for listener in self._gone_listeners:
            try:
                listener(delivery, reason)
            except Exception:
                log.exception("a listener failed on a delivery that ended")
        if delivery.kind == "answer" and delivery.ticket_id is not None:
            why = GONE_REASONS.get(reason, "Telegram nie pozwala mi do tej osoby pisać")
            self.owe_notice(self.coordinator_chat_id,
                            ANSWER_NOT_DELIVERED.format(number=delivery.ticket_id, why=why))
        self._maybe_report_announcement(delivery)

    def _api_is_back(self) -> None:
        """A send went through: chats waiting only because the API failed try again now,
        not when their back-off (grown during an outage) runs out."""
        now = asyncio.get_running_loop().time()
        for destination, hold in list(self._holds.items()):
            if hold.transient and hold.until > now:
                del self._holds[destination]
                self._wake.set()  # it is among the candidates already

    def _hold(self, destination: Destination, after: float | None, cap: float, *,
              transient: bool = False) -> None:
        hold = self._holds.setdefault(destination, _Hold())
        hold.transient = transient
        hold.failures += 1
        backoff = min(cap, self.retry_base * 2 ** (hold.failures - 1))
        backoff *= random.uniform(0.8, 1.0)  # destinations failing together spread out
        wait = max(backoff, after or 0.0)
        hold.until = asyncio.get_running_loop().time() + wait
        self.store.hold(destination, self._clock() + dt.timedelta(seconds=wait))

    def _migrate(self, destination: Destination, new_chat_id: int) -> None:
        moved = self.store.redirect(destination, new_chat_id)
        self._holds.pop(destination, None)
        self._candidates[(destination[0], new_chat_id)] = None
        self._wake.set()
        log.warning("chat %s became %s; %d deliveries follow it", destination[1], new_chat_id,
                    moved)
        if destination != self.coordinator:
            return
        old = self._coordinator_chat
        self._coordinator_chat = new_chat_id
        self.state.set(STATE_COORDINATOR_CHAT,
                       json.dumps({"from": self._configured_chat, "to": new_chat_id}))
        log.warning("coordinator chat %s is now %s (supergroup); stored, the config file is "
                    "not changed", old, new_chat_id)
        for listener in self._migration_listeners:
            try:
                listener(old, new_chat_id)
            except Exception:
                log.exception("a listener failed on the coordinator chat's new id")

    def _tell_coordinators_unreachable(self, reason: str) -> None:
        if not self.state.set_once(STATE_UNREACHABLE_NOTIFIED, reason or "unreachable"):
            return  # told already during this outage
        waiting = self.store.waiting_tickets(self.coordinator)
        why = UNREACHABLE_REASONS.get(reason, "czat jest niedostępny")
        text = CHAT_UNREACHABLE.format(why=why, waiting=tickets_phrase(waiting))
        for user_id in self._coordinators:
            if user_id != self.coordinator_chat_id:
                self.store.owe("notice", user_id, text, channel=self._channel)
        self.kick()

    def _chat_is_back(self, destination: Destination) -> None:
        if destination != self.coordinator or not self.state.delete(STATE_UNREACHABLE_NOTIFIED):
            return
        log.warning("coordinator chat reachable again")
        for user_id in self._coordinators:
            if user_id != self.coordinator_chat_id:
                self.store.owe("notice", user_id, CHAT_BACK, channel=self._channel)
        self.kick()

    def _maybe_report_announcement(self, delivery: Delivery) -> None:
        if delivery.kind != "announcement" or "batch" not in delivery.payload:
            return
        if delivery.payload.get("report_to") is None:  # sent from the desk: it reads totals
            return
        self._report_announcement(delivery.payload["batch"], delivery.payload["report_to"])

    def _report_announcement(self, batch: str, report_to: int) -> None:
        if self.store.batch_owed(batch):
            return
        owed, delivered, blocked = self.store.batch_counts(batch)
        if owed or not self.state.set_once(f"announcement_reported:{batch}", "1"):
            return
        report = texts.announce_report(delivered, blocked, 0)
        self.owe_notice(report_to, report)
