"""Group commit: what requests write is stored in one transaction per turn of the event loop.

SQLite makes each commit durable with an fsync (synchronous=FULL: a stored ticket survives a
power cut), and the fsync, not the work, is most of a request's time. Requests that arrive
together are run one after another, each in its own savepoint (one failing rolls back only
itself), then committed once; each gets its answer only after that commit.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class GroupCommit:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._queue: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._scheduled = False
        self.batches = 0  # for the bench and tests
        self.items = 0

    async def run(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.append((work, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._queue, self._scheduled = self._queue, [], False
        done: list[tuple[asyncio.Future[Any], bool, Any]] = []
        # Nobody holds a transaction across an await, but if someone did, ours joins theirs.
        own = not self._db.in_transaction
        try:
            if own:
                self._db.execute("BEGIN IMMEDIATE")
            for work, future in batch:
                done.append((future, *self._one(work)))
            if own:
                self._db.execute("COMMIT")
        except sqlite3.Error as exc:  # the disk is full or the file locked: nothing stored
            log.exception("web chat: a group commit failed")
            if own and self._db.in_transaction:
                self._db.execute("ROLLBACK")
            done = [(future, False, exc) for _, future in batch]
        self.batches += 1
        self.items += len(batch)
        for future, ok, value in done:
            if future.done():  # the client went away
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _one(self, work: Callable[[], Any]) -> tuple[bool, Any]:
        self._db.execute("SAVEPOINT request")
        try:
            result = work()
        except Exception as exc:
            self._db.execute("ROLLBACK TO request")
            self._db.execute("RELEASE request")
            return False, exc
        self._db.execute("RELEASE request")
        return True, result
