"""Growing the knowledge from the coordinator's answers, in a file of its own.

New entries and new phrasings of existing entries go to `faq/nauczone.yaml`; hand-written
files are only touched when the coordinator explicitly replaces an entry's answer with theirs.
Files are edited with ruamel.yaml round-trip, so comments and order a person adds survive.
Every change is validated; a change that would break the knowledge is undone.

Nothing is written straight from a reply: `propose` turns the resident's question and the
coordinator's answer into a proposed entry, and `personal_flags` points out what must not
reach the next resident ("Dzień dobry Panie Kubo!"). Channel-neutral: Telegram shows the
proposal as a preview, a web desk could show it as a form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.knowledge import Entry, KnowledgeBase, Problem
from bot.loader import BUTTON_MAX_CHARS, load_knowledge
from bot.polish import fold
from bot.yamledit import answer_scalar, dump, read_map, round_trip

LEARNED_FILE = Path("faq") / "nauczone.yaml"
SOURCE = "odpowiedź koordynatora"
MAX_QUESTION = 200  # a canonical question is also a menu button
# A phrasing may be a resident's whole story (long messages are matched sentence by sentence).
MAX_PHRASING = 600
MAX_ANSWER = 4096  # one Telegram message
HEADER = (
    "Wpisy i sformułowania dodane przyciskiem „Dodaj do bazy wiedzy” pod odpowiedzią\n"
    "koordynatora. Można je tu poprawiać jak w innych plikach; bot dopisuje nowe na końcu.\n"
    "phrasings: dodatkowe sformułowania wpisów z innych plików (pod id wpisu)."
)
DEFAULT_CATEGORY = "inne"

_HELLO = (r"(?:dzień dobry|dzien dobry|dobry wieczór|dobry wieczor|witam|witaj|cześć|czesc|"
          r"hej|szanown\w*|drog[ia]\w*)")
# "Dzień dobry Panie Kubo!", "Witam serdecznie,", "Szanowna Pani," at the start of an answer:
# the greeting, at most three more words, then punctuation or the end of the line.
_GREETING = re.compile(rf"^\s*{_HELLO}\b(?:[ \t]+[^\s!?.,]+){{0,3}}[ \t]*(?:[!?.,]+|\n)\s*",
                       re.IGNORECASE)
# Only the greeting words ("dzien dobry czy klaster…" in a question without punctuation).
_HELLO_ONLY = re.compile(rf"^\s*{_HELLO}\b[\s,!.]*", re.IGNORECASE)
# "Panie Kubo", "Pani Basiu", "Pan Jan": a person addressed or named.
_ADDRESSED = re.compile(r"\b(Panie|Pani|Panu|Pana|Panią|Pan)\s+([A-ZŁŚŻŹĆŃÓĘĄ][a-ząćęłńóśźż]+)")
# "Pozdrawiam, Mateusz" and everything after it.
_SIGN_OFF = re.compile(r"(\n|^|(?<=[.!?])\s)\s*(pozdrawiam|z poważaniem|serdeczności|"
                       r"miłego dnia)\b.*$", re.IGNORECASE | re.DOTALL)
_MENTION = re.compile(r"@\w{4,}")
# "Oddzwonię jutro": a promise to the one person asking, not an answer for everyone.
_PROMISE = re.compile(r"\b(oddzwonię|zadzwonię|odezwę się|skontaktuję się|wyślę|prześlę|"
                      r"sprawdzę|dam znać)\b", re.IGNORECASE)
# A PESEL, a phone or an account number (9+ digits, spaces and dashes allowed), an e-mail.
_PERSONAL_DATA = re.compile(r"\d(?:[ -]?\d){8,}|[\w.+-]+@[\w-]+\.[\w.]+")


@dataclass(frozen=True)
class Proposal:
    """What "Dodaj do bazy wiedzy" would write, before the coordinator accepts it."""

    question: str
    answer: str
    category: str
    button: str
    targets: tuple[str, ...] = ()  # entries the bot suggested: candidates for a phrasing

    def as_data(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "category": self.category,
                "button": self.button, "targets": list(self.targets)}


def propose(question: str, answer: str, suggestions: Sequence[str],
            knowledge: KnowledgeBase) -> Proposal:
    """A first proposal: the question tidied, a short button label, the category of the
    entry the bot suggested (else "inne"), the answer as written (flags point out greetings)."""
    tidy = tidy_question(question)
    targets = tuple(s for s in suggestions if (e := knowledge.entry(s)) and not e.is_smalltalk)
    menu = {c.id for c in knowledge.menu_categories()}
    suggested = [e.category for s in targets if (e := knowledge.entry(s)) and e.category in menu]
    # the category most of the suggested entries share (the first on a tie)
    category = max(suggested, key=suggested.count) if suggested else None
    if category is None:
        category = DEFAULT_CATEGORY if knowledge.category(DEFAULT_CATEGORY) else (
            next(iter(menu), DEFAULT_CATEGORY))
    return Proposal(tidy, answer.strip(), category, button_label(tidy), targets)


def tidy_question(text: str) -> str:
    """One line, the greeting dropped, a capital letter, a question mark."""
    text = " ".join(text.split())
    without = _HELLO_ONLY.sub("", text, count=1).strip() or text
    if without and without[0].islower():
        without = without[0].upper() + without[1:]
    if without and without[-1] not in "?!.":
        without += "?"
    return without


def button_label(question: str, limit: int = BUTTON_MAX_CHARS) -> str:
    """The question if it fits on a phone's button, else cut at a word with "…"."""
    if len(question) <= limit:
        return question
    cut = question[: limit - 1]
    if question[limit - 1] != " ":  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def shorten(text: str, limit: int) -> str:
    """For labels: cut at a word, never mid-word, and say so with "…"."""
    return button_label(" ".join(text.split()), limit)


