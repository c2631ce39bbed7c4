"""Reads the knowledge directory into a KnowledgeBase and reports every problem it finds.

Layout: `categories.yaml`, optional `synonyms.yaml` and `meetings.yaml`, and entry files
under `faq/`. Errors name file, line and entry id so the coordinator can fix the YAML.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.knowledge import HANDOFF_ACTION, Category, Entry, KnowledgeBase, Problem
from bot.meetings import parse_meetings
from bot.validation import check_entries
from bot.yamlfile import LineDict, YamlSyntaxError, load_yaml

TELEGRAM_MESSAGE_LIMIT = 4096
RECOMMENDED_PHRASINGS = 5
BUTTON_MAX_CHARS = 40  # what a phone shows on one button without cutting it
DYNAMIC_KINDS = frozenset({"upcoming_meetings", "past_meetings"})
ENTRY_FIELDS = frozenset(
    {"id", "category", "question", "alternates", "keywords", "answer", "source", "checked",
     "action", "dynamic", "button"}
)
REQUIRED_TEXT_FIELDS = ("id", "category", "question", "answer")


class KnowledgeError(Exception):
    """The knowledge directory has errors; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"{len(errors)} błędów w bazie wiedzy")
        self.problems = problems


@dataclass
class LoadResult:
    knowledge: KnowledgeBase
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems)


class _Report:
    def __init__(self, file: Path) -> None:
        self.file = str(file)
        self.problems: list[Problem] = []

    def error(self, line: int, entry_id: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, entry_id, message))

    def warn(self, line: int, entry_id: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, entry_id, message, "warning"))


def load_knowledge(root: str | Path, now: dt.datetime | None = None,
                   near_duplicates: bool = False) -> LoadResult:
    """Load everything under `root`; never raises for bad content, it reports it instead.

    `now` decides which meetings are upcoming (they need a place and how to register).
    `near_duplicates=True` also looks for nearly equal phrasings of two entries: the slowest
    check (over half a second), whose findings are only warnings, so only what shows
    warnings to a person asks for it (`bot check`, the desk's editor).
    """
    root = Path(root)
    if not root.is_dir():
        problem = Problem(str(root), 0, None, "nie ma takiego katalogu z bazą wiedzy")
        return LoadResult(KnowledgeBase((), ()), [problem])
    problems: list[Problem] = []

    categories = _load_categories(root / "categories.yaml", problems)
    synonyms = _load_synonyms(root / "synonyms.yaml", problems)
    entries: list[Entry] = []
    faq_files = sorted((root / "faq").rglob("*.yaml")) + sorted((root / "faq").rglob("*.yml"))
    if not faq_files:
        problems.append(Problem(str(root / "faq"), 0, None, "brak plików z pytaniami (faq/*.yaml)"))
    known = {c.id for c in categories}
    extras: list[_ExtraPhrasings] = []
    for path in faq_files:
        found, added = _load_entries(path, known, problems)
        entries.extend(found)
        extras.extend(added)
    entries = _add_phrasings(entries, extras, problems)
    problems.extend(_missing_buttons(entries, categories))
    meetings_path = root / "meetings.yaml"
    meetings = ()
    if meetings_path.exists():
        data = _read(meetings_path, problems)
        report = _Report(meetings_path)
        meetings = tuple(parse_meetings(data, report.error, now))
        problems.extend(report.problems)

    problems.extend(check_entries(entries, synonyms, near_duplicates=near_duplicates))
    knowledge = KnowledgeBase(tuple(categories), tuple(entries), tuple(synonyms), meetings)
    return LoadResult(knowledge, problems)


def load_valid_knowledge(root: str | Path, now: dt.datetime | None = None) -> KnowledgeBase:
    """Load the knowledge or raise KnowledgeError: what a running bot uses."""
    result = load_knowledge(root, now)
    if not result.ok:
        raise KnowledgeError(result.problems)
    return result.knowledge


def _read(path: Path, problems: list[Problem]) -> Any:
    try:
        data, duplicate_keys = load_yaml(path)
    except YamlSyntaxError as exc:
        problems.append(Problem(str(path), exc.line, None, f"{exc.message} (kolumna {exc.column})"))
        return None
    except OSError as exc:  # gone while being replaced, a folder named *.yaml, no permission
        problems.append(Problem(str(path), 0, None,
                                f"nie mogę odczytać pliku ({exc.strerror or exc})"))
        return None
    for key, line in duplicate_keys:
        problems.append(Problem(str(path), line, None, f"pole „{key}” powtórzone w jednym miejscu"))
    return data


def _section(data: Any, key: str, report: _Report) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        report.error(getattr(data, "line", 1), None, f"plik powinien zawierać listę „{key}:”")
        return []
    return data[key]


