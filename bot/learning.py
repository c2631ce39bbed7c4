"""Growing the knowledge from the coordinator's answers, in a file of its own.

New entries and new phrasings of existing entries go to `faq/nauczone.yaml`; hand-written
files are never touched. That file is edited with ruamel.yaml round-trip, so comments and
order a person adds there survive too. Every change is validated; a change that would break
the knowledge is undone.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.knowledge import Problem
from bot.loader import load_knowledge

LEARNED_FILE = Path("faq") / "nauczone.yaml"
SOURCE = "odpowiedź koordynatora"
MAX_QUESTION = 200  # a canonical question is also a menu button
HEADER = (
    "Wpisy i sformułowania dodane przyciskiem „Dodaj do bazy wiedzy” pod odpowiedzią\n"
    "koordynatora. Można je tu poprawiać jak w innych plikach; bot dopisuje nowe na końcu.\n"
    "phrasings: dodatkowe sformułowania wpisów z innych plików (pod id wpisu)."
)


@dataclass
class Change:
    ok: bool
    entry_id: str
    file: Path
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""


def add_entry(root: str | Path, *, category: str, question: str, answer: str,
              today: dt.date, number: int) -> Change:
    """A new entry: the resident's question, the coordinator's answer."""
    root = Path(root)
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION:
        return Change(False, "", root / LEARNED_FILE,
                      reason=f"pytanie ma ponad {MAX_QUESTION} znaków; dodaj wpis ręcznie")
    data = _read(root)
    entries = data.setdefault("entries", CommentedSeq())
    taken = {str(e.get("id")) for e in entries} | {e.id for e in _current_entries(root)}
    entry_id = f"{category}.odpowiedz_{number}"
    suffix = 2
    while entry_id in taken:
        entry_id, suffix = f"{category}.odpowiedz_{number}_{suffix}", suffix + 1
    entry = CommentedMap()
    entry["id"] = entry_id
    entry["category"] = category
    entry["question"] = question
    entry["alternates"] = CommentedSeq([question])
    entry["answer"] = LiteralScalarString(answer.strip() + "\n") if "\n" in answer else answer
    entry["source"] = CommentedSeq([SOURCE])
    entry["checked"] = today
    entries.append(entry)
    return _write_checked(root, data, entry_id)


def add_phrasing(root: str | Path, *, entry_id: str, text: str) -> Change:
    """A new way of asking an existing entry's question."""
    root = Path(root)
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION:
        return Change(False, entry_id, root / LEARNED_FILE,
                      reason=f"pytanie ma ponad {MAX_QUESTION} znaków; dodaj ręcznie")
    data = _read(root)
    phrasings = data.setdefault("phrasings", CommentedMap())
    texts = phrasings.setdefault(entry_id, CommentedSeq())
    if text not in texts:
        texts.append(text)
    return _write_checked(root, data, entry_id)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: keeps comments and order
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.allow_unicode = True
    return yaml


def _read(root: Path) -> CommentedMap:
    path = root / LEARNED_FILE
    if path.exists():
        data = _yaml().load(path.read_text(encoding="utf-8"))
        if isinstance(data, CommentedMap):
            return data
    data = CommentedMap()
    data.yaml_set_start_comment(HEADER)
    return data


def _current_entries(root: Path):
    return load_knowledge(root).knowledge.entries


def _write_checked(root: Path, data: CommentedMap, entry_id: str) -> Change:
    path = root / LEARNED_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else None
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = load_knowledge(root)
    if result.ok:
        return Change(True, entry_id, path)
    if before is None:
        path.unlink()
    else:
        path.write_text(before, encoding="utf-8")
    errors = [p for p in result.problems if p.level == "error"]
    return Change(False, entry_id, path, errors, "po tej zmianie baza wiedzy miałaby błędy")