_WORD = re.compile(r"[^\W\d_]+")
_POLISH_LETTERS = frozenset("ąćęłńóśźż")


def without_diacritics(question: str, knowledge: KnowledgeBase) -> list[tuple[str, str]]:
    """Words typed without Polish letters that the knowledge writes with them:
    [("szkol", "szkół")]. A question becomes a menu button, so it should read right."""
    written: dict[str, str] = {}
    for entry in knowledge.entries:
        for word in _WORD.findall(f"{entry.question} {entry.answer}"):
            lower = word.lower()
            if _POLISH_LETTERS & set(lower):
                written.setdefault(fold(lower), lower)
    found = []
    for word in _WORD.findall(question):
        lower = word.lower()
        proper = written.get(lower)
        if proper is not None and not _POLISH_LETTERS & set(lower):
            found.append((word, proper))
    return list(dict.fromkeys(found))


def personal_flags(proposal: Proposal, knowledge: KnowledgeBase | None = None) -> list[str]:
    """What in the proposal is meant for one person, or will not fit, or will read wrong as
    a menu button: one Polish line each."""
    flags = []
    greeting = _GREETING.match(proposal.answer) or _HELLO_ONLY.match(proposal.answer)
    if greeting and greeting.group(0).strip():
        flags.append(f"odpowiedź zaczyna się od powitania „{greeting.group(0).strip()}” – "
                     "następna osoba dostałaby je tak samo")
    names = sorted({m.group(0) for m in _ADDRESSED.finditer(proposal.answer)})
    if names:
        flags.append("w odpowiedzi jest zwrot do konkretnej osoby: " + ", ".join(names))
    sign_off = _SIGN_OFF.search(proposal.answer)
    if sign_off:
        flags.append(f"odpowiedź kończy się podpisem „{' '.join(sign_off.group(0).split())}”")
    promises = sorted({m.group(0).lower() for m in _PROMISE.finditer(proposal.answer)})
    if promises:
        flags.append("w odpowiedzi jest obietnica dla jednej osoby („"
                     + "”, „".join(promises) + "”) – następna osoba jej nie doczeka")
    if _MENTION.search(proposal.answer):
        flags.append("w odpowiedzi jest nazwa użytkownika (@…)")
    if _PERSONAL_DATA.search(proposal.question):
        flags.append("w pytaniu jest numer albo e-mail – usuń go (✏️ Pytanie): pytanie zobaczą "
                     "wszyscy jako napis w menu")
    typed = without_diacritics(proposal.question, knowledge) if knowledge else []
    if typed:
        examples = ", ".join(f"„{a}” → „{b}”" for a, b in typed[:3])
        flags.append(f"pytanie jest bez polskich znaków ({examples}) – będzie napisem w menu, "
                     "popraw je (✏️ Pytanie)")
    if len(proposal.question) > MAX_QUESTION:
        flags.append(f"pytanie ma {len(proposal.question)} znaków, a może mieć najwyżej "
                     f"{MAX_QUESTION} – skróć je")
    if len(proposal.button) > BUTTON_MAX_CHARS:
        flags.append(f"napis na przycisku ma {len(proposal.button)} znaków, najwyżej "
                     f"{BUTTON_MAX_CHARS}")
    if len(proposal.answer) > MAX_ANSWER:
        flags.append(f"odpowiedź ma {len(proposal.answer)} znaków, najwyżej {MAX_ANSWER}")
    return flags


def has_personal_touch(answer: str) -> bool:
    return without_personal(answer) != answer.strip()


def without_personal(answer: str) -> str:
    """The answer without the opening greeting and the sign-off; names inside stay (the
    coordinator rewrites those sentences)."""
    text = _SIGN_OFF.sub("", answer.strip(), count=1).strip()
    greeting = _GREETING if _GREETING.match(text) else _HELLO_ONLY
    text = greeting.sub("", text, count=1).strip() or text
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


