"""One bot per database: a second process on the same SQLite file refuses to start."""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


class AlreadyRunning(Exception):
    """Another process holds the lock of this database."""


class InstanceLock:
    """An exclusive lock on `<database>.lock`, held until `release` or the process ends (the
    kernel releases it even after SIGKILL, so a crash never leaves a stale lock)."""

    def __init__(self, database: str | Path) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = self._open()
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(
                f"another bot (pid {holder}) is already running on this database; "
                f"stop it first (lock file {self.path})") from None
        try:  # for the message above; a full disk may refuse it, the lock holds all the same
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass
        self._fd = fd

    def _open(self) -> int | None:
        """The lock file; on a full or read-only disk an existing one read-only, else None:
        the bot must still start there (it answers questions), only unguarded."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            pass
        try:
            return os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            log.warning("cannot create %s (%s): a second bot on this database would not be "
                        "stopped", self.path, exc.strerror)
            return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