def _load_categories(path: Path, problems: list[Problem]) -> list[Category]:
    report = _Report(path)
    if not path.exists():
        report.error(0, None, "brak pliku z kategoriami")
        problems.extend(report.problems)
        return []
    categories: list[Category] = []
    for item in _section(_read(path, problems), "categories", report):
        if not isinstance(item, LineDict):
            report.error(1, None, "kategoria powinna mieć pola id i name")
            continue
        cid, name = _text(item.get("id")), _text(item.get("name"))
        if not cid or not name:
            report.error(item.line, cid or None, "kategoria musi mieć niepuste pola id i name")
            continue
        if any(c.id == cid for c in categories):
            report.error(item.line, cid, "ta kategoria jest już zdefiniowana")
            continue
        categories.append(Category(cid, name, bool(item.get("menu", True))))
    problems.extend(report.problems)
    return categories


def _load_synonyms(path: Path, problems: list[Problem]) -> list[tuple[str, ...]]:
    if not path.exists():
        return []
    report = _Report(path)
    groups: list[tuple[str, ...]] = []
    seen: dict[str, int] = {}
    data = _read(path, problems)
    for number, group in enumerate(_section(data, "synonyms", report), start=1):
        line = getattr(data, "line", 1)
        words = tuple(_text(w) for w in group) if isinstance(group, list) else ()
        if len(words) < 2 or not all(words):
            report.error(line, None, f"grupa synonimów nr {number} musi mieć co najmniej 2 wyrazy")
            continue
        for word in words:
            if word.casefold() in seen:
                report.error(line, None, f"„{word}” jest w grupach nr {seen[word.casefold()]} "
                             f"i nr {number}")
            seen[word.casefold()] = number
        groups.append(words)
    problems.extend(report.problems)
    return groups


@dataclass(frozen=True)
class _ExtraPhrasings:
    """Phrasings a file adds to an entry defined elsewhere (how learned phrasings are kept)."""

    entry_id: str
    texts: tuple[str, ...]
    file: str
    line: int


def _load_entries(path: Path, categories: set[str], problems: list[Problem]
                  ) -> tuple[list[Entry], list[_ExtraPhrasings]]:
    report = _Report(path)
    data = _read(path, problems)
    entries: list[Entry] = []
    extras: list[_ExtraPhrasings] = []
    has_phrasings = isinstance(data, dict) and "phrasings" in data
    items = data.get("entries") or [] if has_phrasings else _section(data, "entries", report)
    for item in items:
        if not isinstance(item, LineDict):
            report.error(1, None, "wpis powinien być zestawem pól (id:, question:, answer: ...)")
            continue
        entry = _parse_entry(item, categories, report)
        if entry is not None:
            entries.append(entry)
    if has_phrasings:
        extras = _parse_phrasings(data, report)
    problems.extend(report.problems)
    return entries, extras


def _parse_phrasings(data: LineDict, report: _Report) -> list[_ExtraPhrasings]:
    mapping = data["phrasings"]
    if mapping is None:
        return []
    if not isinstance(mapping, LineDict):
        report.error(data.line_of("phrasings"), None, "„phrasings:” to lista sformułowań "
                     "pod id wpisu, np. kontakt.adres: [\"gdzie macie biuro\"]")
        return []
    extras = []
    for entry_id, texts in mapping.items():
        values = [texts] if isinstance(texts, str) else texts
        if not isinstance(values, list) or not values or not all(_text(v) for v in values):
            report.error(mapping.line_of(str(entry_id)), str(entry_id),
                         "sformułowania powinny być niepustą listą tekstów")
            continue
        extras.append(_ExtraPhrasings(str(entry_id), tuple(_text(v) for v in values),
                                      report.file, mapping.line_of(str(entry_id))))
    return extras


def _add_phrasings(entries: list[Entry], extras: list[_ExtraPhrasings],
                   problems: list[Problem]) -> list[Entry]:
    by_id = {e.id: i for i, e in enumerate(entries)}
    for extra in extras:
        index = by_id.get(extra.entry_id)
        if index is None:
            problems.append(Problem(extra.file, extra.line, extra.entry_id,
                                    "nie ma wpisu o takim id (sformułowania nie mają celu)"))
            continue
        entry = entries[index]
        entries[index] = replace(entry, alternates=entry.alternates + extra.texts)
    return entries