@dataclass
class Change:
    ok: bool
    entry_id: str
    file: Path
    problems: list[Problem] = field(default_factory=list)
    reason: str = ""


def add_entry(root: str | Path, *, category: str, question: str, answer: str,
              today: dt.date, number: int, button: str = "",
              knowledge: KnowledgeBase | None = None) -> Change:
    """A new entry: the resident's question, the coordinator's answer."""
    root = Path(root)
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION:
        return Change(False, "", root / LEARNED_FILE, reason=_too_long(question))
    data = _read(root)
    entries = data.setdefault("entries", CommentedSeq())
    taken = {str(e.get("id")) for e in entries} | {e.id for e in _current_entries(root,
                                                                                  knowledge)}
    entry_id = f"{category}.odpowiedz_{number}"
    suffix = 2
    while entry_id in taken:
        entry_id, suffix = f"{category}.odpowiedz_{number}_{suffix}", suffix + 1
    entry = CommentedMap()
    entry["id"] = entry_id
    entry["category"] = category
    entry["question"] = question
    if button and button != question:
        entry["button"] = button
    entry["alternates"] = CommentedSeq([question])
    entry["answer"] = _answer_scalar(answer)
    entry["source"] = CommentedSeq([SOURCE])
    entry["checked"] = today
    entries.append(entry)
    return _write_checked(root, data, entry_id)


def add_phrasing(root: str | Path, *, entry_id: str, text: str) -> Change:
    """A new way of asking an existing entry's question."""
    root = Path(root)
    text = " ".join(text.split())
    if len(text) > MAX_QUESTION:
        return Change(False, entry_id, root / LEARNED_FILE, reason=_too_long(text))
    data = _read(root)
    phrasings = data.setdefault("phrasings", CommentedMap())
    texts = phrasings.setdefault(entry_id, CommentedSeq())
    if text not in texts:
        texts.append(text)
    return _write_checked(root, data, entry_id)


def _yaml() -> YAML:
    return round_trip()


def _read(root: Path) -> CommentedMap:
    data = read_map(root / LEARNED_FILE, _yaml())
    if data is not None:
        return data
    data = CommentedMap()
    data.yaml_set_start_comment(HEADER)
    return data


def _current_entries(root: Path, knowledge: KnowledgeBase | None = None
                     ) -> tuple[Entry, ...]:
    """The entries in service (given), else as the files hold them now."""
    return (knowledge or load_knowledge(root).knowledge).entries


def _write_checked(root: Path, data: CommentedMap, entry_id: str) -> Change:
    path = root / LEARNED_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else None
    return _write_file_checked(root, path, data, entry_id, before)


def _write_file_checked(root: Path, path: Path, data: CommentedMap, entry_id: str,
                        before: str | None) -> Change:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(_yaml(), data), encoding="utf-8")
    result = load_knowledge(root)
    if result.ok:
        return Change(True, entry_id, path)
    if before is None:
        path.unlink()
    else:
        path.write_text(before, encoding="utf-8")
    errors = [p for p in result.problems if p.level == "error"]
    return Change(False, entry_id, path, errors, "po tej zmianie baza wiedzy miałaby błędy")


def check_question(question: str) -> str | None:
    """Why a question cannot be an entry's question, or None."""
    if not question.strip():
        return "pytanie jest puste"
    if len(" ".join(question.split())) > MAX_QUESTION:
        return _too_long(" ".join(question.split()))
    return None


def replace_answer(root: str | Path, *, entry_id: str, answer: str, today: dt.date,
                   knowledge: KnowledgeBase | None = None) -> Change:
    """The coordinator's answer replaces an entry's answer, in the file where the entry is
    (a hand-written file too: the coordinator chose this explicitly)."""
    root = Path(root)
    entry = next((e for e in _current_entries(root, knowledge) if e.id == entry_id), None)
    if entry is None:
        return Change(False, entry_id, root / LEARNED_FILE, reason="nie ma już tego wpisu")
    path = Path(entry.file)

    def change(item: CommentedMap) -> None:
        item["answer"] = _answer_scalar(answer)
        item["checked"] = today
        sources = item.get("source")
        if isinstance(sources, list) and SOURCE not in sources:
            sources.append(SOURCE)

    return _edit_entry(root, path, entry_id, change)


@dataclass(frozen=True)
class Learned:
    """Something in the learned file: an entry, or the phrasings added to another entry."""

    entry_id: str
    question: str  # the entry's question (for phrasings: the target entry's)
    answer: str
    phrasings: tuple[str, ...]  # phrasings added to another entry; empty for entries
    label: str = ""

    @property
    def is_entry(self) -> bool:
        return not self.phrasings


