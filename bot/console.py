"""A chat in the terminal over the same core as the Telegram bot: for trying the knowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot import texts
from bot.answers import answer_text
from bot.knowledge import Entry
from bot.matcher import Matcher

HELP = (
    "Komendy: /menu – tematy, /kontakt – dane kontaktowe, /koniec – wyjście.\n"
    "Wybór z listy: wpisz numer."
)
CONSOLE_HANDOFF = (
    "W Telegramie pytanie trafiłoby teraz do koordynatora jako zgłoszenie, a jego odpowiedź "
    "przyszłaby w tym samym czacie. W trybie konsoli nic nie jest wysyłane."
)
CONTACT_ENTRY = "kontakt.ogolny"
EXIT_WORDS = frozenset({"/koniec", "/exit", "/quit", "koniec", "exit", "quit"})


@dataclass
class _Choice:
    label: str
    run: Callable[[], str]


@dataclass
class ConsoleChat:
    """Turns one line from the person into the bot's reply; remembers pending numbered choices."""

    matcher: Matcher
    clock: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    _choices: list[_Choice] = field(default_factory=list)

    def start(self) -> str:
        return f"{texts.GREETING}\n{HELP}"

    def reply(self, line: str) -> str:
        text = line.strip()
        if text.isdigit() and self._choices:
            number = int(text)
            if 1 <= number <= len(self._choices):
                return self._choices[number - 1].run()
            return f"Wpisz numer od 1 do {len(self._choices)} albo zadaj nowe pytanie."
        if text in ("/menu", "/start", "/pomoc", "/help"):
            return self._menu()
        if text in ("/kontakt", "/contact"):
            entry = self.matcher.knowledge.entry(CONTACT_ENTRY)
            return self._answer(entry) if entry else HELP
        return self._ask(text)

    def _ask(self, text: str) -> str:
        result = self.matcher.match(text)
        if result.status == "answer" and result.entry is not None:
            return self._answer(result.entry)
        if result.status == "suggest":
            options = [_Choice(s.entry.question, self._answer_by(s.entry))
                       for s in result.suggestions]
            options.append(_Choice(texts.NONE_OF_THESE, self._handoff))
            return self._offer(texts.SUGGEST_INTRO, options)
        return self._offer(texts.NO_ANSWER, [_Choice("Przekaż koordynatorowi", self._handoff),
                                             _Choice("Nie, dziękuję", self._decline)])

    def _answer(self, entry: Entry) -> str:
        body = answer_text(entry, self.matcher.knowledge, self.clock())
        if entry.offers_handoff:
            return self._offer(body, [_Choice("Przekaż koordynatorowi", self._handoff),
                                      _Choice("Nie, dziękuję", self._decline)])
        self._choices = []
        return body

    def _answer_by(self, entry: Entry) -> Callable[[], str]:
        return lambda: self._answer(entry)

    def _menu(self) -> str:
        kb = self.matcher.knowledge
        options = [_Choice(c.name, self._category_by(c.id)) for c in kb.menu_categories()]
        options.append(_Choice("Zapytaj koordynatora", self._handoff))
        return self._offer("Wybierz temat:", options)

    def _category_by(self, category_id: str) -> Callable[[], str]:
        def show() -> str:
            entries = self.matcher.knowledge.entries_in(category_id)
            return self._offer("Wybierz pytanie:",
                               [_Choice(e.question, self._answer_by(e)) for e in entries])
        return show

    def _handoff(self) -> str:
        self._choices = []
        return CONSOLE_HANDOFF

    def _decline(self) -> str:
        self._choices = []
        return "Dobrze. Jeśli masz inne pytanie, po prostu je napisz."

    def _offer(self, intro: str, options: list[_Choice]) -> str:
        self._choices = options
        lines = [intro, *(f"  {n}. {o.label}" for n, o in enumerate(options, start=1))]
        return "\n".join(lines)


def run_console(matcher: Matcher, stdin: TextIO, stdout: TextIO) -> int:
    chat = ConsoleChat(matcher)
    interactive = stdin.isatty()
    print(chat.start(), file=stdout)
    while True:
        if interactive:
            stdout.write("\nTy: ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().casefold() in EXIT_WORDS:
            print("Do widzenia!", file=stdout)
            return 0
        if not line.strip():
            continue
        if not interactive:
            print(f"\nTy: {line.strip()}", file=stdout)
        print(f"Bot: {chat.reply(line)}", file=stdout)
