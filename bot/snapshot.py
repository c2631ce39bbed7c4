"""The last good knowledge, kept in the data folder so a restart with broken files can run.

A snapshot is a copy of the knowledge files (the same YAML, read by the same loader) plus
`snapshot.json` naming when it was taken and which entry and meeting ids it holds. It is
written whenever a sound knowledge goes live, best effort: a full or read-only disk only
costs a log line. A new snapshot is built beside the old one and swapped in, so a crash while
writing leaves the previous snapshot (in `<name>.old` at worst) readable.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeBase
from bot.loader import LoadResult, knowledge_files, knowledge_fingerprint, load_knowledge

log = logging.getLogger(__name__)

SNAPSHOT_DIR = "knowledge-snapshot"
INFO_FILE = "snapshot.json"


@dataclass(frozen=True)
class SnapshotInfo:
    saved_at: dt.datetime
    entries: frozenset[str]
    meetings: frozenset[str]


def snapshot_dir(storage_path: str | Path) -> Path | None:
    """Where the snapshot lives: beside the SQLite file (none for an in-memory database)."""
    if str(storage_path) == ":memory:":
        return None
    return Path(storage_path).parent / SNAPSHOT_DIR


def save_snapshot(root: str | Path, dest: Path, knowledge: KnowledgeBase,
                  fingerprint: tuple[tuple[str, int, int], ...], now: dt.datetime) -> bool:
    """Copy the files of `knowledge` (read from `root` when they had `fingerprint`) to
    `dest`. False, and the old snapshot kept, when the files changed meanwhile or the disk
    refused (logged)."""
    root = Path(root)
    new, old = dest.with_name(dest.name + ".new"), dest.with_name(dest.name + ".old")
    try:
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir(parents=True)
        for path in knowledge_files(root):
            target = new / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        info = {"saved_at": now.astimezone(dt.UTC).isoformat(), "source": str(root),
                "entries": sorted(e.id for e in knowledge.entries),
                "meetings": sorted(m.id for m in knowledge.meetings)}
        (new / INFO_FILE).write_text(json.dumps(info, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
        if knowledge_fingerprint(root) != fingerprint:
            log.info("knowledge files changed while taking a snapshot; next time")
            shutil.rmtree(new, ignore_errors=True)
            return False
        if dest.exists():  # else `old` may be the only good one left: keep it until the swap
            shutil.rmtree(old, ignore_errors=True)
            dest.rename(old)
        new.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        log.warning("could not save the knowledge snapshot in %s: %s", dest.parent, exc)
        shutil.rmtree(new, ignore_errors=True)
        return False
    return True


def snapshot_info(dest: Path) -> SnapshotInfo | None:
    """What the newest readable snapshot holds, without loading it (None: no snapshot)."""
    for folder in _folders(dest):
        info = _read_info(folder)
        if info is not None:
            return info
    return None


def load_snapshot(dest: Path, now: dt.datetime) -> tuple[LoadResult, SnapshotInfo, Path] | None:
    """The newest snapshot that loads without errors, with its info and folder."""
    for folder in _folders(dest):
        info = _read_info(folder)
        if info is None:
            continue
        result = load_knowledge(folder, now)
        if result.ok:
            return result, info, folder
        log.warning("the knowledge snapshot in %s does not load; skipped", folder)
    return None


def _folders(dest: Path) -> tuple[Path, Path]:
    return dest, dest.with_name(dest.name + ".old")


def _read_info(folder: Path) -> SnapshotInfo | None:
    try:
        raw = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
        return SnapshotInfo(dt.datetime.fromisoformat(raw["saved_at"]),
                            frozenset(raw["entries"]), frozenset(raw["meetings"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