def learned(root: str | Path, knowledge: KnowledgeBase) -> list[Learned]:
    """What the learned file holds, entries first, in file order."""
    data = _read(Path(root))
    found = []
    for item in data.get("entries") or []:
        entry_id = str(item.get("id", ""))
        found.append(Learned(entry_id, str(item.get("question", "")),
                             str(item.get("answer", "")), (),
                             str(item.get("button") or item.get("question", ""))))
    for entry_id, texts in (data.get("phrasings") or {}).items():
        target = knowledge.entry(str(entry_id))
        values = tuple(str(t) for t in (texts if isinstance(texts, list) else [texts]))
        found.append(Learned(str(entry_id), target.question if target else str(entry_id),
                             target.answer if target else "", values,
                             target.label if target else str(entry_id)))
    return found


EDITABLE = ("question", "answer", "button")


def update_learned(root: str | Path, *, entry_id: str, field_name: str, value: str,
                   today: dt.date) -> Change:
    """Change one field of a learned entry (the question also stays a phrasing of it)."""
    if field_name not in EDITABLE:
        raise ValueError(field_name)
    root = Path(root)
    value = value.strip() if field_name == "answer" else " ".join(value.split())
    if field_name == "question" and len(value) > MAX_QUESTION:
        return Change(False, entry_id, root / LEARNED_FILE, reason=_too_long(value))

    def change(item: CommentedMap) -> None:
        if field_name == "answer":
            item["answer"] = _answer_scalar(value)
        elif field_name == "button":
            item["button"] = value
        else:
            item["question"] = value
            alternates = item.setdefault("alternates", CommentedSeq())
            if value not in alternates:
                alternates.append(value)
        item["checked"] = today

    return _edit_entry(root, root / LEARNED_FILE, entry_id, change)


def remove_learned(root: str | Path, *, entry_id: str) -> Change:
    root = Path(root)
    data = _read(root)
    entries = data.get("entries") or []
    index = next((i for i, e in enumerate(entries) if str(e.get("id")) == entry_id), None)
    if index is None:
        return Change(False, entry_id, root / LEARNED_FILE, reason="nie ma już tego wpisu")
    del entries[index]
    return _write_checked(root, data, entry_id)


def remove_phrasing(root: str | Path, *, entry_id: str, index: int) -> Change:
    root = Path(root)
    data = _read(root)
    phrasings = data.get("phrasings") or {}
    texts = phrasings.get(entry_id)
    if not isinstance(texts, list) or not 0 <= index < len(texts):
        return Change(False, entry_id, root / LEARNED_FILE,
                      reason="nie ma już tego sformułowania")
    del texts[index]
    if not texts:
        del phrasings[entry_id]
    return _write_checked(root, data, entry_id)


def relative_file(path: str | Path, root: str | Path) -> str:
    """A file named from the knowledge folder: "faq/nauczone.yaml", never a server path."""
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return Path(path).name


def problem_lines(change: Change, root: str | Path) -> list[str]:
    """The errors, each naming its file from the knowledge folder ("faq/x.yaml:12"), once."""
    return list(dict.fromkeys(str(p.relative_to(root)) for p in change.problems))


_SAME_AS = re.compile(r"znaczy to samo co sformułowanie wpisu (\S+) ")


def explain(change: Change, root: str | Path) -> str:
    """Why a change was refused, in one line: a question another entry already has is said
    plainly; other errors name the first problem (file and line from the knowledge folder)."""
    for problem in change.problems:
        same = _SAME_AS.search(problem.message)
        if same:
            return (f"takie pytanie ma już wpis {same.group(1)} – wybierz „Jako pytanie do…” "
                    "albo zmień pytanie (✏️ Pytanie)")
    problems = problem_lines(change, root)
    reason = change.reason
    if problems:
        reason += f": {problems[0]}"
        if len(problems) > 1:
            reason += f" (i {len(problems) - 1} więcej)"
    return reason


def _too_long(question: str) -> str:
    return f"pytanie ma {len(question)} znaków, a może mieć najwyżej {MAX_QUESTION}"


_answer_scalar = answer_scalar


def _edit_entry(root: Path, path: Path, entry_id: str,
                change: Callable[[CommentedMap], None]) -> Change:
    """Change one entry in `path` with ruamel round-trip, validate, undo on errors."""
    if not path.is_absolute():
        path = Path.cwd() / path
    before = path.read_text(encoding="utf-8")
    data = _yaml().load(before)
    entries = data.get("entries") if isinstance(data, CommentedMap) else None
    item = next((e for e in entries or [] if str(e.get("id")) == entry_id), None)
    if item is None:
        return Change(False, entry_id, path, reason="nie ma już tego wpisu")
    change(item)
    return _write_file_checked(root, path, data, entry_id, before)