def _parse_entry(item: LineDict, categories: set[str], report: _Report) -> Entry | None:
    eid = _text(item.get("id")) or None
    ok = True
    for key in sorted(set(item) - ENTRY_FIELDS):
        report.error(item.line_of(str(key)), eid, f"nieznane pole „{key}”")
        ok = False
    for key in REQUIRED_TEXT_FIELDS:
        if not _text(item.get(key)):
            state = "puste pole" if key in item else "brak pola"
            report.error(item.line_of(key), eid, f"{state} „{key}”")
            ok = False
    alternates = _text_list(item, "alternates", eid, report, required=True)
    keywords = _text_list(item, "keywords", eid, report, required=False)
    source = _text_list(item, "source", eid, report, required=True)
    checked = _date(item, eid, report)
    if alternates is None or keywords is None or source is None or checked is None:
        ok = False
    category = _text(item.get("category"))
    if category and category not in categories:
        report.error(item.line_of("category"), eid, f"nieznana kategoria „{category}” "
                     "(dozwolone są tylko te z categories.yaml)")
        ok = False
    answer = _text(item.get("answer"))
    if len(answer) > TELEGRAM_MESSAGE_LIMIT:
        report.error(item.line_of("answer"), eid, f"odpowiedź ma {len(answer)} znaków, a Telegram "
                     f"przyjmuje najwyżej {TELEGRAM_MESSAGE_LIMIT}")
        ok = False
    action = _text(item.get("action")) or None
    if action not in (None, HANDOFF_ACTION):
        report.error(item.line_of("action"), eid, f"pole „action” może mieć tylko wartość "
                     f"„{HANDOFF_ACTION}”")
        ok = False
    dynamic = _text(item.get("dynamic")) or None
    if dynamic is not None and dynamic not in DYNAMIC_KINDS:
        report.error(item.line_of("dynamic"), eid, "pole „dynamic” może mieć wartość: "
                     + ", ".join(sorted(DYNAMIC_KINDS)))
        ok = False
    button = _text(item.get("button")) or None
    if button is not None and len(button) > BUTTON_MAX_CHARS:
        report.error(item.line_of("button"), eid, f"„button” ma {len(button)} znaków, a przycisk "
                     f"mieści najwyżej {BUTTON_MAX_CHARS}")
        ok = False
    if not ok or eid is None:
        return None
    assert alternates is not None and keywords is not None and source is not None
    if len(alternates) < RECOMMENDED_PHRASINGS:
        report.warn(item.line_of("alternates"), eid, f"tylko {len(alternates)} sformułowań "
                    f"w „alternates”; zalecane co najmniej {RECOMMENDED_PHRASINGS}")
    return Entry(
        id=eid, category=category, question=_text(item["question"]), answer=answer,
        alternates=tuple(alternates), keywords=tuple(keywords), source=tuple(source),
        checked=checked, action=action, dynamic=dynamic, button=button, file=report.file,
        line=item.line,
    )


def _missing_buttons(entries: list[Entry], categories: list[Category]) -> list[Problem]:
    """Entries listed in a menu without a short label get the whole question cut on a phone."""
    in_menu = {c.id for c in categories if c.in_menu}
    return [Problem(e.file, e.line, e.id, "brak pola „button” (krótki napis na przycisku menu, "
                    f"do {BUTTON_MAX_CHARS} znaków)", "warning")
            for e in entries if e.category in in_menu and e.button is None]


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value).strip()


def _text_list(
    item: LineDict, key: str, eid: str | None, report: _Report, *, required: bool
) -> list[str] | None:
    value = item.get(key)
    if value is None:
        if required:
            report.error(item.line_of(key), eid, f"{'puste pole' if key in item else 'brak pola'} "
                         f"„{key}”")
            return None
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, (str, int, float)) for v in values):
        report.error(item.line_of(key), eid, f"pole „{key}” powinno być listą tekstów")
        return None
    texts = [_text(v) for v in values]
    if any(not t for t in texts) or (required and not texts):
        report.error(item.line_of(key), eid, f"puste pole lub pusty element w „{key}”")
        return None
    return texts


def _date(item: LineDict, eid: str | None, report: _Report) -> dt.date | None:
    value = item.get("checked")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    state = "brak pola" if "checked" not in item else "pole"
    report.error(item.line_of("checked"), eid, f"{state} „checked” (data sprawdzenia, "
                 "np. 2026-11-26)")
    return None


KNOWLEDGE_SUFFIXES = (".yaml", ".yml")


def knowledge_files(root: str | Path) -> list[Path]:
    """The files a load may read: every YAML file under `root` (an editor's swap or backup
    file is not one of them)."""
    return sorted(p for p in Path(root).rglob("*")
                  if p.suffix in KNOWLEDGE_SUFFIXES and p.is_file())


def knowledge_fingerprint(root: str | Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when any knowledge file under `root` is edited, added or removed."""
    files = []
    for path in knowledge_files(root):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between listing and looking
            continue
        files.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(files)


def relative_problem(problem: Problem, root: str | Path) -> Problem:
    """The problem with its file named relative to the knowledge folder (faq/kontakt.yaml):
    what the coordinator edits, without the server's paths."""
    prefix = str(Path(root)) + "/"  # messages naming another file (a duplicate id's first place)
    return replace(problem, file=relative_name(problem.file, root),
                   message=problem.message.replace(prefix, ""))


def relative_name(file: str, root: str | Path) -> str:
    try:
        return Path(file).relative_to(Path(root)).as_posix() or "."
    except ValueError:
        return Path(file).name or file
