"""A content-addressed store of trained models' arrays, so a restart does not train again.

Training the phrasing classifier takes about a second (and importing the library that does
it almost another); its result depends only on its training data. The arrays are kept under
`$INFOLINIA_CACHE` (default `~/.cache/infolinia-klastra`), one file per training data's hash.
The store is only a shortcut: a missing, unreadable or unwritable store means training again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
KEPT_FILES = 8  # older models (of knowledge since edited) are removed


def cache_dir() -> Path:
    configured = os.environ.get("INFOLINIA_CACHE")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "infolinia-klastra"


def fingerprint(parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def recalled(key: str) -> dict[str, np.ndarray] | None:
    """The arrays stored under `key`, or None when there are none (or they are unreadable)."""
    path = cache_dir() / f"{key}.npz"
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        log.info("model cache %s unreadable (%s): training again", path, exc)
        return None


def store(key: str, arrays: dict[str, np.ndarray]) -> None:
    """Keep `arrays` under `key` for next time; a store that cannot be written is skipped."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as out:
            np.savez(out, **arrays)
        os.replace(out.name, folder / f"{key}.npz")
        _forget_old(folder)
    except OSError as exc:
        log.info("model cache %s not written (%s)", folder, exc)


def _forget_old(folder: Path) -> None:
    models = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEPT_FILES:]:
        old.unlink(missing_ok=True)
