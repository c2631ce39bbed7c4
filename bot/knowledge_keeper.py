"""Which knowledge is in service, and when a change of the files may replace it.

Rules (issue 9, 2b):
- Files still being written are waited for: a change is loaded only once the files look the
  same (names, sizes, mtimes) at two checks in a row, and a load during which they changed
  again is thrown away.
- A broken knowledge never goes live; the one in service stays.
- A sound knowledge that would drop entries or meetings (ids in service, missing in the new
  load: a file cut short or deleted) is held back and shown; it goes live when the
  coordinator confirms with a reload after seeing exactly those losses (`confirm=True`
  applies it while it loses nothing that was not shown).
- Whatever goes live is kept as a snapshot in the data folder; a restart whose files are
  broken, or would lose entries, runs on the snapshot and says why.

No Telegram here: the channel turns an `Outcome` into words (bot/tg/reload.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.knowledge import KnowledgeBase, Problem
from bot.loader import (
    KnowledgeError,
    LoadResult,
    knowledge_fingerprint,
    load_knowledge,
    relative_name,
    relative_problem,
)
from bot.snapshot import SnapshotInfo, load_snapshot, save_snapshot, snapshot_info

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]
OutcomeKind = Literal["applied", "rejected", "held", "unsettled"]
SETTLE_SECONDS = 0.5  # a reload command looks twice this far apart before loading


@dataclass(frozen=True)
class Removal:
    """What a new load would drop: entry ids by the file (relative) they were in, meetings."""

    entries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meetings: tuple[str, ...] = ()
    missing_files: frozenset[str] = frozenset()  # files of those entries that are gone

    def __bool__(self) -> bool:
        return bool(self.entries or self.meetings)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset({f"entry:{i}" for ids in self.entries.values() for i in ids}
                         | {f"meeting:{m}" for m in self.meetings})


@dataclass(frozen=True)
class Outcome:
    """What a look at the files led to. `knowledge` is what is in service afterwards."""

    kind: OutcomeKind
    knowledge: KnowledgeBase
    problems: tuple[Problem, ...] = ()  # errors, files named relative to the knowledge folder
    removal: Removal = field(default_factory=Removal)
    unsettled: tuple[str, ...] = ()  # files (relative) still changing

    @property
    def applied(self) -> bool:
        return self.kind == "applied"


@dataclass(frozen=True)
class StartReport:
    """Why the bot started on the snapshot instead of the files (to tell the coordinator)."""

    saved_at: dt.datetime
    problems: tuple[Problem, ...] = ()
    removal: Removal = field(default_factory=Removal)


class KnowledgeKeeper:
    def __init__(self, root: str | Path, snapshot: Path | None, *,
                 settle_seconds: float = SETTLE_SECONDS) -> None:
        self.root = Path(root)
        self.snapshot = snapshot
        self.settle_seconds = settle_seconds
        self.knowledge = KnowledgeBase((), ())
        self._live_root = self.root  # where the entries in service were read (files or snapshot)
        self._handled: Fingerprint | None = None  # the state of the files last dealt with
        self._seen: Fingerprint | None = None  # the state at the last look
        self._shown: frozenset[str] = frozenset()  # losses shown to the coordinator
        self.start_report: StartReport | None = None
        # What the coordinator has not been told yet (a send failed, or nothing ran yet).
        self.to_tell: list[Outcome | StartReport] = []

    # ---------------------------------------------------------------- start

    def start(self, now: dt.datetime) -> KnowledgeBase:
        """The knowledge to start with: the files when sound and losing nothing against the
        snapshot; else the snapshot (and `start_report` says why); else KnowledgeError."""
        fingerprint = knowledge_fingerprint(self.root)
        result = load_knowledge(self.root, now)
        self._handled = self._seen = fingerprint
        info = snapshot_info(self.snapshot) if self.snapshot is not None else None
        if result.ok and (info is None or not _lost_ids(info, result.knowledge)):
            self._go_live(result.knowledge, self.root, fingerprint, now)
            return self.knowledge
        stored = load_snapshot(self.snapshot, now) if self.snapshot is not None else None
        if stored is None:
            if result.ok:  # the snapshot is unreadable: the files are all there is
                self._go_live(result.knowledge, self.root, fingerprint, now)
                return self.knowledge
            raise KnowledgeError(result.problems)
        snapshot_result, info, folder = stored
        self.knowledge, self._live_root = snapshot_result.knowledge, folder
        if result.ok:
            removal = self._removal(result.knowledge)
            self._shown = removal.keys
            self.start_report = StartReport(info.saved_at, removal=removal)
            log.warning("knowledge files would drop %d entries/meetings: started on the "
                        "snapshot of %s", len(removal.keys), info.saved_at.isoformat())
        else:
            self.start_report = StartReport(info.saved_at, problems=self._errors(result))
            log.error("knowledge files have errors: started on the snapshot of %s",
                      info.saved_at.isoformat())
        return self.knowledge

    # ---------------------------------------------------------------- changes

    def check(self, now: dt.datetime) -> Outcome | None:
        """The periodic look: None while nothing changed or the files are still changing."""
        fingerprint = knowledge_fingerprint(self.root)
        if fingerprint == self._handled:
            self._seen = fingerprint
            return None
        if fingerprint != self._seen:  # changed since the last look: let the writer finish
            self._seen = fingerprint
            log.info("knowledge files changing; waiting for them to settle")
            return None
        return self._load(now, fingerprint, confirm=False)

    async def reload(self, now: dt.datetime, *, confirm: bool = True) -> Outcome:
        """A reload asked for (the coordinator's command): the files as they are once they
        have settled; with `confirm`, losses already shown are accepted."""
        fingerprint = knowledge_fingerprint(self.root)
        if fingerprint != self._seen and fingerprint != self._handled:
            await asyncio.sleep(self.settle_seconds)
            again = knowledge_fingerprint(self.root)
            if again != fingerprint:
                self._seen = again
                return self._unsettled(fingerprint, again)
        return self._load(now, fingerprint, confirm=confirm)

    def load_now(self, now: dt.datetime) -> Outcome:
        """Load at once, without confirming losses: after the bot itself wrote a file."""
        return self._load(now, knowledge_fingerprint(self.root), confirm=False)

    def _load(self, now: dt.datetime, fingerprint: Fingerprint, *, confirm: bool) -> Outcome:
        result = load_knowledge(self.root, now)
        after = knowledge_fingerprint(self.root)
        if after != fingerprint:  # written to while being read
            self._seen = after
            return self._unsettled(fingerprint, after)
        self._handled = self._seen = fingerprint
        if not result.ok:
            return Outcome("rejected", self.knowledge, self._errors(result))
        removal = self._removal(result.knowledge)
        if removal and not (confirm and removal.keys <= self._shown):
            self._shown = removal.keys
            log.warning("knowledge reload held back: it would drop %s",
                        ", ".join(sorted(removal.keys)))
            return Outcome("held", self.knowledge, removal=removal)
        if removal:
            log.warning("knowledge reload confirmed; dropped %s", ", ".join(sorted(removal.keys)))
        self._go_live(result.knowledge, self.root, fingerprint, now)
        return Outcome("applied", self.knowledge, removal=removal)

    def _go_live(self, knowledge: KnowledgeBase, root: Path, fingerprint: Fingerprint,
                 now: dt.datetime) -> None:
        self.knowledge, self._live_root = knowledge, root
        self._shown = frozenset()
        self.start_report = None
        if self.snapshot is not None:
            save_snapshot(root, self.snapshot, knowledge, fingerprint, now)

    # ---------------------------------------------------------------- helpers

    def _removal(self, new: KnowledgeBase) -> Removal:
        by_file: dict[str, list[str]] = {}
        missing: set[str] = set()
        for entry in self.knowledge.entries:
            if new.entry(entry.id) is None:
                name = relative_name(entry.file, self._live_root)
                by_file.setdefault(name, []).append(entry.id)
                if not (self.root / name).exists():
                    missing.add(name)
        kept_meetings = {m.id for m in new.meetings}
        meetings = tuple(m.id for m in self.knowledge.meetings if m.id not in kept_meetings)
        return Removal({f: tuple(ids) for f, ids in by_file.items()}, meetings,
                       frozenset(missing))

    def _errors(self, result: LoadResult) -> tuple[Problem, ...]:
        return tuple(relative_problem(p, self.root) for p in result.problems
                     if p.level == "error")

    def _unsettled(self, before: Fingerprint, after: Fingerprint) -> Outcome:
        changed = sorted(set(before) ^ set(after))
        names = sorted({relative_name(path, self.root) for path, _, _ in changed})
        return Outcome("unsettled", self.knowledge, unsettled=tuple(names))


def _lost_ids(info: SnapshotInfo, knowledge: KnowledgeBase) -> bool:
    return bool(info.entries - {e.id for e in knowledge.entries}
                or info.meetings - {m.id for m in knowledge.meetings})
