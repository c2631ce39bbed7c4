"""Editing FAQ entries field by field, for a person who never sees the YAML; channel-neutral.

A change is planned first (`plan_edit`, `plan_add`, `plan_retire`): the new text of each file
it touches, checked BEFORE anything is written, with the errors per form field in Polish.
Only a sound plan is written (`Plan.write`), and only the files whose text changes; the
lines of other entries stay byte for byte (bot/yamledit.py splices the edited entry in).

Retiring an entry removes it from its file (the bot stops answering it at the reload); the
caller keeps the file's previous version, so the retirement can be undone like any edit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, ScalarString

from bot.conversation import choices
from bot.knowledge import Category, Entry, KnowledgeBase, Problem
from bot.learning import LEARNED_FILE, MAX_ANSWER, MAX_PHRASING, MAX_QUESTION
from bot.loader import BUTTON_MAX_CHARS, knowledge_files, load_knowledge, relative_name
from bot.matcher import ACKNOWLEDGEMENT_ID, NOT_UNDERSTOOD_ID, THANKS_ID
from bot.normalize import Normalizer
from bot.plural import count
from bot.polish import fold
from bot.yamledit import HAND_WIDTH, cut, dump, round_trip, splice, write_if_changed
from bot.yamlfile import LineDict, YamlSyntaxError, load_yaml_text

# Form fields, in the order the form shows them; "" holds what belongs to no one field.
FIELDS = ("category", "question", "button", "phrasings", "answer", "source", "checked")
_KEY_FIELD = {"category": "category", "question": "question", "button": "button",
              "alternates": "phrasings", "answer": "answer", "source": "source",
              "checked": "checked"}
GENERAL = ""
CHARS = ("znak", "znaki", "znaków")
MAX_ID_SLUG = 40
_ID_SAFE = re.compile(r"^[a-z0-9_]+$")
_LOCATION = re.compile(r"\s*\([^()]*\.ya?ml:\d+\)")
_LINE_NUMBER = re.compile(r"(\.ya?ml):\d+")
_SAME_AS = re.compile(r"^„(?P<text>.*)” znaczy to samo co sformułowanie wpisu (?P<other>\S+)")
# Entries the bot itself relies on: their id is named in code, so they stay.
_NEEDED = frozenset({ACKNOWLEDGEMENT_ID, NOT_UNDERSTOOD_ID, THANKS_ID})


@dataclass(frozen=True)
class EntryForm:
    """The editable fields of an entry as a form holds them."""

    question: str = ""
    button: str = ""
    phrasings: tuple[str, ...] = ()
    answer: str = ""
    source: tuple[str, ...] = ()
    checked: str = ""

    @classmethod
    def from_text(cls, *, question: str = "", button: str = "", phrasings: str = "",
                  answer: str = "", source: str = "", checked: str = "") -> EntryForm:
        """From what a browser sends: textareas one item per line, CRLF, stray spaces."""
        return cls(" ".join(question.split()), " ".join(button.split()), _lines(phrasings),
                   "\n".join(line.rstrip() for line in answer.replace("\r\n", "\n")
                             .replace("\r", "\n").strip().split("\n")),
                   _lines(source), checked.strip())

    def with_phrasing(self, text: str) -> EntryForm:
        text = " ".join(text.split())
        if not text or text in self.phrasings:
            return self
        return EntryForm(self.question, self.button, (*self.phrasings, text), self.answer,
                         self.source, self.checked)


def _lines(text: str) -> tuple[str, ...]:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return tuple(dict.fromkeys(line for line in lines if line))


@dataclass(frozen=True)
class EditableEntry:
    entry_id: str
    category: str
    file: str  # relative to the knowledge folder: "faq/kontakt.yaml"
    form: EntryForm
    keywords: tuple[str, ...] = ()
    learned: tuple[str, ...] = ()  # phrasings another file adds (faq/nauczone.yaml)
    kept_because: str = ""  # why it cannot be retired; empty when it can


def entries_by_category(knowledge: KnowledgeBase) -> list[tuple[Category, list[Entry]]]:
    """Every category with its entries, in the menu's order (categories without entries too)."""
    return [(c, knowledge.entries_in(c.id)) for c in knowledge.categories]


