"""What the ticket desk owes web residents: the coordinator's answer into the session, and a
copy by e-mail when the person left an address.

Both are rows of `deliveries` (channel 'web' kind 'answer', channel 'email' kind 'email'), so a
failed send or a restart loses nothing. Each channel has a sender of the outbox's kind
(`bot.outbox.Sender`: `async send(delivery) -> Outcome`); `WebPostman` drains these two
channels in its own loop, as the Telegram outbox drains Telegram's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot import texts
from bot.config import EmailSettings
from bot.conversation.service import answer_message
from bot.outbox import Outcome, Sender
from bot.tickets import Clock, Delivery, TicketDesk, utc_now
from bot.web import mail
from bot.web.live import Live
from bot.web.sessions import WebSessions

log = logging.getLogger(__name__)

WEB = "web"
EMAIL = "email"
RETRY_CAP = 600.0  # seconds between two attempts at most


class WebSender:
    """An answer (or notice) for a web resident becomes a message of their session; a page
    waiting on it is woken. With an e-mail address on the session, an e-mail is owed too, in
    the same transaction. Safe to repeat: a delivery is stored once."""

    def __init__(self, store: WebSessions, live: Live, *, email: bool) -> None:
        self._store = store
        self._live = live
        self._email = email

    async def send(self, delivery: Delivery) -> Outcome:
        if delivery.kind not in ("answer", "notice"):
            return Outcome.rejected(f"the web chat does not take {delivery.kind}")
        session = str(delivery.chat_id)
        with self._store.transaction():
            if self._store.has_delivery(delivery.id):
                return Outcome.sent()
            if not self._store.exists(session):
                return Outcome.destination_gone("deleted")
            text, options = delivery.text, ()
            if delivery.kind == "answer":
                ticket = (TicketDesk(self._store.connection).ticket(delivery.ticket_id)
                          if delivery.ticket_id is not None else None)
                if ticket is None:
                    text = texts.COORDINATOR_ANSWER.format(number=delivery.ticket_id,
                                                           text=delivery.text)
                else:  # the question quoted, with the same buttons as in Telegram
                    reply = answer_message(ticket, delivery.text)
                    text, options = reply.text, tuple((c.id, c.label) for c in reply.choices)
            message = self._store.add(session, "bot", text, options, delivery_id=delivery.id)
            if delivery.kind == "answer" and self._email and self._store.email_of(session):
                owe_email(self._store, delivery)
        self._live.notify(session)
        return Outcome.sent([message.id])


def owe_email(store: WebSessions, delivery: Delivery) -> None:
    """The e-mail copy of an answer: its own delivery row, addressed by session (the address is
    looked up when sending, so deleting one's data leaves nothing to send)."""
    store.connection.execute(  # kind 'email': not a second answer to confirm to the coordinator
        "INSERT INTO deliveries (kind, ticket_id, chat_id, text, created_at, channel) "
        "VALUES ('email', ?, ?, ?, ?, ?)",
        (delivery.ticket_id, delivery.chat_id, delivery.text, store.now(), EMAIL))


class EmailSender:
    def __init__(self, settings: EmailSettings, store: WebSessions, public_url: str = "",
                 send: Callable[..., None] = mail.send) -> None:
        self._settings = settings
        self._store = store
        self._public_url = public_url.rstrip("/")
        self._send = send

    async def send(self, delivery: Delivery) -> Outcome:
        session = str(delivery.chat_id)
        address = self._store.email_of(session) if self._store.exists(session) else None
        if not address:
            return Outcome.destination_gone("deleted")
        if not self._settings.enabled:
            return Outcome.retry(RETRY_CAP, "email.host is not configured")
        link = f"{self._public_url}/czat#s={session}" if self._public_url else None
        message = mail.answer_message(self._settings, address, delivery.ticket_id,
                                      delivery.text, link)
        try:
            await asyncio.to_thread(self._send, self._settings, message)
        except mail.PermanentMailError as exc:
            return Outcome.rejected(f"refused: {exc}"[:200])
        except Exception as exc:  # smtplib, ssl and socket errors: try again later
            return Outcome.retry(reason=f"{type(exc).__name__}: {exc}"[:200])
        return Outcome.sent()


class WebPostman:
    """Drains owed deliveries of the web chat's channels, oldest first, each channel's failures
    backing off on their own row; kicked when something new is owed."""

    def __init__(self, desk: TicketDesk, senders: Mapping[str, Sender], *,
                 clock: Clock = utc_now, interval: float = 1.0,
                 on_sent: Callable[[Delivery], Awaitable[None]] | None = None,
                 on_dropped: Callable[[Delivery, str], Awaitable[None]] | None = None) -> None:
        self._desk = desk
        # e.g. the coordinator told that an answer is in the page, or that it cannot be
        self.on_sent = on_sent
        self.on_dropped = on_dropped
        self._senders = dict(senders)
        self._clock = clock
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="web-postman")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def drain(self) -> int:
        """One pass over what is due; how many were sent."""
        sent = 0
        for delivery in self._due():
            sender = self._senders[delivery.channel]
            try:
                outcome = await sender.send(delivery)
            except Exception as exc:  # a sender bug must not stop the others
                log.exception("web delivery %s failed", delivery.id)
                outcome = Outcome.retry(reason=f"{type(exc).__name__}: {exc}"[:200])
            self._record(delivery, outcome)
            sent += outcome.kind == "sent"
            try:  # a courtesy; the delivery itself is recorded
                if outcome.kind == "sent" and self.on_sent is not None:
                    await self.on_sent(delivery)
                if outcome.kind in ("gone", "rejected") and self.on_dropped is not None:
                    await self.on_dropped(delivery, outcome.reason)
            except Exception:
                log.warning("after web delivery %s", delivery.id, exc_info=True)
        return sent

    async def _run(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception:  # the database may be busy or full for a while
                log.exception("web deliveries: pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()

    def _due(self) -> list[Delivery]:
        channels = tuple(self._senders)
        rows = self._desk.connection.execute(
            "SELECT * FROM deliveries WHERE sent_at IS NULL AND failed IS NULL AND channel IN "
            f"({','.join('?' * len(channels))}) AND (next_attempt_at IS NULL OR "
            "next_attempt_at <= ?) ORDER BY id LIMIT 100",
            (*channels, self._now()))
        return [Delivery(r["id"], r["kind"], r["ticket_id"], r["chat_id"], r["text"],
                         r["attempts"], r["channel"]) for r in rows]

    def _record(self, delivery: Delivery, outcome: Outcome) -> None:
        if outcome.kind == "sent":
            self._desk.mark_sent(delivery, outcome.message_ids)
        elif outcome.kind == "retry":
            wait = outcome.after or min(RETRY_CAP, 5.0 * 2 ** min(delivery.attempts, 10))
            log.warning("%s delivery %s postponed %.0f s: %s", delivery.channel, delivery.id,
                        wait, outcome.reason)
            self._desk.connection.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ? WHERE id = ?",
                (outcome.reason, self._now(dt.timedelta(seconds=wait)), delivery.id))
        else:
            log.warning("%s delivery %s dropped: %s", delivery.channel, delivery.id,
                        outcome.reason)
            self._desk.mark_undeliverable(delivery, outcome.reason or outcome.kind)

    def _now(self, later: dt.timedelta = dt.timedelta()) -> str:
        return (self._clock() + later).astimezone(dt.UTC).isoformat()
