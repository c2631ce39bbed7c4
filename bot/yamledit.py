"""Editing hand-written YAML files so that a person still recognises them afterwards.

ruamel.yaml round-trip keeps comments, order and quoting, but not every byte (a long flow
list is re-wrapped). So a change to one entry is spliced in: the file is dumped with the
change, and only the lines of that entry are taken from the dump; every other line stays
as it was written. A file whose text would not change is never written.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.yamlfile import LineDict, load_yaml_text

HAND_WIDTH = 4096  # long lines stay long, as written by hand


def round_trip(width: int = 100, *, preserve_quotes: bool = False) -> YAML:
    """A ruamel loader/dumper in the knowledge's style (2-space mappings, "  - " lists)."""
    yaml = YAML()  # round-trip: keeps comments and order
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = width
    yaml.allow_unicode = True
    yaml.preserve_quotes = preserve_quotes
    return yaml


def read_map(path: Path, yaml: YAML) -> CommentedMap | None:
    """The file's top-level mapping, round-trip (comments kept); None when the file is
    missing or holds something else."""
    if not path.exists():
        return None
    data = yaml.load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, CommentedMap) else None


def dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def answer_scalar(answer: str) -> str:
    """An answer as a person writes it: a `|` block when it has several lines."""
    answer = answer.strip()
    return LiteralScalarString(answer + "\n") if "\n" in answer else answer


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` unless the file already holds exactly it (its mtime then stays).
    The new text replaces the file in one step, so a reader never sees half a file."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


@dataclass(frozen=True)
class Region:
    """The lines (0-based, end exclusive) of one item of a top-level list, with the comment
    lines right above it (they speak of it) and the blank lines after it."""

    item_id: str
    start: int
    end: int


def item_regions(text: str, key: str = "entries") -> list[Region]:
    """Where each item of the top-level list `key` stands in `text` (by its `id`)."""
    data = load_yaml_text(text)
    if not isinstance(data, LineDict) or not isinstance(data.get(key), list):
        return []
    lines = text.splitlines(keepends=True)
    items = [item for item in data[key] if isinstance(item, LineDict)]
    # The list ends where the next top-level key starts, else at the end of the file.
    after = [line for name, line in data.key_lines.items() if line > data.line_of(key)]
    list_end = min(after) - 1 if after else len(lines)
    starts = [_with_leading_comments(lines, item.line - 1) for item in items]
    regions = []
    for index, item in enumerate(items):
        end = starts[index + 1] if index + 1 < len(items) else _trim_trailing(lines, list_end)
        regions.append(Region(str(item.get("id", "")), starts[index], end))
    return regions


def _with_leading_comments(lines: list[str], start: int) -> int:
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start


def _trim_trailing(lines: list[str], end: int) -> int:
    """The last item ends at its last line of text: comments after it, before the next key,
    belong to what follows."""
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def splice(original: str, dumped: str, item_id: str, key: str = "entries") -> str:
    """`original` with the lines of item `item_id` taken from `dumped` (where it is changed or
    new); a new item goes after the last item of the list. Everything else stays byte for
    byte."""
    new = next((r for r in item_regions(dumped, key) if r.item_id == item_id), None)
    if new is None:
        raise ValueError(f"{item_id} is not in the dumped text")
    dumped_lines = dumped.splitlines(keepends=True)
    block = dumped_lines[new.start:new.end]
    lines = original.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    regions = item_regions(original, key)
    old = next((r for r in regions if r.item_id == item_id), None)
    if old is not None:
        lines[old.start:old.end] = block
    elif regions:
        at = regions[-1].end
        spaced = len(regions) > 1 and not lines[regions[1].start - 1].strip()
        lines[at:at] = (["\n"] if spaced else []) + block
    else:
        return dumped  # an empty list: nothing of the old layout to keep
    return "".join(lines)


def cut(original: str, item_id: str, key: str = "entries") -> str:
    """`original` without the lines of item `item_id` (and the comments right above it)."""
    regions = item_regions(original, key)
    old = next((r for r in regions if r.item_id == item_id), None)
    if old is None:
        return original
    lines = original.splitlines(keepends=True)
    start = old.start
    if old is regions[-1] and start > 0 and not lines[start - 1].strip():
        start -= 1  # the blank line that set the last item apart goes with it
    del lines[start:old.end]
    if len(regions) == 1:  # the list is empty now: say so, or the file would not load
        data = load_yaml_text(original)
        index = data.line_of(key) - 1
        if lines[index].rstrip() == f"{key}:":
            lines[index] = f"{key}: []\n"
    return "".join(lines)
