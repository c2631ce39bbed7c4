"""The durable inbox: every update Telegram hands over is stored in SQLite before Telegram is
told it arrived, then processed from here and marked done. Updates of one chat are processed
in order; different chats side by side."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from collections import deque
from collections.abc import Iterable, Sequence

from telegram import Bot, Update
from telegram.ext import Application

from bot import storage
from bot.tickets import Clock, utc_now

log = logging.getLogger(__name__)

INBOX_KEY = "inbox"
KEEP_DONE = dt.timedelta(days=2)  # done rows only guard against Telegram sending one twice
CONCURRENCY = 32  # chats processed at once; one chat's updates never overtake each other
# A handler still busy after this long is waiting (rate limiter, network), not computing: its
# slot goes to another chat, so a few slow ones cannot hold everyone up.
SLOW_HANDLER = 1.0
# An update whose handler failed on the network (Telegram down, 5xx, a timeout) is handled
# again after these pauses (its chat's next updates wait), then given up.
RETRY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0)
RETRY_KEY = "inbox_retry"


def handle_again(bot_data: dict, update: Update) -> None:
    """For the error handler: this update failed on the network; run its handlers again."""
    bot_data.setdefault(RETRY_KEY, set()).add(update.update_id)


def chat_key(update: Update) -> str | None:
    """What must stay in order: a chat (or a person outside chats); None: nothing to order."""
    if update.effective_chat is not None:
        return f"c{update.effective_chat.id}"
    if update.effective_user is not None:
        return f"u{update.effective_user.id}"
    return None


def payload(data: dict) -> str:
    """An update's JSON as stored: as Telegram sent it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Inbox:
    """The `inbox` table."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock = utc_now) -> None:
        self._db = connection
        self._clock = clock

    def store(self, updates: Iterable[tuple[Update, str]]) -> list[Update]:
        """Store (update, JSON payload) pairs in one fsync'd commit; the updates not seen
        before, in order. Raises sqlite3.Error when nothing could be stored."""
        fresh = []
        now = self._now()
        with storage.durable(self._db):
            for update, data in updates:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, chat_key, payload, received_at) "
                    "VALUES (?, ?, ?, ?)", (update.update_id, chat_key(update), data, now))
                if cursor.rowcount:
                    fresh.append(update)
        return fresh

    def accept(self, updates: Iterable[tuple[Update, str]]) -> list[Update]:
        """`store`, but when the disk refuses (full, read-only) the updates are processed all
        the same, only not durably: answering beats keeping. What to process."""
        updates = list(updates)
        try:
            return self.store(updates)
        except sqlite3.Error as exc:
            log.error("could not store %d update(s), processing them unstored: %s",
                      len(updates), exc)
            return [update for update, _ in updates]

    def pending(self, bot: Bot) -> list[Update]:
        """Stored and not yet processed (left over from before a stop or a crash), in order."""
        rows = self._db.execute(
            "SELECT update_id, payload FROM inbox WHERE done_at IS NULL ORDER BY update_id")
        updates = []
        for row in rows.fetchall():
            try:
                update = Update.de_json(json.loads(row["payload"]), bot)
            except (ValueError, TypeError, KeyError):
                log.exception("stored update %s cannot be read; skipped", row["update_id"])
                self.mark_done(row["update_id"])
                continue
            if update is not None:
                updates.append(update)
        return updates

    def pending_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]

    def mark_done(self, update_id: int) -> None:
        self._db.execute("UPDATE inbox SET done_at = ? WHERE update_id = ?",
                         (self._now(), update_id))

    def prune(self, age: dt.timedelta = KEEP_DONE) -> int:
        cutoff = (self._clock() - age).astimezone(dt.UTC).isoformat()
        return self._db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
                                (cutoff,)).rowcount

    def _now(self) -> str:
        return self._clock().astimezone(dt.UTC).isoformat()


class InboxWorker:
    """Processes updates with the application's handlers: per chat one at a time and in order,
    up to `concurrency` chats at once; marks each done in the inbox when handled."""

    def __init__(self, application: Application, inbox: Inbox,
                 concurrency: int | None = None) -> None:
        self._application = application
        self._inbox = inbox
        self._slots = asyncio.Semaphore(concurrency or CONCURRENCY)
        self._queues: dict[str, deque[Update]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._known: set[int] = set()  # queued or in hand: a second copy is not queued
        self._open = False
        self._closing = False

    def open(self) -> None:
        """Start: first whatever the inbox still holds, then what `submit` brings."""
        self._open = True
        self.submit(self._inbox.pending(self._application.bot))

    def submit(self, updates: Sequence[Update]) -> None:
        if not self._open or self._closing:
            return  # stored: processed at the next start
        for update in updates:
            if update.update_id in self._known:
                continue
            self._known.add(update.update_id)
            key = chat_key(update) or f"#{update.update_id}"
            queue = self._queues.get(key)
            if queue is None:
                queue = self._queues[key] = deque()
                task = asyncio.create_task(self._drain(key, queue), name=f"inbox:{key}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            queue.append(update)

    async def stop(self, grace: float) -> int:
        """Take nothing new; give the updates in hand `grace` seconds, then cancel them (they
        stay in the inbox for the next start). Returns how many were cancelled or left queued."""
        self._closing = True
        tasks = set(self._tasks)
        if tasks:
            _, unfinished = await asyncio.wait(tasks, timeout=grace)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        left = len(self._known)
        self._queues.clear()
        self._known.clear()
        return left

    async def _drain(self, key: str, queue: deque[Update]) -> None:
        try:
            while queue and not self._closing:
                update = queue[0]
                await self._slots.acquire()
                if self._closing:
                    self._slots.release()
                    return
                handling = asyncio.create_task(self._process(update))
                try:
                    try:
                        await asyncio.wait({handling}, timeout=SLOW_HANDLER)
                    finally:
                        self._slots.release()
                    await handling  # the chat's next update waits for this one all the same
                except asyncio.CancelledError:  # a stop: the update stays in the inbox
                    handling.cancel()
                    await asyncio.gather(handling, return_exceptions=True)
                    raise
                queue.popleft()
                self._known.discard(update.update_id)
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]

    async def _process(self, update: Update) -> None:
        again: set[int] = self._application.bot_data.setdefault(RETRY_KEY, set())
        for pause in (*RETRY_PAUSES, None):
            try:
                await self._application.process_update(update)
            except Exception:  # handler errors go to the error handler; this is anything else
                log.exception("update %s could not be processed", update.update_id)
            if update.update_id not in again:
                break
            again.discard(update.update_id)
            if pause is None:
                log.warning("update %s failed on the network %d times; given up",
                            update.update_id, len(RETRY_PAUSES) + 1)
                break
            await asyncio.sleep(pause)
        try:
            self._inbox.mark_done(update.update_id)
        except sqlite3.Error as exc:  # e.g. a full disk: it may be processed again at start
            log.warning("could not mark update %s done: %s", update.update_id, exc)
