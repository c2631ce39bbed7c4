"""Previous versions of knowledge files, so a change made in the desk can be undone.

`remember` keeps a file's bytes (or that it did not exist) before the desk writes it and
returns the version id the history stores as `undo_ref`; `restore` puts that version back
("Cofnij" on the history page). Paths are kept relative to the knowledge folder and checked
on the way back, so a stored version can never write outside it.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.loader import load_knowledge
from bot.yamledit import write_if_changed

# How long a change made in the desk can be undone.
KEPT_FOR = dt.timedelta(days=90)


class VersionError(LookupError):
    """No such version, or it names a file outside the knowledge folder."""


class WouldBreak(VersionError):
    """Putting the version back would break the knowledge; the message says how, in Polish."""


@dataclass(frozen=True)
class Version:
    id: int
    path: str  # relative to the knowledge folder, "faq/kontakt.yaml"
    content: bytes | None  # None: the file did not exist before the change
    saved_at: str
    login: str


def remember(connection: sqlite3.Connection, root: Path, path: Path, when: dt.datetime,
             login: str) -> int:
    """Keep the current bytes of `path` (a file under `root`) before it is changed."""
    relative = _relative(root, path)
    full = root / relative
    content = full.read_bytes() if full.is_file() else None
    cursor = connection.execute(
        "INSERT INTO knowledge_versions (path, content, saved_at, login) VALUES (?, ?, ?, ?)",
        (relative, content, when.astimezone(dt.UTC).isoformat(), login))
    return int(cursor.lastrowid or 0)


def forget_older_than(connection: sqlite3.Connection, moment: dt.datetime) -> int:
    """Drop versions saved before `moment`; their changes in the history lose "Cofnij"."""
    cutoff = moment.astimezone(dt.UTC).isoformat()
    old = "SELECT id FROM knowledge_versions WHERE saved_at < ?"
    connection.execute(f"UPDATE desk_history SET undo_ref = NULL WHERE undo_ref IN ({old})",
                       (cutoff,))
    return connection.execute("DELETE FROM knowledge_versions WHERE saved_at < ?",
                              (cutoff,)).rowcount


def get(connection: sqlite3.Connection, version_id: int) -> Version:
    row = connection.execute(
        "SELECT id, path, content, saved_at, login FROM knowledge_versions WHERE id = ?",
        (version_id,)).fetchone()
    if row is None:
        raise VersionError(f"no knowledge version {version_id}")
    return Version(int(row[0]), str(row[1]), None if row[2] is None else bytes(row[2]),
                   str(row[3]), str(row[4]))


def target(root: Path, version: Version) -> Path:
    """Where the version goes back to; VersionError when that would leave `root`."""
    return root / _relative(root, root / version.path)


def restore(connection: sqlite3.Connection, version_id: int, root: Path) -> Path:
    """Put the version back (a file that did not exist is removed); returns the file.
    Writes nothing when the file already holds exactly that version. When the knowledge was
    sound and the old version would break it (a later change elsewhere clashes with it), the
    file is left as it was and VersionError says why."""
    version = get(connection, version_id)
    path = target(root, version)
    current = path.read_bytes() if path.is_file() else None
    if current == version.content:
        return path
    stat = path.stat() if current is not None else None
    sound = load_knowledge(root).ok
    _put(path, version.content)
    if sound:
        after = load_knowledge(root)
        if not after.ok:
            _put(path, current)
            if stat is not None:  # as it was: the bot sees no change to load
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            first = next(p for p in after.problems if p.level == "error")
            raise WouldBreak("po cofnięciu baza wiedzy miałaby błędy: "
                               f"{first.relative_to(root)}")
    return path


def _put(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
    else:
        write_if_changed(path, content.decode("utf-8"))


def _relative(root: Path, path: Path) -> str:
    """`path` as a relative POSIX path inside `root`, or VersionError."""
    base = root.resolve()
    try:
        relative = path.resolve().relative_to(base)
    except ValueError:
        raise VersionError(f"{path} is outside the knowledge folder") from None
    parts = PurePosixPath(relative.as_posix())
    if not parts.parts or ".." in parts.parts:
        raise VersionError(f"{path} is not a file of the knowledge folder")
    return parts.as_posix()
