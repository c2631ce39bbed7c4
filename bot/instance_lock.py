"""One bot per database: a second process on the same SQLite file refuses to start."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)
DISK_REFUSES = (errno.EROFS, errno.ENOSPC, errno.EDQUOT)


class AlreadyRunning(Exception):
    """Another process holds the lock of this database."""


class InstanceLock:
    """An exclusive lock on `<database>.lock`, held until `release` or the process ends (the
    kernel releases it even after SIGKILL, so a crash never leaves a stale lock)."""

    def __init__(self, database: str | Path) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if exc.errno not in DISK_REFUSES:
                raise
            # A read-only or full disk: no second bot can write there either, so answering
            # questions beats refusing to start.
            log.warning("cannot create the lock file %s (%s); starting without it",
                        self.path, exc.strerror)
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(
                f"another bot (pid {holder}) is already running on this database; "
                f"stop it first (lock file {self.path})") from None
        self._fd = fd
        try:  # the pid only makes the message to a second bot clearer
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            log.warning("could not write the pid into %s", self.path)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