def find_file(root: Path, entry_id: str) -> Path | None:
    """The file under faq/ that defines `entry_id` (found by reading the files, never built
    from the id)."""
    for path in _faq_files(root):
        if any(isinstance(item, dict) and str(item.get("id")) == entry_id
               for item in _items(path)):
            return path
    return None


def read_entry(root: str | Path, knowledge: KnowledgeBase, entry_id: str
               ) -> EditableEntry | None:
    """The entry as its own file writes it (None for an id the knowledge does not have)."""
    root = Path(root)
    entry = knowledge.entry(entry_id)
    path = find_file(root, entry_id) if entry is not None else None
    if entry is None or path is None:
        return None
    form = _form_of(_item(path, entry_id))
    learned = tuple(a for a in entry.alternates if a not in form.phrasings)
    return EditableEntry(entry_id, entry.category, relative_name(str(path), root), form,
                         entry.keywords, learned, _kept_because(entry))


def _item(path: Path, entry_id: str) -> dict[str, Any]:
    return next(i for i in _items(path) if isinstance(i, dict) and str(i.get("id")) == entry_id)


def _form_of(item: dict[str, Any]) -> EntryForm:
    """The entry's fields as the form shows them (the same reading `_apply` compares)."""
    return EntryForm(_text(item.get("question")), _text(item.get("button")),
                     tuple(_texts(item.get("alternates"))), _text(item.get("answer")),
                     tuple(_texts(item.get("source"))), _text(item.get("checked")))


def _kept_because(entry: Entry) -> str:
    if entry.id in _NEEDED or entry.is_smalltalk:
        return "bot rozpoznaje po nim wiadomości, które nie są pytaniami"
    if entry.action:
        return "bot po nim proponuje przekazanie pytania koordynatorowi"
    if entry.dynamic:
        return "bot wstawia do niego listę spotkań"
    return ""


# ------------------------------------------------------------------ checking a form


