"""Keeping a knowledge file's previous version before the desk writes it (for "Cofnij" in the
history), through bot/desk/versions.py once the knowledge editor brings it."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from bot.desk.context import DeskContext

log = logging.getLogger(__name__)


def remember(ctx: DeskContext, path: Path, login: str) -> int | None:
    """The version id to pass as `undo_ref` to history.record; None when versions are not
    available (the change is then recorded without "Cofnij")."""
    try:
        module = importlib.import_module("bot.desk.versions")
    except ImportError:
        return None
    keep = getattr(module, "remember", None)
    if keep is None:
        return None
    return int(keep(ctx.connection, ctx.knowledge_root, path, ctx.clock(), login))