def check_form(form: EntryForm) -> dict[str, list[str]]:
    """What is wrong with the fields themselves, per field, before any file is looked at."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not form.question:
        add("question", "Wpisz pytanie.")
    elif len(form.question) > MAX_QUESTION:
        add("question", f"Pytanie ma {count(len(form.question), CHARS)}, a może mieć najwyżej "
                        f"{MAX_QUESTION}.")
    if len(form.button) > BUTTON_MAX_CHARS:
        add("button", f"Napis ma {count(len(form.button), CHARS)}, a przycisk mieści najwyżej "
                      f"{BUTTON_MAX_CHARS}.")
    if not form.phrasings:
        add("phrasings", "Wpisz co najmniej jedno sformułowanie (jedno w linii).")
    for text in form.phrasings:
        if len(text) > MAX_PHRASING:
            add("phrasings", f"Sformułowanie „{text[:40]}…” jest za długie (najwyżej "
                             f"{MAX_PHRASING} znaków).")
    if not form.answer:
        add("answer", "Wpisz odpowiedź.")
    elif len(form.answer) > MAX_ANSWER:
        add("answer", f"Odpowiedź ma {count(len(form.answer), CHARS)}, a Telegram przyjmuje "
                      f"najwyżej {MAX_ANSWER}.")
    if not form.source:
        add("source", "Wpisz, skąd pochodzi informacja (np. „strona klastra”).")
    try:
        dt.date.fromisoformat(form.checked)
    except ValueError:
        add("checked", "Podaj datę sprawdzenia jako RRRR-MM-DD, np. 2026-11-28.")
    return errors


# ------------------------------------------------------------------ plans


Action = Literal["edit", "add", "retire"]


@dataclass
class Plan:
    """A change worked out and checked, not yet written."""

    action: Action
    entry_id: str
    root: Path
    texts: dict[Path, str] = field(default_factory=dict)  # the new text of each changed file
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    removes: frozenset[str] = frozenset()  # entry ids this change removes on purpose

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.texts)

    def files(self) -> list[str]:
        return [relative_name(str(path), self.root) for path in self.texts]

    def write(self, before_write: Callable[[Path], Any] = lambda path: None) -> list[Path]:
        """Write every changed file; `before_write(path)` runs first for each (keep the
        previous version). Returns the files written."""
        if not self.ok:
            raise ValueError("a plan with errors is not written")
        written = []
        for path, text in self.texts.items():
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            before_write(path)
            if write_if_changed(path, text):
                written.append(path)
        return written


def plan_edit(root: str | Path, knowledge: KnowledgeBase, entry_id: str, form: EntryForm,
              now: dt.datetime) -> Plan:
    root = Path(root)
    plan = Plan("edit", entry_id, root, errors=check_form(form))
    path = find_file(root, entry_id) if knowledge.entry(entry_id) else None
    if path is None:
        plan.errors[GENERAL] = ["Nie ma już tego wpisu – ktoś go usunął albo zmienił jego id."]
    if not plan.ok or path is None:
        return plan
    if _form_of(_item(path, entry_id)) == form:
        return plan  # nothing changed: no need for the slow round-trip reading
    original = path.read_text(encoding="utf-8")
    yaml = round_trip(HAND_WIDTH, preserve_quotes=True)
    data = yaml.load(original)
    item = next(i for i in data["entries"] if str(i.get("id")) == entry_id)
    if not _apply(item, form):
        return plan  # nothing changed: nothing to write
    text = splice(original, dump(yaml, data), entry_id)
    if text != original:
        plan.texts[path] = text
    return _checked(plan, form, now)


def plan_add(root: str | Path, knowledge: KnowledgeBase, category: str, form: EntryForm,
             now: dt.datetime) -> Plan:
    root = Path(root)
    plan = Plan("add", "", root, errors=check_form(form))
    if knowledge.category(category) is None or not _ID_SAFE.match(category):
        plan.errors["category"] = ["Wybierz kategorię z listy."]
    if not plan.ok:
        return plan
    entry_id = new_id(category, form.question, _ids(root, knowledge))
    plan.entry_id = entry_id
    path = _file_for(root, knowledge, category)
    yaml = round_trip(HAND_WIDTH, preserve_quotes=True)
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    data = yaml.load(original) if original.strip() else None
    if not isinstance(data, CommentedMap):
        data = CommentedMap()
    entries = data.get("entries")
    if not isinstance(entries, CommentedSeq):
        data["entries"] = entries = CommentedSeq()
    item = CommentedMap()
    item["id"] = entry_id
    item["category"] = category
    _apply(item, form)
    entries.append(item)
    dumped = dump(yaml, data)
    plan.texts[path] = splice(original, dumped, entry_id) if original.strip() else dumped
    return _checked(plan, form, now)


def plan_retire(root: str | Path, knowledge: KnowledgeBase, entry_id: str,
                now: dt.datetime) -> Plan:
    root = Path(root)
    plan = Plan("retire", entry_id, root, removes=frozenset({entry_id}))
    entry = knowledge.entry(entry_id)
    path = find_file(root, entry_id) if entry is not None else None
    if entry is None or path is None:
        plan.errors[GENERAL] = ["Nie ma już tego wpisu."]
        return plan
    why = _kept_because(entry)
    if why:
        plan.errors[GENERAL] = [f"Tego wpisu nie wycofam: {why}."]
        return plan
    plan.texts[path] = cut(path.read_text(encoding="utf-8"), entry_id)
    learned = root / LEARNED_FILE
    if learned.exists() and learned != path:  # phrasings added to it from the chat go too
        yaml = round_trip(preserve_quotes=True)
        original = learned.read_text(encoding="utf-8")
        data = yaml.load(original)
        phrasings = data.get("phrasings") if isinstance(data, CommentedMap) else None
        if isinstance(phrasings, CommentedMap) and entry_id in phrasings:
            del phrasings[entry_id]
            plan.texts[learned] = dump(yaml, data)
    return _checked(plan, EntryForm(), now)


def new_id(category: str, question: str, taken: set[str]) -> str:
    """"czlonkostwo.ile_trwa_przystapienie": the category and the question's first words,
    short enough for a Telegram button, unique."""
    words = re.findall(r"[a-z0-9]+", fold(question).lower())
    slug = ""
    for word in words:
        longer = f"{slug}_{word}" if slug else word
        if len(longer) > MAX_ID_SLUG:
            break
        slug = longer
    slug = slug or "wpis"
    while "_" in slug and not choices.fits(choices.ChoiceKind.QUESTION, f"{category}.{slug}_99"):
        slug = slug.rsplit("_", 1)[0]
    base = candidate = f"{category}.{slug}"
    number = 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


# ------------------------------------------------------------------ writing into an item


def _apply(item: CommentedMap, form: EntryForm) -> bool:
    """Set the fields that differ, keeping each value's style (quotes, `|`). True when
    anything changed."""
    changed = False
    for key, value in (("question", form.question), ("button", form.button),
                       ("answer", form.answer)):
        if _text(item.get(key)) == value:
            continue
        changed = True
        if not value:
            item.pop(key, None)
        elif key == "answer":
            item[key] = _answer_like(item.get(key), value)
        else:
            added = key not in item
            item[key] = _scalar_like(item.get(key), value)
            if added and key == "button" and "question" in item:  # where people write it
                _move_after(item, "button", "question")
    for key, values in (("alternates", form.phrasings), ("source", form.source)):
        if tuple(_texts(item.get(key))) != values:
            changed = True
            _set_list(item, key, values)
    if _text(item.get("checked")) != form.checked:  # "2026-11-26" quoted or not is the same
        changed = True
        item["checked"] = dt.date.fromisoformat(form.checked)
    return changed


def _move_after(item: CommentedMap, key: str, anchor: str) -> None:
    keys = list(item.keys())
    if keys.index(key) == keys.index(anchor) + 1:
        return
    value = item.pop(key)
    item.insert(list(item.keys()).index(anchor) + 1, key, value)


def _scalar_like(old: Any, new: str) -> str:
    if isinstance(old, ScalarString) and not isinstance(old, LiteralScalarString):
        return type(old)(new)
    if isinstance(old, str):
        return new
    return DoubleQuotedScalarString(new)


def _answer_like(old: Any, new: str) -> str:
    if isinstance(old, LiteralScalarString) or "\n" in new or old is None:
        return LiteralScalarString(new + "\n")
    return _scalar_like(old, new)


def _set_list(item: CommentedMap, key: str, values: tuple[str, ...]) -> None:
    """Change a list in place, so the items kept keep their comments."""
    seq = item.get(key)
    if not isinstance(seq, CommentedSeq):
        seq = CommentedSeq()
        item[key] = seq
    sample = seq[0] if len(seq) else DoubleQuotedScalarString("")
    old = [_text(v) for v in seq]
    matcher = difflib.SequenceMatcher(a=old, b=list(values), autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for index in range(i2 - 1, i1 - 1, -1):
            del seq[index]
        for offset, value in enumerate(values[j1:j2]):
            seq.insert(i1 + offset, _scalar_like(sample, value))


# ------------------------------------------------------------------ checking a plan


def _checked(plan: Plan, form: EntryForm, now: dt.datetime) -> Plan:
    """Load the knowledge as it would be after the plan (in a scratch copy) and keep the
    errors it would add, each put next to the field it is about."""
    if not plan.texts:
        return plan
    before = load_knowledge(plan.root, now, near_duplicates=True)
    with tempfile.TemporaryDirectory(prefix="kb-check-") as scratch:
        copy = Path(scratch) / "knowledge"
        for path in knowledge_files(plan.root):
            target = copy / path.relative_to(plan.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        for path, text in plan.texts.items():
            target = copy / path.relative_to(plan.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        after = load_knowledge(copy, now, near_duplicates=True)
        old = {_key(p, plan.root) for p in before.problems}
        new = [p.relative_to(copy) for p in after.problems if _key(p, copy) not in old]
        edited = plan.texts.get(next(iter(plan.texts)))
        lines = _key_lines(edited, plan.entry_id) if plan.action != "retire" else {}
        normalizer = Normalizer(after.knowledge.synonyms)
        for problem in new:
            name = _field_of(problem, plan, form, lines, normalizer)
            message = _LOCATION.sub("", problem.message)
            if problem.level == "error":
                where = "" if name != GENERAL or not problem.file else f"{problem.file}: "
                plan.errors.setdefault(name, []).append(where + _sentence(message))
            elif problem.entry_id == plan.entry_id:
                plan.warnings.append(_sentence(message))
    return plan


def _key(problem: Problem, root: Path) -> tuple[str, str | None, str, str]:
    message = problem.relative_to(root).message
    return (relative_name(problem.file, root), problem.entry_id,
            _LINE_NUMBER.sub(r"\1", message), problem.level)


def _key_lines(text: str | None, entry_id: str) -> dict[int, str]:
    try:
        data = load_yaml_text(text or "")
    except YamlSyntaxError:
        return {}
    items = data.get("entries") if isinstance(data, LineDict) else None
    item = next((i for i in items or [] if isinstance(i, LineDict)
                 and str(i.get("id")) == entry_id), None)
    if item is None:
        return {}
    return {line: key for key, line in item.key_lines.items()}


def _field_of(problem: Problem, plan: Plan, form: EntryForm, lines: dict[int, str],
              normalizer: Normalizer) -> str:
    same = _SAME_AS.match(problem.message)
    if problem.entry_id == plan.entry_id:
        if same:
            return "question" if same["text"] == form.question else "phrasings"
        key = lines.get(problem.line)
        return _KEY_FIELD.get(key or "", GENERAL)
    if same and same["other"] == plan.entry_id:  # another entry's phrasing, the same as ours
        theirs = normalizer.key(same["text"])
        return "question" if normalizer.key(form.question) == theirs else "phrasings"
    return GENERAL


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:]).rstrip(".") + "."


# ------------------------------------------------------------------ files


def _faq_files(root: Path) -> list[Path]:
    faq = root / "faq"
    return sorted(p for p in faq.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def _items(path: Path) -> list[Any]:
    """The entries of a file, read-only: parsed again only when its text changed (the desk
    looks up entries by id across every file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    known = _parsed_items.get(path)
    if known is not None and known[0] == text:
        return known[1]
    try:
        data = load_yaml_text(text)
    except YamlSyntaxError:
        return []
    entries = data.get("entries") if isinstance(data, dict) else None
    items = entries if isinstance(entries, list) else []
    if len(_parsed_items) >= _MAX_PARSED_FILES:
        _parsed_items.clear()
    _parsed_items[path] = (text, items)
    return items


_MAX_PARSED_FILES = 64
_parsed_items: dict[Path, tuple[str, list[Any]]] = {}


def _ids(root: Path, knowledge: KnowledgeBase) -> set[str]:
    ids = {e.id for e in knowledge.entries}
    for path in _faq_files(root):
        ids.update(str(i.get("id")) for i in _items(path) if isinstance(i, dict))
    return ids


def _file_for(root: Path, knowledge: KnowledgeBase, category: str) -> Path:
    """Where a new entry of `category` goes: faq/<category>.yaml, else the file holding most
    of the category's entries, else a new faq/<category>.yaml."""
    own = root / "faq" / f"{category}.yaml"
    if own.exists():
        return own
    counts: dict[Path, int] = {}
    for path in _faq_files(root):
        count = sum(1 for i in _items(path) if isinstance(i, dict)
                    and str(i.get("category")) == category)
        if count:
            counts[path] = count
    return max(counts, key=lambda p: counts[p]) if counts else own


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [t for t in (_text(v) for v in values) if t]
